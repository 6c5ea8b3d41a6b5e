package magics

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestComplete(t *testing.T) {
	complete := Completer(nil)
	tests := []struct {
		name string
		code string // the cursor is at the end, or at the | mark
		want []string
		not  []string
		from string // the text the matches replace
	}{
		{"group", "%taegis al", []string{"alerts"}, nil, "al"},
		{"command", "%taegis alerts s", []string{"search"}, nil, "s"},
		{"history command", "%taegis alerts h", []string{"history"}, nil, "h"},
		{"history option", "%taegis alerts history --i", []string{"--id"}, nil, "--i"},
		{"groups after space", "%taegis ", []string{"alerts", "events"}, nil, ""},
		{"command option", "%taegis alerts search --li", []string{"--limit"}, nil, "--li"},
		{"magic option", "%taegis alerts search --as", []string{"--assign"}, nil, "--as"},
		{"no shell format", "%taegis alerts search --fo", nil, []string{"--format"}, "--fo"},
		{"option value skipped", "%taegis alerts search --assign al", nil,
			[]string{"alerts"}, ""},
		{"display values", "%taegis alerts search --disable-return-display o",
			[]string{"off", "on_empty"}, []string{"all"}, "o"},
		{"region", "%taegis alerts search --region ch", []string{"charlie"}, nil, "ch"},
		{"local region", "%taegis alerts search --region lo", []string{"local"}, nil, "lo"},
		{"line in a loop", "for i := range 3 {\n\t%taegis alerts sea", []string{"search"}, nil,
			"sea"},
		{"cell first line", "%%taegis alerts sea|\nFROM alert", []string{"search"}, nil, "sea"},
		{"event types", "%%taegis events search\nFROM pro", []string{"process"}, nil, "pro"},
		{"second type", "%%taegis events search\nFROM process, net", []string{"netflow"}, nil,
			"net"},
		{"alert type", "%%taegis alerts search\nFROM al", []string{"alert"}, nil, "al"},
		{"keyword any case", "%%taegis alerts search\nFROM alert wh", []string{"WHERE"}, nil,
			"wh"},
		{"pipe", "%%taegis events search\nFROM process | he", []string{"head"}, nil, "he"},
		{"fields of the type", "%%taegis events search\nFROM process WHERE comm",
			[]string{"commandline"}, []string{"query_name"}, "comm"},
		{"nested alert fields", "%%taegis alerts search\nFROM alert WHERE metadata.ti",
			[]string{"metadata.title"}, nil, "metadata.ti"},
		{"operator", "%%taegis alerts search\nFROM alert WHERE metadata.title MATCHES",
			[]string{"MATCHES_REGEX"}, nil, "MATCHES"},
		{"open quote", `%taegis alerts search --cell "FROM al`, nil, []string{"alert"}, ""},
		{"not a magic", "x := 1\nfmt.Pr", nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, cursor := tt.code, utf8.RuneCountInString(tt.code)
			if i := strings.IndexByte(code, '|'); i >= 0 && strings.Contains(code, "|\n") {
				code = code[:i] + code[i+1:]
				cursor = utf8.RuneCountInString(code[:i])
			}
			got, start, end := complete(code, cursor)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("%q: matches %q lack %q", code, got, w)
				}
			}
			for _, n := range tt.not {
				if slices.Contains(got, n) {
					t.Errorf("%q: matches %q hold %q", code, got, n)
				}
			}
			if end != cursor {
				t.Errorf("end %d, want the cursor %d", end, cursor)
			}
			if len(got) > 0 {
				runes := []rune(code)
				if replaced := string(runes[start:end]); replaced != tt.from {
					t.Errorf("matches replace %q, want %q", replaced, tt.from)
				}
			}
		})
	}
}
