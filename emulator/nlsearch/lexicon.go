package nlsearch

import (
	"fmt"
	"strconv"
	"strings"
)

// rule reads the request at token i; it returns how many tokens it used, 0 when it does
// not apply there. Rules are tried in order, so longer phrases come before their words.
type rule func(d *draft, toks []token, i int) int

var rules = []rule{
	timeWindow,
	headPipe,
	countPipe,
	severityValue,
	valueAfter,
	indicator,
	phrases,
	typeWords,
}

// typeNames maps the words that name what to search to an event type, or "alert".
var typeNames = map[string]string{
	"alert": "alert", "detection": "alert",
	"process": "process", "command": "process", "commandline": "process",
	"command-line": "process", "execution": "process", "program": "process",
	"netflow": "netflow", "connection": "netflow", "network": "netflow", "flow": "netflow",
	"traffic": "netflow",
	"dns":     "dnsquery", "dnsquery": "dnsquery", "lookup": "dnsquery",
	"auth": "auth", "authentication": "auth", "logon": "auth", "login": "auth",
	"sign-in": "auth",
	"http":    "http", "web": "http", "url": "http", "request": "http", "download": "http",
	"file": "filemod", "filemod": "filemod", "write": "filemod", "written": "filemod",
	"wrote": "filemod",
	"cloud": "cloudaudit", "cloudaudit": "cloudaudit", "aws": "cloudaudit",
}

func typeWords(d *draft, toks []token, i int) int {
	for w, typ := range typeNames {
		if !word(toks, i, w) {
			continue
		}
		if typ == "alert" {
			d.alert = true
		} else {
			d.types = addType(d.types, typ)
		}
		return 1
	}
	return 0
}

func addType(list []string, typ string) []string {
	for _, t := range list {
		if t == typ {
			return list
		}
	}
	return append(list, typ)
}

// add records a condition and the event type it implies ("" for none).
func (d *draft) add(c condition, implies string) {
	d.conds = append(d.conds, c)
	if implies != "" {
		d.implied = addType(d.implied, implies)
	}
	d.notes = append(d.notes, c.what)
}

// phrase rules: fixed wording to a condition.
type phraseRule struct {
	words   []string // alternatives, each a space-separated phrase
	c       condition
	implies string
}

