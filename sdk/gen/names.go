package main

import (
	"go/token"
	"strconv"
	"strings"
	"unicode"
)

// initialisms are words written in capitals in Go names, keyed by their lower-case form.
var initialisms = map[string]string{
	"api": "API", "cql": "CQL", "dns": "DNS", "http": "HTTP", "https": "HTTPS", "id": "ID",
	"ids": "IDs", "ip": "IP", "json": "JSON", "jwt": "JWT", "mac": "MAC", "mdr": "MDR",
	"mfa": "MFA", "os": "OS", "ql": "QL", "rn": "RN", "sql": "SQL", "sso": "SSO", "tdr": "TDR",
	"tlp": "TLP", "uri": "URI", "url": "URL", "uuid": "UUID", "xdr": "XDR",
	// Taegis writes these compounds as one lower-case word (tdruser, tdrusers).
	"tdruser": "TDRUser", "tdrusers": "TDRUsers",
}

// words splits a GraphQL name into words at underscores and other separators, at a lower-case
// letter or digit followed by a capital, and before the last capital of a run of capitals that
// a lower-case letter follows ("HTTPServer" is HTTP, Server).
func words(name string) []string {
	var out []string
	rs := []rune(name)
	start := -1
	flush := func(end int) {
		if start >= 0 && end > start {
			out = append(out, string(rs[start:end]))
		}
		start = -1
	}
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush(i)
			continue
		}
		if start < 0 {
			start = i
			continue
		}
		prev := rs[i-1]
		switch {
		case unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev)):
			flush(i)
			start = i
		case unicode.IsUpper(r) && unicode.IsUpper(prev) && i+1 < len(rs) &&
			unicode.IsLower(rs[i+1]) && !pluralAcronym(rs, i+1):
			flush(i)
			start = i
		}
	}
	flush(len(rs))
	return out
}

// pluralAcronym reports whether rs[i] is the s of a plural acronym such as IDs: a lone
// lower-case s that ends the name or that a capital or separator follows.
func pluralAcronym(rs []rune, i int) bool {
	return rs[i] == 's' && (i+1 == len(rs) || !unicode.IsLower(rs[i+1]))
}

// goName turns a GraphQL name into an exported Go identifier: words are capitalised, known
// initialisms are written in capitals, and a name that would start with a digit gets an X.
// Distinct GraphQL names can give the same Go name (client_id and clientID); callers resolve
// that with a namespace.
func goName(name string) string {
	screaming := strings.ToUpper(name) == name
	var b strings.Builder
	for _, w := range words(name) {
		if up, ok := initialisms[strings.ToLower(w)]; ok {
			b.WriteString(up)
			continue
		}
		rs := []rune(w)
		if screaming {
			rs = []rune(strings.ToLower(w))
		}
		rs[0] = unicode.ToUpper(rs[0])
		b.WriteString(string(rs))
	}
	s := b.String()
	if s == "" {
		return "X"
	}
	if unicode.IsDigit([]rune(s)[0]) {
		return "X" + s
	}
	return s
}

// paramName turns a GraphQL argument name into an unexported Go parameter name that is not a
// keyword and not one of the names the generated method body uses itself.
func paramName(name string) string {
	ws := words(name)
	if len(ws) == 0 {
		return "arg"
	}
	p := strings.ToLower(ws[0]) + strings.TrimPrefix(goName(name), goName(ws[0]))
	if token.IsKeyword(p) || reservedParams[p] {
		p += "Arg"
	}
	return p
}

// reservedParams are the identifiers a generated method body declares or uses.
var reservedParams = map[string]bool{
	"ctx": true, "opts": true, "s": true, "handle": true, "o": true, "vars": true, "doc": true,
	"out": true, "err": true, "data": true, "req": true, "sdk": true, "fmt": true, "json": true,
	"context": true, "args": true,
}

// namespace hands out Go identifiers that are unique within one scope. The first claimant of a
// name gets it as is; later ones get the smallest free numeric suffix from 2, so the outcome
// depends only on the order of claims, which the generator keeps in schema declaration order.
type namespace struct {
	used map[string]bool
}

func newNamespace(reserved ...string) *namespace {
	ns := &namespace{used: map[string]bool{}}
	for _, r := range reserved {
		ns.used[r] = true
	}
	return ns
}

// claim returns want, or want with a numeric suffix when want is taken.
func (ns *namespace) claim(want string) string {
	if !ns.used[want] {
		ns.used[want] = true
		return want
	}
	for i := 2; ; i++ {
		c := want + strconv.Itoa(i)
		if !ns.used[c] {
			ns.used[c] = true
			return c
		}
	}
}
