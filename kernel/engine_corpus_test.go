package kernel

import (
	"strings"
	"testing"
)

// corpusCell is one cell of a corpus case: its code, and the text/plain of its result and its
// stdout, or, for a construct the kernel cannot run, the error it must give.
type corpusCell struct {
	code, result, stdout string
	// errName and errHas, when errName is set, are the error the cell must end with: its
	// name, and text its value contains.
	errName, errHas string
}

// corpusCase is a sequence of cells sharing one session, as a hunter writes them.
type corpusCase struct {
	name  string
	cells []corpusCell
}

// ok is a cell that succeeds with result and stdout.
func ok(code, result, stdout string) corpusCell {
	return corpusCell{code: code, result: result, stdout: stdout}
}

// out is a cell that succeeds with no result and stdout.
func out(code, stdout string) corpusCell { return ok(code, "<no result>", stdout) }

// corpus is the notebook code the kernel must run: the constructs hunters write in cells,
// each case a short sequence of cells that share state.
var corpus = []corpusCase{
	{"loops over compiled slices with multi-value defines", []corpusCell{
		out(`fields := strings.Fields("10 x 30")`, ""),
		out("sum := 0\nfor _, f := range fields {\n\tn, err := strconv.Atoi(f)\n"+
			"\tif err != nil {\n\t\tfmt.Println(\"skip\", f)\n\t\tcontinue\n\t}\n\tsum += n\n}\n"+
			"fmt.Println(sum)", "skip x\n40\n"),
		ok("for i, f := range fields {\n\tif v, err := strconv.Atoi(f); err == nil && i > 0 {\n"+
			"\t\tsum += v\n\t}\n}\nsum", "70", ""),
	}},
	{"loops over maps of interpreted types", []corpusCell{
		out("type hit struct {\n\tHost  string\n\tCount int\n}", ""),
		out(`hits := map[string]hit{"a": {"h1", 2}, "b": {"h2", 3}}`, ""),
		ok("total := 0\nfor k, h := range hits {\n\tif k == \"\" {\n\t\tcontinue\n\t}\n"+
			"\ttotal += h.Count\n}\ntotal", "5", ""),
		ok("names := []string{}\nfor _, k := range []string{\"a\", \"b\", \"c\"} {\n"+
			"\th, found := hits[k]\n\tif !found {\n\t\tnames = append(names, \"-\")\n"+
			"\t\tcontinue\n\t}\n\tnames = append(names, h.Host)\n}\nnames", "[h1 h2 -]", ""),
	}},
	{"comma-ok forms at the top level", []corpusCell{
		out(`m := map[string]int{"a": 1}`, ""),
		ok("v, found := m[\"a\"]\nfmt.Println(v, found)\n_, missing := m[\"z\"]\nmissing",
			"false", "1 true\n"),
		ok("var anyV any = \"text\"\ns, isStr := anyV.(string)\nn, isInt := anyV.(int)\n"+
			"fmt.Sprint(s, isStr, n, isInt)", "texttrue 0 false", ""),
		ok("ch := make(chan int, 1)\nch <- 7\nclose(ch)\ngot, open := <-ch\n"+
			"_, open2 := <-ch\nfmt.Sprint(got, open, open2)", "7 true false", ""),
	}},
	{"comma-ok forms in blocks", []corpusCell{
		out(`counts := map[string]int{}`, ""),
		ok("for _, w := range strings.Fields(\"a b a\") {\n\tif c, seen := counts[w]; seen {\n"+
			"\t\tcounts[w] = c + 1\n\t} else {\n\t\tcounts[w] = 1\n\t}\n}\ncounts[\"a\"]", "2",
			""),
		ok("var vals = []any{1, \"x\", 2.5}\nints := 0\nfor _, v := range vals {\n"+
			"\tif _, isInt := v.(int); isInt {\n\t\tints++\n\t}\n}\nints", "1", ""),
	}},
	{"if/else chains with init statements", []corpusCell{
		out("score := 75\nif s := score * 2; s > 200 {\n\tfmt.Println(\"high\")\n"+
			"} else if s > 100 {\n\tfmt.Println(\"mid\", s)\n} else {\n\tfmt.Println(\"low\")\n}",
			"mid 150\n"),
		out("if d, err := time.ParseDuration(\"90s\"); err != nil {\n\tfmt.Println(err)\n"+
			"} else if d > time.Minute {\n\tfmt.Println(\"long\", d)\n}", "long 1m30s\n"),
	}},
	{"labeled break and continue", []corpusCell{
		ok("grid := [][]int{{1, 2}, {3, -1}, {5, 6}}\nfound := 0\nouter:\n"+
			"for _, row := range grid {\n\tfor _, v := range row {\n\t\tif v < 0 {\n"+
			"\t\t\tbreak outer\n\t\t}\n\t\tfound++\n\t}\n}\nfound", "3", ""),
		ok("odd := 0\nrows:\nfor i := 0; i < 3; i++ {\n\tfor j := 0; j < 3; j++ {\n"+
			"\t\tif j == 1 {\n\t\t\tcontinue rows\n\t\t}\n\t\todd++\n\t}\n}\nodd", "3", ""),
	}},
	{"switch, type switch and select at the top level", []corpusCell{
		out("sev := \"high\"\nswitch sev {\ncase \"low\", \"medium\":\n\tfmt.Println(\"later\")\n"+
			"case \"high\":\n\tfmt.Println(\"now\")\ndefault:\n\tfmt.Println(\"?\")\n}", "now\n"),
		out("n := 7\nswitch {\ncase n > 5:\n\tfmt.Println(\"big\")\n\tfallthrough\n"+
			"case n > 2:\n\tfmt.Println(\"medium\")\n}", "big\nmedium\n"),
		out("var x any = 3.5\nswitch t := x.(type) {\ncase int:\n\tfmt.Println(\"int\", t)\n"+
			"case float64:\n\tfmt.Println(\"float\", t)\n}", "float 3.5\n"),
		out("switch x.(type) {\ncase string:\n\tfmt.Println(\"s\")\ndefault:\n"+
			"\tfmt.Println(\"other\")\n}", "other\n"),
		out("var got any = fmt.Errorf(\"wrapped\")\nswitch v := got.(type) {\ncase string:\n"+
			"\tfmt.Println(\"string\", v)\ncase error:\n\tfmt.Println(\"error\", v)\n}",
			"error wrapped\n"),
		out("c1 := make(chan string, 1)\nc1 <- \"msg\"\nselect {\ncase m := <-c1:\n"+
			"\tfmt.Println(m)\ncase <-time.After(time.Second):\n\tfmt.Println(\"timeout\")\n}",
			"msg\n"),
		out("select {\ncase v, more := <-c1:\n\tfmt.Println(v, more)\ndefault:\n"+
			"\tfmt.Println(\"empty\")\n}", "empty\n"),
		ok("polls := 0\ndeadline := time.After(20 * time.Millisecond)\npoll:\nfor {\n"+
			"\tselect {\n\tcase <-deadline:\n\t\tbreak poll\n\tdefault:\n\t\tpolls++\n"+
			"\t\ttime.Sleep(2 * time.Millisecond)\n\t}\n}\npolls > 0", "true", ""),
	}},
	{"closures capturing loop variables", []corpusCell{
		ok("var printers []func() string\nfor _, h := range []string{\"a\", \"b\"} {\n"+
			"\tprinters = append(printers, func() string { return h })\n}\n"+
			"printers[0]() + printers[1]()", "ab", ""),
		ok("adders := map[int]func(int) int{}\nfor i := 1; i <= 2; i++ {\n"+
			"\tadders[i] = func(n int) int { return n + i }\n}\nadders[1](10) + adders[2](10)",
			"23", ""),
	}},
	{"struct types across cells", []corpusCell{
		out("type Host struct {\n\tName string\n\tIP   string\n\tTags []string\n}\n\n"+
			"func (h Host) Label() string { return h.Name + \"@\" + h.IP }\n\n"+
			"func (h *Host) Tag(t string) { h.Tags = append(h.Tags, t) }", ""),
		out("type Asset struct {\n\tHost\n\tOwner string\n}", ""),
		ok(`h := Host{Name: "web", IP: "10.0.0.1"}`+"\nh.Tag(\"prod\")\nh.Tags", "[prod]", ""),
		ok(`a := Asset{Host: Host{Name: "db", IP: "10.0.0.2"}, Owner: "ops"}`+"\na.Label()",
			"db@10.0.0.2", ""),
		ok("hosts := []Host{\n\t{Name: \"a\", IP: \"1\"},\n\t{Name: \"b\", IP: \"2\"},\n}\n"+
			"for i := range hosts {\n\thosts[i].Tag(\"seen\")\n}\nlen(hosts[1].Tags)", "1", ""),
		ok("ptrs := []*Host{&hosts[0], {Name: \"c\"}}\nptrs[1].Tag(\"x\")\nptrs[1].Tags[0]", "x", ""),
		out(`fmt.Printf("%+v\n", h)`, "{Name:web IP:10.0.0.1 Tags:[prod]}\n"),
		ok("h", "{web 10.0.0.1 [prod]}", ""),
	}},
	{"redefinition of a type and a func", []corpusCell{
		out("type Finding struct{ ID int }\nfunc describe(f Finding) string { return fmt.Sprint(f.ID) }",
			""),
		ok("describe(Finding{ID: 1})", "1", ""),
		out("type Finding struct {\n\tID   int\n\tNote string\n}\n"+
			"func describe(f Finding) string { return fmt.Sprint(f.ID, \":\", f.Note) }", ""),
		ok(`describe(Finding{ID: 2, Note: "n"})`, "2:n", ""),
		ok("fs := []Finding{{ID: 3}}\ndescribe(fs[0])", "3:", ""),
	}},
	{"generics", []corpusCell{
		out("func Map[T, U any](xs []T, f func(T) U) []U {\n\tout := make([]U, 0, len(xs))\n"+
			"\tfor _, x := range xs {\n\t\tout = append(out, f(x))\n\t}\n\treturn out\n}", ""),
		// The interpreter infers U wrongly here; the error says to give the type arguments.
		{code: "Map([]int{1, 2}, func(n int) string { return strconv.Itoa(n * 2) })",
			errName: "CompileError", errHas: "give them explicitly, as in Map[int, string]"},
		ok("Map[int, string]([]int{1, 2}, func(n int) string { return strconv.Itoa(n * 2) })",
			"[2 4]", ""),
		out("type Set[T comparable] struct{ m map[T]bool }\n"+
			"func NewSet[T comparable]() *Set[T] { return &Set[T]{m: map[T]bool{}} }\n"+
			"func (s *Set[T]) Add(v T) { s.m[v] = true }\n"+
			"func (s *Set[T]) Len() int { return len(s.m) }\ntype QueryErr struct{ Code int }", ""),
		ok("ips := NewSet[string]()\nips.Add(\"a\")\nips.Add(\"a\")\nips.Add(\"b\")\nips.Len()",
			"2", ""),
		ok("var e any = &QueryErr{}\nq, isQ := e.(*QueryErr)\nfmt.Sprint(isQ, q.Code)", "true 0", ""),
		ok("qs := []*QueryErr{q}\nlen(qs)", "1", ""),
		ok("var typed *Set[int] = NewSet[int]()\ntyped.Add(1)\ntyped.Len()", "1", ""),
		ok("func() int {\n\ts := NewSet[string]()\n\ts.Add(\"z\")\n\treturn s.Len()\n}()",
			"1", ""),
	}},
	{"sort.Slice", []corpusCell{
		out("type row struct {\n\tName  string\n\tScore int\n}", ""),
		ok("rows := []row{{\"a\", 2}, {\"b\", 9}, {\"c\", 5}}\n"+
			"sort.Slice(rows, func(i, j int) bool { return rows[i].Score > rows[j].Score })\n"+
			"rows[0].Name + rows[2].Name", "ba", ""),
		ok("words := []string{\"b\", \"a\"}\nsort.Strings(words)\nwords", "[a b]", ""),
	}},
	{"strings, strconv and regexp", []corpusCell{
		ok(`strings.Join(strings.Split("a.b.c", "."), "/")`, "a/b/c", ""),
		ok(`strings.Contains(strings.ToLower("PowerShell -enc"), "-enc")`, "true", ""),
		ok(`strconv.Quote("x")`, `"x"`, ""),
		ok("f, _ := strconv.ParseFloat(\"2.5\", 64)\nf * 2", "5", ""),
		out(`re := regexp.MustCompile("(\\d+)\\.(\\d+)\\.(\\d+)\\.(\\d+)")`, ""),
		ok(`re.FindStringSubmatch("src 10.1.2.3 dst")[1]`, "10", ""),
		ok(`re.FindAllString("1.2.3.4 and 5.6.7.8", -1)`, "[1.2.3.4 5.6.7.8]", ""),
		ok(`re.MatchString("none")`, "false", ""),
	}},
	{"time", []corpusCell{
		out("t1, err := time.Parse(time.RFC3339, \"2024-05-01T10:00:00Z\")\n"+
			"if err != nil {\n\tpanic(err)\n}\n"+
			"t2, _ := time.Parse(\"2006-01-02 15:04\", \"2024-05-01 12:30\")", ""),
		ok("t2.Sub(t1)", "2h30m0s", ""),
		ok(`t1.Format("Jan 2 15:04")`, "May 1 10:00", ""),
		ok("t1.Add(36 * time.Hour).Weekday()", "Thursday", ""),
		ok("t2.After(t1) && t1.Before(t2)", "true", ""),
	}},
	{"encoding/json", []corpusCell{
		out("type Alert struct {\n\tID       string   `json:\"id\"`\n"+
			"\tSeverity float64  `json:\"severity\"`\n\tTags     []string `json:\"tags,omitempty\"`\n}",
			""),
		ok("b, err := json.Marshal(Alert{ID: \"a1\", Severity: 0.5})\nstring(b)",
			`{"id":"a1","severity":0.5}`, ""),
		ok("var al Alert\nerr = json.Unmarshal([]byte(`{\"id\":\"x\",\"severity\":0.9,"+
			"\"tags\":[\"t\"]}`), &al)\nfmt.Sprintf(\"%v %+v\", err, al)",
			"<nil> {ID:x Severity:0.9 Tags:[t]}", ""),
		ok("var generic map[string]any\n_ = json.Unmarshal([]byte(`{\"a\":1,\"b\":[true]}`), "+
			"&generic)\ngeneric[\"a\"].(float64) + 1", "2", ""),
		ok("var many []Alert\n_ = json.Unmarshal([]byte(`[{\"id\":\"1\"},{\"id\":\"2\"}]`), "+
			"&many)\nlen(many)", "2", ""),
		ok("pretty, _ := json.MarshalIndent(map[string]int{\"n\": 1}, \"\", \" \")\n"+
			"string(pretty)", "{\n \"n\": 1\n}", ""),
	}},
	{"API records as JSON into cell-declared structs", []corpusCell{
		out("type Entity struct {\n\tType  string `json:\"type\"`\n\tValue string `json:\"value\"`\n}\n"+
			"type Rec struct {\n\tID       string    `json:\"id\"`\n"+
			"\tCreated  time.Time `json:\"created_at\"`\n\tEntities []Entity  `json:\"entities\"`\n"+
			"\tParent   *Entity   `json:\"parent,omitempty\"`\n\tScore    *float64  `json:\"score\"`\n}",
			""),
		out("raw := `[{\"id\":\"a1\",\"created_at\":\"2024-05-01T10:00:00Z\",\"entities\":"+
			"[{\"type\":\"ip\",\"value\":\"10.0.0.1\"}],\"parent\":{\"type\":\"host\","+
			"\"value\":\"h\"},\"score\":0.5},\n{\"id\":\"a2\",\"created_at\":"+
			"\"2024-05-01T09:00:00Z\",\"entities\":[],\"score\":null}]`\nvar recs []Rec\n"+
			"err := json.Unmarshal([]byte(raw), &recs)\nfmt.Println(err, len(recs))", "<nil> 2\n"),
		ok("recs[0].Entities[0].Value + \" \" + recs[0].Parent.Value", "10.0.0.1 h", ""),
		ok("sort.Slice(recs, func(i, j int) bool { return recs[i].Created.Before(recs[j].Created) })"+
			"\nrecs[0].ID", "a2", ""),
		ok("recs[0].Score == nil && *recs[1].Score == 0.5", "true", ""),
		ok("byType := map[string][]Entity{}\nfor _, r := range recs {\n"+
			"\tfor _, e := range r.Entities {\n\t\tbyType[e.Type] = append(byType[e.Type], e)\n"+
			"\t}\n}\nlen(byType[\"ip\"])", "1", ""),
		ok("recs[1].Created.Truncate(24 * time.Hour).Format(\"2006-01-02\")", "2024-05-01", ""),
		{code: "*recs[0].Score", errName: "panic", errHas: "nil pointer dereference"},
	}},
	{"fmt verbs", []corpusCell{
		ok(`fmt.Sprintf("%5.2f|%-4s|%04d|%x|%q|%t|%T", 3.14159, "ab", 7, 255, "q", true, 1)`,
			` 3.14|ab  |0007|ff|"q"|true|int`, ""),
		out("type pt struct{ X, Y int }\nfmt.Printf(\"%v %+v %#v\\n\", pt{1, 2}, pt{1, 2}, "+
			"[]int{1})", "{1 2} {X:1 Y:2} []int{1}\n"),
	}},
	{"errors", []corpusCell{
		out("var ErrNotFound = errors.New(\"not found\")\n"+
			"func lookup(k string) error { return fmt.Errorf(\"lookup %s: %w\", k, ErrNotFound) }",
			""),
		ok("err := lookup(\"x\")\nfmt.Println(err)\nerrors.Is(err, ErrNotFound)", "true",
			"lookup x: not found\n"),
		ok("errors.Unwrap(err) == ErrNotFound", "true", ""),
		out("type QueryError struct{ Code int }\n"+
			"func (e *QueryError) Error() string { return fmt.Sprint(\"code \", e.Code) }\n"+
			"func query() error { return fmt.Errorf(\"query: %w\", &QueryError{Code: 429}) }", ""),
		ok("var qe *QueryError\nerrors.As(query(), &qe)", "true", ""),
		ok("qe.Code", "429", ""),
		out("func fetch(id string) error {\n\tif id == \"\" {\n"+
			"\t\treturn &QueryError{Code: 400}\n\t}\n\treturn nil\n}", ""),
		ok("if err := fetch(\"\"); err != nil {\n\tvar q *QueryError\n"+
			"\tif errors.As(err, &q) {\n\t\tfmt.Println(\"status\", q.Code)\n\t}\n}\n"+
			"errors.Is(fmt.Errorf(\"x: %w\", ErrNotFound), ErrNotFound)", "true", "status 400\n"),
	}},
	{"defer and recover", []corpusCell{
		out("func safeDiv(a, b int) (q int, err error) {\n\tdefer func() {\n"+
			"\t\tif r := recover(); r != nil {\n\t\t\terr = fmt.Errorf(\"recovered: %v\", r)\n"+
			"\t\t}\n\t}()\n\treturn a / b, nil\n}", ""),
		ok("_, err := safeDiv(1, 0)\nerr", "recovered: runtime error: integer divide by zero", ""),
		ok("q, _ := safeDiv(9, 3)\nq", "3", ""),
		out("func order() {\n\tfor i := 0; i < 3; i++ {\n\t\tdefer fmt.Print(i)\n\t}\n}\n"+
			"order()\nfmt.Println()", "210\n"),
	}},
	{"goroutines, WaitGroup and a mutex", []corpusCell{
		ok("results := make(chan int)\ngo func() {\n\tdefer close(results)\n"+
			"\tfor i := 1; i <= 3; i++ {\n\t\tresults <- i * i\n\t}\n}()\nsq := 0\n"+
			"for r := range results {\n\tsq += r\n}\nsq", "14", ""),
	}},
	{"channels", []corpusCell{
		ok("jobs := make(chan string, 3)\nfor _, j := range []string{\"a\", \"b\"} {\n"+
			"\tjobs <- j\n}\nclose(jobs)\nvar done []string\nfor j := range jobs {\n"+
			"\tdone = append(done, j)\n}\ndone", "[a b]", ""),
		ok("len(jobs)", "0", ""),
	}},
	{"maps of slices and append patterns", []corpusCell{
		ok("byHost := map[string][]int{}\nfor i, h := range []string{\"a\", \"b\", \"a\"} {\n"+
			"\tbyHost[h] = append(byHost[h], i)\n}\nbyHost[\"a\"]", "[0 2]", ""),
		ok("all := append([]int{}, byHost[\"a\"]...)\nall = append(all, byHost[\"b\"]...)\nall",
			"[0 2 1]", ""),
		ok("keys := make([]string, 0, len(byHost))\nfor k := range byHost {\n"+
			"\tkeys = append(keys, k)\n}\nsort.Strings(keys)\nkeys", "[a b]", ""),
	}},
	{"multiline composite literals", []corpusCell{
		ok("cfg := map[string][]struct {\n\tPort int\n\tTLS  bool\n}{\n"+
			"\t\"web\": {\n\t\t{Port: 80},\n\t\t{Port: 443, TLS: true},\n\t},\n}\n"+
			"cfg[\"web\"][1].Port", "443", ""),
		ok("matrix := [][]string{\n\t{\"a\", \"b\"},\n\t{\"c\"},\n}\nlen(matrix)", "2", ""),
	}},
	{"constants and iota", []corpusCell{
		out("type Level int\nconst (\n\tLow Level = iota\n\tMedium\n\tHigh\n)\n"+
			"func (l Level) String() string { return [...]string{\"low\", \"medium\", \"high\"}[l] }",
			""),
		ok("High", "high", ""),
		ok("int(Medium)", "1", ""),
		ok("const limit = 10\nlimit * 2", "20", ""),
		out("const (\n\tKB = 1 << (10 * (iota + 1))\n\tMB\n)\nfmt.Println(KB, MB)", "1024 1048576\n"),
	}},
	{"method values and variadic calls", []corpusCell{
		out("type counter struct{ n int }\nfunc (c *counter) inc() { c.n++ }", ""),
		ok("c := &counter{}\nf := c.inc\nf()\nf()\nc.n", "2", ""),
		out("func sumAll(label string, ns ...int) string {\n\tt := 0\n\tfor _, n := range ns {\n"+
			"\t\tt += n\n\t}\n\treturn fmt.Sprint(label, t)\n}", ""),
		ok(`sumAll("s=", 1, 2, 3)`, "s=6", ""),
		ok("nums := []int{4, 5}\nsumAll(\"t=\", nums...)", "t=9", ""),
		ok(`upper := strings.ToUpper`+"\nupper(\"x\")", "X", ""),
	}},
	{"interfaces declared in a cell", []corpusCell{
		out("type Shape interface{ Area() float64 }\ntype Sq struct{ S float64 }\n"+
			"func (s Sq) Area() float64 { return s.S * s.S }\ntype Circ struct{ R float64 }\n"+
			"func (c *Circ) Area() float64 { return 3 * c.R * c.R }", ""),
		ok("shapes := []Shape{Sq{2}, &Circ{1}}\ntot := 0.0\nfor _, s := range shapes {\n"+
			"\ttot += s.Area()\n}\ntot", "7", ""),
		out("var sh Shape = Sq{3}\nsq, isSq := sh.(Sq)\nfmt.Println(sq.S, isSq)", "3 true\n"),
		out("type Wrapped struct {\n\tShape\n\tName string\n}\nw := Wrapped{Shape: Sq{2}}", ""),
		ok("w.Shape.Area()", "4", ""),
		{code: "w.Area()", errName: "panic", errHas: "call it through the field"},
		ok("var sb strings.Builder\nfor i := 0; i < 3; i++ {\n\tfmt.Fprintf(&sb, \"%d,\", i)\n}\n"+
			"sb.String()", "0,1,2,", ""),
	}},
	{"Stringer and sort.Interface types declared in a cell", []corpusCell{
		out("type Level int\nconst (\n\tLow Level = iota\n\tHigh\n)\n"+
			"func (l Level) String() string { return [...]string{\"low\", \"high\"}[l] }\n"+
			"type Host struct{ Name string }\n"+
			"func (h Host) String() string { return \"host:\" + h.Name }\n"+
			"type row struct {\n\tN string\n\tS int\n}\ntype ByS []row\n"+
			"func (b ByS) Len() int { return len(b) }\n"+
			"func (b ByS) Less(i, j int) bool { return b[i].S < b[j].S }\n"+
			"func (b ByS) Swap(i, j int) { b[i], b[j] = b[j], b[i] }", ""),
		ok("fmt.Println(High, Host{\"a\"})\nfmt.Printf(\"%v %s %+v\\n\", High, Host{\"b\"}, "+
			"&Host{\"p\"})\nfmt.Sprint(Host{\"c\"})", "host:c", "high host:a\nhigh host:b host:p\n"),
		ok("rs := []row{{\"a\", 3}, {\"b\", 1}}\nsort.Sort(ByS(rs))\nrs", "[{b 1} {a 3}]", ""),
		ok("type Counter map[string]int\nfunc (c Counter) Inc(k string) { c[k]++ }\n"+
			"cn := Counter{}\ncn.Inc(\"a\")\ncn.Inc(\"a\")\ncn[\"a\"]", "2", ""),
	}},
	{"more of the standard library", []corpusCell{
		ok("_, cidr, err := net.ParseCIDR(\"10.0.0.0/8\")\nfmt.Println(err)\n"+
			"cidr.Contains(net.ParseIP(\"10.1.2.3\"))", "true", "<nil>\n"),
		ok("sc := bufio.NewScanner(strings.NewReader(\"l1\\nl2\\n\"))\nn := 0\n"+
			"for sc.Scan() {\n\tn++\n\tfmt.Println(sc.Text())\n}\nn", "2", "l1\nl2\n"),
		ok("var hv struct {\n\tA int `json:\"a\"`\n}\n"+
			"err = json.NewDecoder(strings.NewReader(`{\"a\": 4}`)).Decode(&hv)\nhv.A", "4", ""),
		ok("r := csv.NewReader(strings.NewReader(\"a,b\\n1,2\\n\"))\nall, err := r.ReadAll()\n"+
			"fmt.Println(len(all), err)\nall[1][0]", "1", "2 <nil>\n"),
		ok("var x, y int\nfmt.Sscanf(\"3 4\", \"%d %d\", &x, &y)\nx * y", "12", ""),
		ok("time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC).Unix()", "1704164645", ""),
		ok("time.Unix(1704164645, 0).UTC().Format(time.RFC3339)", "2024-01-02T03:04:05Z", ""),
		ok("ctx, cancel := context.WithTimeout(context.Background(), time.Second)\n"+
			"defer cancel()\nctx.Err() == nil", "true", ""),
		ok("slices.Contains([]string{\"a\"}, \"a\") && slices.Index([]int{4, 5}, 5) == 1",
			"true", ""),
		ok("type key struct{ H, U string }\nseen := map[key]int{}\nseen[key{\"h\", \"u\"}]++\n"+
			"seen[key{\"h\", \"u\"}]++\nseen[key{\"h\", \"u\"}]", "2", ""),
	}},
	{"recursion and generic constraints", []corpusCell{
		ok("var fib func(int) int\nfib = func(n int) int {\n\tif n < 2 {\n\t\treturn n\n\t}\n"+
			"\treturn fib(n-1) + fib(n-2)\n}\nfib(10)", "55", ""),
		ok("func Sum[T int | float64](xs []T) T {\n\tvar t T\n\tfor _, x := range xs {\n"+
			"\t\tt += x\n\t}\n\treturn t\n}\nSum([]float64{1.5, 2})", "3.5", ""),
		ok("recs := []struct {\n\tHost string\n\tSev  int\n}{{\"a\", 1}, {\"b\", 5}}\n"+
			"for _, r := range recs {\n\tswitch {\n\tcase r.Sev > 3:\n"+
			"\t\tfmt.Println(\"high\", r.Host)\n\tdefault:\n\t\tfmt.Println(\"low\", r.Host)\n"+
			"\t}\n}\nlen(recs)", "2", "low a\nhigh b\n"),
	}},
	{"decoding and network helpers", []corpusCell{
		ok("raw, err := base64.StdEncoding.DecodeString(\"SABpAA==\")\n"+
			"u16 := make([]uint16, len(raw)/2)\nfor i := range u16 {\n"+
			"\tu16[i] = uint16(raw[2*i]) | uint16(raw[2*i+1])<<8\n}\nstring(utf16.Decode(u16))",
			"Hi", ""),
		ok("sum := sha256.Sum256([]byte(\"x\"))\nfmt.Sprintf(\"%x\", sum[:4])", "2d711642", ""),
		ok("_, private, _ := net.ParseCIDR(\"192.168.0.0/16\")\n"+
			"private.Contains(net.ParseIP(\"192.168.1.10\"))", "true", ""),
		ok("u, err := url.Parse(\"https://evil.example.com/path?q=1\")\n"+
			"u.Hostname() + \" \" + u.Query().Get(\"q\")", "evil.example.com 1", ""),
		ok("kv := map[string]string{}\nfor _, l := range strings.Split(\"a=1\\nb=2\", \"\\n\") {\n"+
			"\tif k, v, found := strings.Cut(l, \"=\"); found {\n\t\tkv[k] = v\n\t}\n}\nkv[\"b\"]",
			"2", ""),
	}},
	{"last expression values", []corpusCell{
		ok(`time.Duration(1500) * time.Millisecond`, "1.5s", ""),
		ok(`net.ParseIP("10.0.0.1").IsPrivate()`, "true", ""),
		out("type verdict struct {\n\tOK   bool\n\tWhy string\n}", ""),
		ok(`verdict{OK: true, Why: "clean"}`, "{true clean}", ""),
		ok(`&verdict{Why: "p"}`, "&{false p}", ""),
		ok(`[]verdict{{Why: "a"}}`, "[{false a}]", ""),
	}},
}

