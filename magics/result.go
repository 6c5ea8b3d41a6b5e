package magics

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"gotaegis/evidence"
	"gotaegis/sdk"
)

// Env is where a command runs: a shell or a kernel. The front end fills it once and reuses it
// for every command; a nil function field means the front end cannot provide that thing, and a
// command that needs it returns an error saying so.
type Env struct {
	// Client returns a client for region ("" means the default region: TAEGIS_REGION, the
	// configured default, else local). Front ends cache one client per region.
	Client func(ctx context.Context, region string) (*sdk.Client, error)

	// Evidence opens the staging database at path ("" means evidence.DefaultPath(),
	// ":memory:" is allowed). Front ends open each path once, lazily, and keep it open.
	Evidence func(path string) (*evidence.DB, error)

	// Frame returns the records of a named DataFrame for options such as
	// "evidence stage --dataframe NAME". In a kernel it reads the interpreter's variable; in a
	// shell NAME is the path of a JSON or NDJSON file ("-" for standard input).
	Frame func(name string) ([]map[string]any, error)

	// Cell is the query text: a %%taegis cell body, or the --cell option in a shell.
	Cell string

	// Stdout receives help and messages; Stderr progress and warnings.
	Stdout io.Writer
	Stderr io.Writer

	// Now is the clock used to resolve relative time windows once per command.
	Now func() time.Time

	// Getenv reads the environment (TAEGIS_REGION and friends); nil means os.Getenv.
	Getenv func(string) string

	// Version is the gotaegis release the version command reports.
	Version string
}

// Result is one command's outcome. Records keep the GraphQL response's field names so that
// dataframe.FromRecords flattens them exactly as the upstream json_normalize does.
type Result struct {
	Command    string           // the command path without "taegis": "alerts search"
	Service    string           // the Taegis service: "alerts"
	Region     string           // the region the records came from
	Tenants    []string         // the tenants asked, in order; empty means the token's default
	Records    []map[string]any // GraphQL field names, JSON-shaped values
	Total      int              // the server's total, -1 when unknown
	QueryID    string           // the server's query id when it has one (alerts, events)
	Message    string           // for commands without records ("staged 3 alerts")
	Provenance Provenance

	searches []search // each tenant's server-side query, for --track
}

// search is one tenant's query as the server recorded it.
type search struct {
	tenant, queryID string
	rows, total     int
}

// Provenance says where a Result came from, precisely enough to reproduce or audit it.
type Provenance struct {
	Query     string    // the rendered query as sent (CQL, or the GraphQL operation name)
	Region    string    // the region the command ran in
	Tenants   []string  // the tenants the command ran against
	Earliest  time.Time // the absolute window; relative times resolved once; zero if none
	Latest    time.Time
	Rows      int      // len(Records)
	Pages     int      // GraphQL requests that returned records
	Truncated bool     // a limit cut the result short of the server's total
	Partial   bool     // a part or a tenant failed; Errors says which
	Errors    []string // one line per failed part: "tenant 11772: forbidden ..."
	Hash      string   // hex sha256 of the canonical JSON of Records
}

