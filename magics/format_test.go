package magics

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var updateFormats = flag.Bool("update-formats", false, "rewrite the shell format golden files")

func shellSample() *Result {
	return &Result{Command: "alerts search", Service: "alerts", Region: "local", Total: 2,
		Records: []map[string]any{
			{"id": "alert://priv:a:1", "metadata": map[string]any{"title": "<b>Mimikatz</b>",
				"severity": 0.9}, "tenant_id": "50001"},
			{"id": "alert://priv:a:2", "metadata": map[string]any{"title": "Encoded, \"quoted\"",
				"severity": 0.6}, "tags": []any{"x", "y"}, "tenant_id": "50001"},
		}}
}

func TestWriteGolden(t *testing.T) {
	for _, format := range Formats {
		t.Run(format, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, shellSample(), format); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "shell."+format)
			if *updateFormats {
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update-formats to write it)", err)
			}
			if b.String() != string(want) {
				t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
			}
		})
	}
}

func TestWriteMessagesAndErrors(t *testing.T) {
	tests := []struct {
		format, want string
		r            *Result
	}{
		{"json", "staged 3 alerts\n", &Result{Message: "staged 3 alerts"}},
		{"ndjson", "\"staged 3 alerts\"\n", &Result{Message: "staged 3 alerts"}},
		{"table", "staged 3 alerts\n", &Result{Message: "staged 3 alerts"}},
		{"json", "[]\n", &Result{}},
		{"ndjson", "", &Result{}},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := Write(&b, tt.r, tt.format); err != nil || b.String() != tt.want {
			t.Errorf("%s %+v: got %q, %v; want %q", tt.format, tt.r, b.String(), err, tt.want)
		}
	}
	err := Write(&bytes.Buffer{}, shellSample(), "xml")
	if err == nil || !strings.Contains(err.Error(), "json, ndjson, csv, table") {
		t.Fatalf("unknown format: %v", err)
	}
}

func TestShellRootPrints(t *testing.T) {
	ids := tenants(t)
	e := newEnv(t)
	root := NewRoot(e.Env)
	root.SetArgs([]string{"tenants", "search", "--id", ids[0], "--format", "ndjson"})
	if err := root.Execute(); err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(e.out.String()), "\n"); len(lines) != 1 ||
		!strings.Contains(lines[0], `"id":"`+ids[0]+`"`) {
		t.Fatalf("stdout %q", e.out)
	}
	e.out.Reset()
	root = NewRoot(e.Env)
	root.SetArgs([]string{"alerts", "search", "--cell", "FROM alert WHERE (("})
	if err := root.Execute(); err == nil || !strings.HasPrefix(e.errs.String(), `[{"message":`) {
		t.Fatalf("a GraphQL error: %v, stderr %q", err, e.errs)
	}
}

func TestSuggestions(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"investigations", "create", "--priorty", "HIGH"},
			"unknown option --priorty; did you mean --priority?"},
		{[]string{"alerts", "search", "--tenat", "1"}, "did you mean --tenant?"},
		{[]string{"tenants", "search", "--lable", "x"}, "did you mean --label?"},
		{[]string{"alerts", "search", "--zzzzzzzz"}, "unknown option --zzzzzzzz (see"},
		{[]string{"alerts", "serch"}, `unknown command "serch"`},
		{[]string{"alerts", "serch"}, "did you mean search?"},
		{[]string{"investigations", "evidence", "stgae"}, "did you mean stage?"},
		// An unknown command with options is named, not its first option.
		{[]string{"alerts", "histroy", "--id", "x"},
			`unknown command "histroy" for "taegis alerts"; did you mean history?`},
		{[]string{"alerts", "zzzzzz", "--id", "x"},
			`unknown command "zzzzzz" for "taegis alerts"; its commands: history, search`},
		{[]string{"rules", "supression", "--kind", "all"}, "did you mean suppression?"},
		{[]string{"alrts", "search", "--cell", "x"}, `unknown command "alrts" for "taegis"`},
	}
	for _, tt := range tests {
		_, err := Run(t.Context(), e.Env, tt.args)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: got %v, want %q", tt.args, err, tt.want)
		}
	}
	r, err := Run(t.Context(), e.Env, []string{"alerts", "--help"})
	if err != nil || r.Message != "help shown" || !strings.Contains(e.out.String(), "search") {
		t.Fatalf("help: %v %+v", err, r)
	}
}

