package nlsearch

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// Status says how far a translation got; the values are llm_service's NLSearchStatus.
type Status string

// The statuses of a translation.
const (
	Complete Status = "COMPLETE"
	Partial  Status = "PARTIAL"
	Failed   Status = "FAILED"
)

// Translation is the answer to one request. QL is empty exactly when Status is Failed.
type Translation struct {
	// QL is the CQL query, e.g. FROM alert WHERE severity >= 0.6 EARLIEST=-1d.
	QL string
	// Reason says what the query reads and why, or why there is none.
	Reason string
	// Types are the types the query reads: "alert", or event types.
	Types  []string
	Status Status
}

// maxRequest is the longest request Translate reads, in bytes; the service's prompts are
// short, and a longer one is refused rather than scanned.
const maxRequest = 2000

// token is one word, number, indicator or quoted text of a request.
type token struct {
	text   string // as written, without quotes
	lower  string
	quoted bool
	used   bool
}

// draft collects what the rules found in a request.
type draft struct {
	alert    bool
	types    []string // event types named
	implied  []string // event types the conditions imply
	conds    []condition
	earliest string
	pipes    []pipe
	notes    []string // what was read, for the reason
	unfit    []string // conditions that do not apply to the target
}

// pipe is one pipe stage, written for alerts and for events; empty means it does not apply.
type pipe struct {
	alert, event string
	what         string
}

// condition is one test, written for alerts, for events, or both; empty means it does not
// apply there.
type condition struct {
	alert, event string
	what         string
}

// Translate turns a natural-language request into CQL. It never fails: a request it cannot
// translate gets Status Failed and a Reason.
func Translate(request string) Translation {
	request = strings.TrimSpace(request)
	switch {
	case request == "":
		return failed("the request is empty; ask in plain words, e.g. high severity alerts " +
			"in the last day")
	case len(request) > maxRequest:
		return failed(fmt.Sprintf("the request is %d bytes long; keep it under %d",
			len(request), maxRequest))
	}
	toks := tokenize(request)
	d := &draft{}
	for i := 0; i < len(toks); i++ {
		if toks[i].used {
			continue
		}
		for _, r := range rules {
			if n := r(d, toks, i); n > 0 {
				for j := i; j < i+n && j < len(toks); j++ {
					toks[j].used = true
				}
				break
			}
		}
	}
	return d.finish(toks)
}

func failed(reason string) Translation {
	return Translation{Reason: reason, Status: Failed}
}

// finish writes the query of a draft.
func (d *draft) finish(toks []token) Translation {
	var from []string
	switch {
	case d.alert:
		from = []string{"alert"}
	case len(d.types) > 0:
		from = d.types
	default:
		from = d.implied
	}
	if len(from) == 0 {
		return failed("the request names nothing to search: say alerts, or an event type " +
			"(process, netflow, dnsquery, auth, http, filemod, cloudaudit), e.g. process " +
			"events running powershell in the last day")
	}
	var where []string
	for _, c := range d.conds {
		expr := c.event
		if d.alert {
			expr = c.alert
		}
		if expr == "" {
			d.unfit = append(d.unfit, c.what)
			continue
		}
		if !slices.Contains(where, expr) {
			where = append(where, expr)
		}
	}
	var b strings.Builder
	b.WriteString("FROM " + strings.Join(from, ", "))
	if len(where) > 0 {
		b.WriteString(" WHERE " + strings.Join(where, " AND "))
	}
	if d.earliest != "" {
		b.WriteString(" EARLIEST=" + d.earliest)
	}
	for _, p := range d.pipes {
		text := p.event
		if d.alert {
			text = p.alert
		}
		if text == "" {
			d.unfit = append(d.unfit, p.what)
			continue
		}
		b.WriteString(" | " + text)
	}
	if d.alert && len(d.types) > 0 {
		d.unfit = append(d.unfit, "the event types "+strings.Join(d.types, ", "))
	}

	target := "alerts"
	if !d.alert {
		target = strings.Join(from, " and ") + " events"
	}
	reason := "Searches " + target
	if len(d.notes) > 0 {
		reason += ": " + strings.Join(d.notes, "; ")
	}
	reason += "."
	status := Complete
	if len(d.unfit) > 0 {
		status = Partial
		reason += fmt.Sprintf(" Left out, as it does not apply to %s: %s.", target,
			strings.Join(d.unfit, ", "))
	}
	var ignored []string
	for _, t := range toks {
		if !t.used && !stopWords[t.lower] {
			ignored = append(ignored, t.text)
		}
	}
	if len(ignored) > 0 {
		status = Partial
		reason += " Not understood, so left out: " + strings.Join(ignored, ", ") + "."
	}
	return Translation{QL: b.String(), Reason: reason, Types: append([]string(nil), from...),
		Status: status}
}