var phraseRules = []phraseRule{
	{[]string{"encoded powershell"}, condition{
		alert: "technique_id = 'T1059.001'",
		event: "commandline CONTAINS '-enc' AND commandline CONTAINS 'powershell'",
		what:  "encoded PowerShell"}, "process"},
	{[]string{"encoded command", "encoded", "-enc", "-encodedcommand"}, condition{
		event: "commandline CONTAINS '-enc'", what: "an encoded command (-enc)"}, "process"},
	{[]string{"powershell"}, condition{alert: "technique_id = 'T1059.001'",
		event: "commandline CONTAINS 'powershell'", what: "PowerShell"}, "process"},
	{[]string{"credential dumping", "credential dump", "credential theft",
		"credential access"}, condition{alert: "technique_id = 'T1003.001'",
		event: "(commandline CONTAINS 'lsass' OR commandline CONTAINS 'minidump' OR " +
			"commandline CONTAINS 'sekurlsa')",
		what: "credential dumping (LSASS)"}, "process"},
	{[]string{"mimikatz"}, condition{alert: "technique_id = 'T1003.001'",
		event: "commandline CONTAINS 'mimikatz'", what: "mimikatz"}, "process"},
	{[]string{"lsass"}, condition{alert: "technique_id = 'T1003.001'",
		event: "commandline CONTAINS 'lsass'", what: "LSASS"}, "process"},
	{[]string{"procdump"}, condition{event: "commandline CONTAINS 'procdump'",
		what: "procdump"}, "process"},
	{[]string{"beaconing", "beacon", "command and control", "c2"}, condition{
		alert: "technique_id = 'T1071.001'", what: "beaconing"}, ""},
	{[]string{"discovery command", "discovery"}, condition{
		event: "(commandline CONTAINS 'whoami' OR commandline CONTAINS 'ipconfig')",
		what:  "discovery commands (whoami, ipconfig)"}, "process"},
	{[]string{"whoami"}, condition{event: "commandline CONTAINS 'whoami'", what: "whoami"},
		"process"},
	{[]string{"failed", "failure", "unsuccessful"}, condition{
		event: "auth_result = 'FAILURE'", what: "failed logons"}, "auth"},
	{[]string{"successful", "succeeded", "success"}, condition{
		event: "auth_result = 'SUCCESS'", what: "successful logons"}, "auth"},
	{[]string{"ntlm"}, condition{event: "auth_method = 'NTLM'", what: "NTLM"}, "auth"},
	{[]string{"smb"}, condition{event: "destination_port = 445", what: "SMB (port 445)"},
		"netflow"},
	{[]string{"remote desktop", "rdp"}, condition{event: "destination_port = 3389",
		what: "Remote Desktop (port 3389)"}, "netflow"},
	{[]string{"nxdomain", "nonexistent domain", "non-existent domain"}, condition{
		event: "response_code = 'NXDOMAIN'", what: "NXDOMAIN answers"}, "dnsquery"},
	{[]string{"temporary directory", "temp directory", "temp folder", "temp", "tmp"},
		condition{event: `(file_path CONTAINS '\temp\' OR file_path CONTAINS '/tmp/')`,
			what: "temporary directories"}, "filemod"},
	{[]string{"console login", "console logon", "console sign-in"}, condition{
		event: "action = 'ConsoleLogin'", what: "console logins"}, "cloudaudit"},
	{[]string{"without mfa", "no mfa", "without multi-factor", "mfa disabled"}, condition{
		event: "mfa_used = false", what: "without MFA"}, "cloudaudit"},
	{[]string{"access key"}, condition{event: "action = 'CreateAccessKey'",
		what: "access keys created"}, "cloudaudit"},
	{[]string{"open", "unresolved", "new"}, condition{alert: "status = 'OPEN'",
		what: "open (unresolved)"}, ""},
	{[]string{"critical"}, condition{alert: "severity >= 0.8", what: "severity critical " +
		"(>= 0.8)"}, ""},
	{[]string{"high"}, condition{alert: "severity >= 0.6", what: "severity high and above " +
		"(>= 0.6)"}, ""},
	{[]string{"medium"}, condition{alert: "severity >= 0.4", what: "severity medium and " +
		"above (>= 0.4)"}, ""},
	{[]string{"low"}, condition{alert: "severity >= 0.2", what: "severity low and above " +
		"(>= 0.2)"}, ""},
	{[]string{"informational", "info"}, condition{alert: "severity < 0.2",
		what: "severity informational (< 0.2)"}, ""},
}

func phrases(d *draft, toks []token, i int) int {
	for _, r := range phraseRules {
		for _, p := range r.words {
			if phrase(toks, i, p) {
				d.add(r.c, r.implies)
				n := len(strings.Fields(p))
				// "high severity", "critical severity alerts": the band's own word.
				if strings.HasPrefix(r.c.alert, "severity") && word(toks, i+n, "severity") {
					n++
				}
				return n
			}
		}
	}
	return 0
}

// units maps time words to the suffix CQL's relative times use.
var units = map[string]string{
	"minute": "m", "min": "m", "hour": "h", "hr": "h", "day": "d", "week": "w",
}