func TestConfigureAndVersion(t *testing.T) {
	e := newEnv(t)
	e.Version = "1.2.3"
	if r := e.run(t, "version"); r.Records[0]["gotaegis"] != "1.2.3" {
		t.Fatalf("version: %v", r.Records)
	}
	t.Cleanup(func() { os.Remove(magicsSettingsPath()) })
	path := filepath.Join(t.TempDir(), "m.yaml")
	if err := os.WriteFile(path, []byte("macros:\n  a:\n    ids: [\"1\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e.run(t, "configure macros path "+path)
	list := e.run(t, "configure macros list")
	if len(list.Records) != 1 || list.Records[0]["name"] != "@a" {
		t.Fatalf("macros list: %v", list.Records)
	}
	e.run(t, "configure queries track --status yes")
	e.run(t, "configure queries callername hunt-team")
	got := e.run(t, "configure queries list").Records[0]
	if got["track"] != true || got["callername"] != "hunt-team" || got["macros_path"] != path {
		t.Fatalf("settings: %v", got)
	}
	e.run(t, "configure macros reset")
	if list := e.run(t, "configure macros list"); list.Records[0]["name"] != "@mdr" {
		t.Fatalf("after reset: %v", list.Records)
	}
	if _, err := Run(t.Context(), e.Env, []string{"configure", "macros", "path",
		filepath.Join(t.TempDir(), "none.yaml")}); err == nil {
		t.Fatal("a missing macros file was accepted")
	}
}

func TestResolveWindow(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	day := 24 * time.Hour
	tests := []struct {
		query            string
		earliest, latest time.Time
		wantErr          string
	}{
		{"FROM alert", time.Time{}, time.Time{}, ""},
		{"FROM alert EARLIEST=-1d", now.Add(-day), now, ""},
		{"from process earliest = -2w latest=-1d | head 3", now.Add(-14 * day), now.Add(-day), ""},
		{"FROM x WHERE a = 'EARLIEST=-1d'", time.Time{}, time.Time{}, ""},
		{"FROM x EARLIEST='2024-01-02T15:04:05Z'",
			time.Date(2024, 1, 2, 15, 4, 5, 0, time.UTC), now, ""},
		{"FROM x EARLIEST=2024-01-02 LATEST=1704240000",
			time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), time.Unix(1704240000, 0).UTC(), ""},
		{"FROM x EARLIEST=-30m", now.Add(-30 * time.Minute), now, ""},
		{"FROM x EARLIEST=soon", time.Time{}, time.Time{}, "EARLIEST=soon: not a time"},
		{"FROM x EARLIEST=-1d EARLIEST=-2d", time.Time{}, time.Time{}, "appears twice"},
		{"FROM x EARLIEST=", time.Time{}, time.Time{}, "no time"},
	}
	for _, tt := range tests {
		var p Provenance
		err := resolveWindow(tt.query, now, &p)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: got %v, want %q", tt.query, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !p.Earliest.Equal(tt.earliest) || !p.Latest.Equal(tt.latest) {
			t.Errorf("%s: got %v .. %v, %v", tt.query, p.Earliest, p.Latest, err)
		}
	}
}

func TestHashIsCanonical(t *testing.T) {
	a, _ := Hash([]map[string]any{{"b": 1, "a": map[string]any{"y": 2, "x": 1}}})
	b, _ := Hash([]map[string]any{{"a": map[string]any{"x": 1, "y": 2}, "b": 1}})
	c, _ := Hash([]map[string]any{{"a": map[string]any{"x": 1, "y": 3}, "b": 1}})
	empty, _ := Hash(nil)
	if a != b || a == c || len(a) != 64 || empty == a {
		t.Fatalf("hashes %s %s %s %s", a, b, c, empty)
	}
}