// TestCorpus runs the corpus, each case in a fresh session, cell after cell.
func TestCorpus(t *testing.T) {
	for _, c := range corpus {
		t.Run(c.name, func(t *testing.T) {
			e := newTestEngine(t, EngineOptions{})
			runCorpusCells(t, e, c.cells)
		})
	}
}

// runCorpusCells runs cells in e and checks each one's outcome.
func runCorpusCells(t *testing.T, e *GoEngine, cells []corpusCell) {
	t.Helper()
	for i, c := range cells {
		rep, rec := run(t, e, c.code)
		if c.errName != "" {
			if rep.Err == nil || rep.Err.Name != c.errName ||
				!strings.Contains(rep.Err.Value, c.errHas) {
				t.Errorf("cell %d %q: got error %+v, want %s containing %q", i+1, c.code,
					rep.Err, c.errName, c.errHas)
			}
			continue
		}
		if rep.Err != nil {
			t.Errorf("cell %d %q: %s: %s", i+1, c.code, rep.Err.Name, rep.Err.Value)
			continue
		}
		if got := plain(rep.Result); got != c.result {
			t.Errorf("cell %d %q: result %q, want %q", i+1, c.code, got, c.result)
		}
		if got := rec.stream("stdout"); got != c.stdout {
			t.Errorf("cell %d %q: stdout %q, want %q", i+1, c.code, got, c.stdout)
		}
	}
}