// tokenize splits a request into quoted texts and words; a word loses the punctuation
// around it but keeps what indicators hold inside (dots, dashes, backslashes, colons).
func tokenize(s string) []token {
	var out []token
	rs := []rune(s)
	for i := 0; i < len(rs); {
		c := rs[i]
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '\'' || c == '"' || c == '`':
			end := i + 1
			for end < len(rs) && rs[end] != c {
				end++
			}
			if end < len(rs) && end > i+1 {
				text := string(rs[i+1 : end])
				out = append(out, token{text: text, lower: strings.ToLower(text), quoted: true})
				i = end + 1
				continue
			}
			i++
		default:
			end := i
			for end < len(rs) && !unicode.IsSpace(rs[end]) {
				end++
			}
			w := strings.TrimRight(strings.TrimLeft(string(rs[i:end]), "([{<\"'`"),
				")]}>,;:!?.\"'`")
			if w != "" {
				out = append(out, token{text: w, lower: strings.ToLower(w)})
			}
			i = end
		}
	}
	return out
}

// stopWords are the words that carry no search meaning of their own.
var stopWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a an the all any every some me us i we my our show find
		list get give return search hunt look looking for please can you which that what who
		where when were was is are be been being has have had with without of in on at to
		from by over during within into across and or but than then there their this these
		those it its event events record records activity data log logs happened occurred
		seen observed running ran run runs executed executing launched started starting
		made making created using used use via through like such ones one recent
		latest severity level`) {
		stopWords[w] = true
	}
}

// quote writes a CQL string literal of v: '…' taken literally, or e'…' when v holds a
// quote.
func quote(v string) string {
	if !strings.Contains(v, "'") {
		return "'" + v + "'"
	}
	r := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	return "e'" + r.Replace(v) + "'"
}

// word reports whether the token at i is w, or w with a plural ending.
func word(toks []token, i int, w string) bool {
	if i < 0 || i >= len(toks) || toks[i].quoted || toks[i].used {
		return false
	}
	l := toks[i].lower
	if l == w || l == w+"s" || l == w+"es" {
		return true
	}
	stem, ok := strings.CutSuffix(w, "y")
	return ok && l == stem+"ies"
}

// phrase reports whether the words of p, separated by spaces, start at i.
func phrase(toks []token, i int, p string) bool {
	for k, w := range strings.Fields(p) {
		if !word(toks, i+k, w) {
			return false
		}
	}
	return true
}

var (
	techniqueRE = regexp.MustCompile(`^(?i)t\d{4}(\.\d{3})?$`)
	hashRE      = regexp.MustCompile(`^(?i)([0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})$`)
	domainRE    = regexp.MustCompile(`^(?i)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$`)
	numberRE    = regexp.MustCompile(`^\d+(\.\d+)?$`)
	spanRE      = regexp.MustCompile(`^(\d+)([mhdw])$`)
)

func isIP(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && (a.Is4() || strings.Contains(s, ":"))
}

// count reads a small whole number written as digits or a word, or reports false.
func count(s string) (int, bool) {
	if n, err := strconv.Atoi(s); err == nil && n > 0 && n <= 100000 {
		return n, true
	}
	words := []string{"one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
		"ten", "eleven", "twelve"}
	if i := slices.Index(words, s); i >= 0 {
		return i + 1, true
	}
	return 0, false
}
