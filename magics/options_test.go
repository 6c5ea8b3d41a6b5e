package magics

import (
	"log/slog"
	"reflect"
	"strings"
	"testing"
)

func TestParseOptions(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want Options
	}{
		{"none", []string{"alerts", "search"},
			Options{Args: []string{"alerts", "search"}}},
		{"assign anywhere", []string{"alerts", "--assign", "a", "search", "--limit", "5"},
			Options{Assign: "a", Args: []string{"alerts", "search", "--limit", "5"}}},
		{"inline values", []string{"--append=b", "--display=c", "--cell=FROM x", "x"},
			Options{Append: "b", Display: "c", Cell: "FROM x", HasCell: true,
				Args: []string{"x"}}},
		{"empty cell", []string{"--cell", "", "x"},
			Options{HasCell: true, Args: []string{"x"}}},
		{"templates", []string{"-t", "-f", "q.ql", "x"},
			Options{CellTemplate: true, CellTemplateFile: "q.ql", Args: []string{"x"}}},
		{"long templates", []string{"--cell-template", "--cell-template-file", "q.ql"},
			Options{CellTemplate: true, CellTemplateFile: "q.ql"}},
		{"cache and rows", []string{"--cache", "--display-rows", "7", "x"},
			Options{Cache: true, DisplayRows: 7, Args: []string{"x"}}},
		{"return display", []string{"--disable-return-display", "on_empty"},
			Options{ReturnDisplay: DisplayIfFound}},
		{"verbose", []string{"--verbose"}, Options{Level: slog.LevelInfo}},
		{"debug", []string{"--verbose", "--debug"}, Options{Level: slog.LevelDebug}},
		{"trace", []string{"--trace", "--verbose"}, Options{Level: LevelTrace}},
		{"help kept", []string{"alerts", "-h"},
			Options{Help: true, Args: []string{"alerts", "-h"}}},
		{"double dash", []string{"notebook", "--", "-f", "p.yaml", "--assign", "x"},
			Options{Args: []string{"notebook", "-f", "p.yaml", "--assign", "x"}}},
		{"unknown left", []string{"--region", "local", "--tenant=1", "-x"},
			Options{Args: []string{"--region", "local", "--tenant=1", "-x"}}},
		{"no abbreviation", []string{"--assig", "x"},
			Options{Args: []string{"--assig", "x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseOptions(tt.args)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.want
			if want.ReturnDisplay == "" {
				want.ReturnDisplay = DisplayAlways
			}
			if want.Level == 0 && tt.name != "verbose" {
				want.Level = slog.LevelWarn
			}
			if len(got.Args) == 0 && len(want.Args) == 0 {
				got.Args, want.Args = nil, nil
			}
			if !reflect.DeepEqual(*got, want) {
				t.Fatalf("ParseOptions(%q) =\n%+v, want\n%+v", tt.args, *got, want)
			}
		})
	}
}

func TestParseOptionsErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--assign"}, "--assign needs a value: a Go variable name"},
		{[]string{"--assign", "1x"}, `--assign "1x": not a Go variable name`},
		{[]string{"--append", "a-b"}, "not a Go variable name"},
		{[]string{"--assign", "a", "--append", "b"}, "exclude each other"},
		{[]string{"--disable-return-display", "some"}, "use off, all or on_empty"},
		{[]string{"--cache=yes"}, "--cache takes no value"},
		{[]string{"--display-rows", "-1"}, "--display-rows \"-1\""},
		{[]string{"-f"}, "-f needs a value: a file name"},
		{[]string{"--cell-template-file="}, "needs a file name"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			_, err := ParseOptions(tt.args)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestOptionsTarget(t *testing.T) {
	for _, tt := range []struct {
		o    Options
		want string
	}{{Options{Assign: "a"}, "a"}, {Options{Append: "b"}, "b"}, {Options{}, ""}} {
		if got := tt.o.Target(); got != tt.want {
			t.Errorf("%+v.Target() = %q, want %q", tt.o, got, tt.want)
		}
	}
}