// timeWindow reads "last/past N unit", "last/past unit", "last month" and "today".
func timeWindow(d *draft, toks []token, i int) int {
	if word(toks, i, "today") {
		d.setEarliest("-1d", "since a day ago")
		return 1
	}
	if !word(toks, i, "last") && !word(toks, i, "past") && !word(toks, i, "previous") {
		return 0
	}
	if i+1 < len(toks) && !toks[i+1].quoted {
		if m := spanRE.FindStringSubmatch(toks[i+1].lower); m != nil {
			n, _ := count(m[1])
			if n > 0 {
				w := map[string]string{"m": "minute", "h": "hour", "d": "day", "w": "week"}[m[2]]
				d.setEarliest("-"+m[1]+m[2], span(n, w))
				return 2
			}
		}
	}
	n, used := 1, 1
	if i+1 < len(toks) {
		if v, ok := count(toks[i+1].lower); ok {
			n, used = v, 2
		}
	}
	if word(toks, i+used, "month") {
		d.setEarliest(strconv.Itoa(30*n)+"d", span(30*n, "day"))
		return used + 1
	}
	for w, u := range units {
		if word(toks, i+used, w) {
			d.setEarliest("-"+strconv.Itoa(n)+u, span(n, w))
			return used + 1
		}
	}
	return 0
}

// span says "the last day" or "the last 3 days".
func span(n int, w string) string {
	if n == 1 {
		return "the last " + plural(w, 1)
	}
	return fmt.Sprintf("the last %d %s", n, plural(w, n))
}

func plural(w string, n int) string {
	long := map[string]string{"min": "minute", "hr": "hour"}
	if l, ok := long[w]; ok {
		w = l
	}
	if n == 1 {
		return w
	}
	return w + "s"
}

func (d *draft) setEarliest(v, what string) {
	if !strings.HasPrefix(v, "-") {
		v = "-" + v
	}
	d.earliest = v
	d.notes = append(d.notes, what)
}

// headPipe reads "top N", "first N" and "N most recent".
func headPipe(d *draft, toks []token, i int) int {
	if !word(toks, i, "top") && !word(toks, i, "first") && !word(toks, i, "limit") {
		return 0
	}
	if i+1 >= len(toks) {
		return 0
	}
	n, ok := count(toks[i+1].lower)
	if !ok {
		return 0
	}
	h := "head " + strconv.Itoa(n)
	d.pipes = append(d.pipes, pipe{alert: h, event: h, what: h})
	d.notes = append(d.notes, fmt.Sprintf("the first %d", n))
	return 2
}

// groupFields maps what a count is by to the field, for alerts and for events.
var groupFields = map[string][2]string{
	"host":      {"", "hostname"},
	"hostname":  {"", "hostname"},
	"user":      {"", "username"},
	"username":  {"", "username"},
	"detector":  {"detector", ""},
	"severity":  {"severity", ""},
	"domain":    {"", "query_name"},
	"type":      {"", "event_type"},
	"tenant":    {"tenant_id", "tenant_id"},
	"status":    {"status", ""},
	"technique": {"technique_id", ""},
}

// countPipe reads "count by X", "count per X", "number of ... per X" and "per X".
func countPipe(d *draft, toks []token, i int) int {
	at := i
	if word(toks, i, "count") || word(toks, i, "number") {
		at++
	}
	if !word(toks, at, "by") && !word(toks, at, "per") {
		return 0
	}
	if at == i && !word(toks, i, "per") {
		return 0 // a bare "by" introduces a value: "by user alice"
	}
	for w, f := range groupFields {
		if !word(toks, at+1, w) {
			continue
		}
		p := pipe{what: "counted by " + w}
		if f[0] != "" {
			p.alert = "aggregate count by " + f[0]
		}
		if f[1] != "" {
			p.event = "aggregate count by " + f[1]
		}
		d.pipes = append(d.pipes, p)
		d.notes = append(d.notes, p.what)
		return at + 2 - i
	}
	return 0
}