// Hash returns the hex sha256 of the canonical JSON of records: encoding/json with object keys
// sorted, which is what Provenance.Hash holds.
func Hash(records []map[string]any) (string, error) {
	if records == nil {
		records = []map[string]any{}
	}
	b, err := json.Marshal(records)
	if err != nil {
		return "", fmt.Errorf("hash records: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// seal fills the Provenance fields that follow from the Result itself: rows, region, tenants
// and the content hash.
func (r *Result) seal() error {
	if r.Records == nil {
		r.Records = []map[string]any{}
	}
	r.Provenance.Rows = len(r.Records)
	if r.Provenance.Region == "" {
		r.Provenance.Region = r.Region
	}
	if r.Provenance.Tenants == nil {
		r.Provenance.Tenants = r.Tenants
	}
	h, err := Hash(r.Records)
	if err != nil {
		return err
	}
	r.Provenance.Hash = h
	return nil
}

// resolveWindow fills p.Earliest and p.Latest from the EARLIEST= and LATEST= clauses of a CQL
// query, resolving relative times (-30m, -1d, -2w, 0 for now) against now, once, so that
// every tenant and page of a command reports the same window. Without EARLIEST both stay
// zero (the server's default window applies); with EARLIEST but no LATEST, Latest is now.
// Text inside quotes is never read as a clause.
func resolveWindow(query string, now time.Time, p *Provenance) error {
	clauses, err := timeClauses(query)
	if err != nil {
		return err
	}
	for kw, val := range clauses {
		at, err := parseCQLTime(val, now)
		if err != nil {
			return fmt.Errorf("%s=%s: %w", kw, val, err)
		}
		if kw == "EARLIEST" {
			p.Earliest = at
		} else {
			p.Latest = at
		}
	}
	if !p.Earliest.IsZero() && p.Latest.IsZero() {
		p.Latest = now.UTC()
	}
	return nil
}

// timeClauses returns the values of the EARLIEST and LATEST clauses of query, keyed by the
// upper-case keyword, with their quotes removed.
func timeClauses(query string) (map[string]string, error) {
	out := map[string]string{}
	for i := 0; i < len(query); {
		switch c := query[i]; {
		case c == '\'' || c == '"':
			end := strings.IndexByte(query[i+1:], c)
			if end < 0 {
				return out, nil // an unclosed string: the server will say so
			}
			i += end + 2
		case isWordByte(c) && (i == 0 || !isWordByte(query[i-1])):
			j := i
			for j < len(query) && isWordByte(query[j]) {
				j++
			}
			kw := strings.ToUpper(query[i:j])
			i = j
			if kw != "EARLIEST" && kw != "LATEST" {
				continue
			}
			k := skipSpace(query, i)
			if k < len(query) && query[k] == '=' {
				k = skipSpace(query, k+1)
			}
			val, next, err := clauseValue(query, k)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", kw, err)
			}
			if _, dup := out[kw]; dup {
				return nil, fmt.Errorf("%s appears twice; keep one", kw)
			}
			out[kw] = val
			i = next
		default:
			i++
		}
	}
	return out, nil
}

func isWordByte(c byte) bool {
	return c == '_' || c == '.' || c == '@' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' ||
		c >= 'A' && c <= 'Z'
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// clauseValue reads a time value at s[i:]: a quoted string, or everything up to white space
// or a pipe.
func clauseValue(s string, i int) (string, int, error) {
	if i >= len(s) {
		return "", i, errors.New("no time after it; give one such as -1d")
	}
	if q := s[i]; q == '\'' || q == '"' {
		end := strings.IndexByte(s[i+1:], q)
		if end < 0 {
			return "", len(s), errors.New("unclosed quote in its time")
		}
		return s[i+1 : i+1+end], i + end + 2, nil
	}
	j := i
	for j < len(s) && s[j] != ' ' && s[j] != '\t' && s[j] != '\n' && s[j] != '\r' &&
		s[j] != '|' {
		j++
	}
	if j == i {
		return "", j, errors.New("no time after it; give one such as -1d")
	}
	return s[i:j], j, nil
}

// parseCQLTime reads a CQL time: relative (-30s, -15m, -24h, -1d, -2w; 0 or now for now) or
// absolute (RFC 3339, "2006-01-02 15:04:05", "2006-01-02", all UTC without a zone, or epoch
// seconds).
func parseCQLTime(v string, now time.Time) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "0" || strings.EqualFold(v, "now") {
		return now.UTC(), nil
	}
	if len(v) >= 3 && (v[0] == '-' || v[0] == '+') {
		n, err := strconv.Atoi(v[1 : len(v)-1])
		unit, ok := map[byte]time.Duration{'s': time.Second, 'm': time.Minute,
			'h': time.Hour, 'd': 24 * time.Hour, 'w': 7 * 24 * time.Hour}[v[len(v)-1]]
		if err == nil && ok && n >= 0 && n <= 1e6 {
			d := time.Duration(n) * unit
			if v[0] == '-' {
				d = -d
			}
			return now.Add(d).UTC(), nil
		}
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 && n < 1e11 {
		return time.Unix(n, 0).UTC(), nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02 15:04:05", "2006-01-02"} {
		if at, err := time.Parse(layout, v); err == nil {
			return at.UTC(), nil
		}
	}
	return time.Time{}, errors.New("not a time; use a relative time (-30m, -1d, -2w), " +
		"a date (2024-01-02), an RFC 3339 time or epoch seconds")
}
