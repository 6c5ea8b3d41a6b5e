package kernelspec

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestNewMatchesGolden(t *testing.T) {
	s, err := New("/opt/gotaegis/bin/gotaegis", "1.2.3", map[string]string{
		"TAEGIS_REGION": "charlie", "GOTAEGIS_LOG": "info",
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "kernel.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("kernel.json differs from %s:\n%s", golden, got)
	}
	back, err := Parse(got)
	if err != nil {
		t.Fatalf("Parse(Marshal()) = %v", err)
	}
	if !back.IsGotaegis() || back.Argv[0] != "/opt/gotaegis/bin/gotaegis" ||
		back.Env["TAEGIS_REGION"] != "charlie" {
		t.Fatalf("round trip lost data: %+v", back)
	}
}

func TestNewRejectsRelativeBinary(t *testing.T) {
	if _, err := New("bin/gotaegis", "1", nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("New(relative) = %v, want ErrInvalid", err)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantErr  string
		gotaegis bool
	}{
		{"gotaegis", `{"argv":["/b/gotaegis","kernel","{connection_file}"],"display_name":"G",` +
			`"language":"go"}`, "", true},
		{"by metadata", `{"argv":["/b/tg","k","-f","{connection_file}"],"display_name":"G",` +
			`"language":"go","metadata":{"gotaegis":{"version":"1"}}}`, "", true},
		{"python", `{"argv":["python3","-m","ipykernel_launcher","-f","{connection_file}"],` +
			`"display_name":"Python 3","language":"python"}`, "", false},
		{"not json", `{argv`, "kernel.json", false},
		{"array", `[]`, "kernel.json", false},
		{"no argv", `{"display_name":"x"}`, "no argv", false},
		{"empty argv0", `{"argv":[""]}`, "no argv", false},
		{"no connection file", `{"argv":["/b/gotaegis","kernel"]}`, "never passes", false},
		{"argv of numbers", `{"argv":[1,2]}`, "kernel.json", false},
		{"bad interrupt", `{"argv":["k","{connection_file}"],"interrupt_mode":"sigint"}`,
			"interrupt_mode", false},
		{"env not strings", `{"argv":["k","{connection_file}"],"env":{"A":1}}`, "kernel.json",
			false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse([]byte(tt.in))
			if tt.wantErr != "" {
				if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Parse = %v, want ErrInvalid mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.IsGotaegis() != tt.gotaegis {
				t.Fatalf("IsGotaegis = %v, want %v", s.IsGotaegis(), tt.gotaegis)
			}
		})
	}
}

func TestCheckName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"gotaegis", true},
		{"gotaegis-eu.v2_test", true},
		{"0", true},
		{"", false},
		{".", false},
		{"..", false},
		{"Gotaegis", false},
		{"go taegis", false},
		{"a/b", false},
		{"é", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckName(tt.name)
			if (err == nil) != tt.ok {
				t.Fatalf("CheckName(%q) = %v, want ok %v", tt.name, err, tt.ok)
			}
		})
	}
}

func TestParseEnv(t *testing.T) {
	tests := []struct {
		name    string
		in      []string
		want    map[string]string
		wantErr string
	}{
		{"none", nil, nil, ""},
		{"pairs", []string{"TAEGIS_REGION=echo", "X="}, map[string]string{
			"TAEGIS_REGION": "echo", "X": ""}, ""},
		{"equals in value", []string{"Q=a=b"}, map[string]string{"Q": "a=b"}, ""},
		{"last wins", []string{"A=1", "A=2"}, map[string]string{"A": "2"}, ""},
		{"no equals", []string{"TAEGIS_REGION"}, nil, "no '='"},
		{"empty key", []string{"=v"}, nil, "variable name"},
		{"digit first", []string{"1A=v"}, nil, "variable name"},
		{"space in key", []string{"A B=v"}, nil, "variable name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseEnv(tt.in)
			if tt.wantErr != "" {
				if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseEnv = %v, want error mentioning %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParseEnv = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

// FuzzParse checks that any kernel.json text either fails with ErrInvalid or parses into a
// Spec that survives a Marshal and Parse round trip.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"argv":["/b/gotaegis","kernel","{connection_file}"],"display_name":"G"}`))
	f.Add([]byte(`{"argv":["k","{connection_file}"],"env":{"A":"1"},"interrupt_mode":"signal"}`))
	f.Add([]byte(`{"argv":[],"metadata":{"gotaegis":null}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Parse error %v is not ErrInvalid", err)
			}
			return
		}
		b, err := s.Marshal()
		if err != nil {
			t.Fatalf("Marshal of parsed spec: %v", err)
		}
		back, err := Parse(b)
		if err != nil {
			t.Fatalf("Parse(Marshal(Parse(x))) = %v for %s", err, b)
		}
		if !reflect.DeepEqual(back.Argv, s.Argv) || back.IsGotaegis() != s.IsGotaegis() {
			t.Fatalf("round trip changed the spec: %+v != %+v", back, s)
		}
	})
}