// severityValue reads "severity above|over|at least|>= N".
func severityValue(d *draft, toks []token, i int) int {
	if !word(toks, i, "severity") {
		return 0
	}
	ops := []struct{ words, op string }{
		{"at least", ">="}, {"above", ">"}, {"over", ">"}, {"greater than", ">"},
		{"below", "<"}, {"under", "<"}, {"less than", "<"}, {">=", ">="}, {">", ">"},
		{"<=", "<="}, {"<", "<"},
	}
	for _, o := range ops {
		if !phrase(toks, i+1, o.words) {
			continue
		}
		at := i + 1 + len(strings.Fields(o.words))
		if at >= len(toks) || !numberRE.MatchString(toks[at].lower) {
			return 0
		}
		v, err := strconv.ParseFloat(toks[at].lower, 64)
		if err != nil || v > 1 {
			return 0
		}
		d.add(condition{alert: "severity " + o.op + " " + toks[at].lower,
			what: "severity " + o.op + " " + toks[at].lower}, "")
		return at + 1 - i
	}
	return 0
}

// valueAfter reads "host NAME", "user NAME", "port N" and "title TEXT".
func valueAfter(d *draft, toks []token, i int) int {
	at := i
	if word(toks, i, "by") || word(toks, i, "on") || word(toks, i, "for") {
		at++
	}
	if at+1 >= len(toks) || toks[at+1].used {
		return 0
	}
	v := toks[at+1].text
	switch {
	case word(toks, at, "host") || word(toks, at, "hostname"):
		d.add(condition{alert: "entities CONTAINS " + quote(v),
			event: "hostname = " + quote(v), what: "host " + v}, "")
	case word(toks, at, "user") || word(toks, at, "username") || word(toks, at, "account"):
		d.add(condition{alert: "entities CONTAINS " + quote(v),
			event: "@user CONTAINS " + quote(v), what: "user " + v}, "")
	case word(toks, at, "port"):
		n, ok := count(toks[at+1].lower)
		if !ok || n > 65535 {
			return 0
		}
		d.add(condition{event: "destination_port = " + strconv.Itoa(n),
			what: "port " + strconv.Itoa(n)}, "netflow")
	case word(toks, at, "title") || word(toks, at, "titled"):
		d.add(condition{alert: "title CONTAINS " + quote(v), what: "title " + v}, "")
	default:
		return 0
	}
	return at + 2 - i
}

// indicator reads an IP address, a hash, a MITRE technique id, a domain or quoted text.
func indicator(d *draft, toks []token, i int) int {
	t := toks[i]
	v := t.text
	switch {
	case t.quoted:
		d.add(condition{alert: "title CONTAINS " + quote(v),
			event: "commandline CONTAINS " + quote(v), what: "the text " + quote(v)}, "process")
	case techniqueRE.MatchString(v):
		v = strings.ToUpper(v)
		d.add(condition{alert: "technique_id = " + quote(v), what: "MITRE " + v}, "")
	case isIP(v):
		d.add(condition{alert: "entities CONTAINS " + quote(v), event: "@ip = " + quote(v),
			what: "IP " + v}, "netflow")
	case isFileName(v):
		d.add(condition{alert: "entities CONTAINS " + quote(v),
			event: "commandline CONTAINS " + quote(v), what: "the program or file " + v},
			"process")
	case hashRE.MatchString(v):
		d.add(condition{event: "@hash = " + quote(strings.ToLower(v)), what: "hash " + v},
			"process")
	case domainRE.MatchString(v) && !numberRE.MatchString(v):
		d.add(condition{alert: "entities CONTAINS " + quote(v),
			event: "@domain = " + quote(strings.ToLower(v)), what: "domain " + v}, "dnsquery")
	default:
		return 0
	}
	return 1
}

// isFileName tells a program or document name (powershell.exe) from a domain.
func isFileName(v string) bool {
	l := strings.ToLower(v)
	for _, ext := range []string{".exe", ".dll", ".ps1", ".bat", ".cmd", ".vbs", ".js",
		".docm", ".docx", ".xlsm", ".zip", ".dmp", ".sh", ".py"} {
		if strings.HasSuffix(l, ext) {
			return true
		}
	}
	return false
}
