package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDataframeCommand(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "alerts.json")
	records := `[{"id": "a1", "metadata": {"title": "<b>x</b>", "severity": 0.5}},
		{"id": "a2", "metadata": {"title": "y"}, "event_ids": ["e1"]}]`
	if err := os.WriteFile(file, []byte(records), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		stdin string
		want  []string
		err   string
	}{
		{name: "text", args: []string{file},
			want: []string{"id  metadata.title", "[2 rows × 4 columns]"}},
		{name: "html head", args: []string{file, "--to", "html", "--head", "1"},
			want: []string{"&lt;b&gt;x&lt;/b&gt;", "2 rows × 4 columns (first 1 shown)"}},
		{name: "csv", args: []string{file, "--to", "csv"},
			want: []string{"id,metadata.title,metadata.severity,event_ids\n", `a2,y,,"[""e1""]"`}},
		{name: "json", args: []string{file, "--to", "json"},
			want: []string{`{"id":"a1","metadata.title":"<b>x</b>"`}},
		{name: "markdown", args: []string{file, "--to", "md"}, want: []string{"| 0 | a1 |"}},
		{name: "max level", args: []string{file, "--to", "csv", "--max-level", "0"},
			want: []string{"id,metadata,event_ids\n"}},
		{name: "stdin", args: []string{"-", "--to", "csv"}, stdin: `{"k": 1}`,
			want: []string{"k\n1\n"}},
		{name: "bad format", args: []string{file, "--to", "xlsx"}, err: "unknown table format"},
		{name: "bad head", args: []string{file, "--head", "-2"}, err: "--head -2"},
		{name: "missing file", args: []string{filepath.Join(dir, "nope.json")},
			err: "no such file"},
		{name: "bad json", args: []string{"-"}, stdin: `[{"a": }]`,
			err: "-: flatten records: record 1: invalid JSON at byte 7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := newDataframeCmd()
			var out bytes.Buffer
			cmd.SetOut(&out)
			cmd.SetErr(&out)
			cmd.SetIn(strings.NewReader(tt.stdin))
			cmd.SetArgs(tt.args)
			err := cmd.Execute()
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}
