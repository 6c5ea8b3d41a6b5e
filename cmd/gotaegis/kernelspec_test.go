package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gotaegis/kernelspec"
)

func TestWithPermissionHint(t *testing.T) {
	denied := fmt.Errorf("install kernelspec gotaegis: %w",
		&fs.PathError{Op: "mkdir", Path: "/usr/share/jupyter/kernels", Err: fs.ErrPermission})
	tests := []struct {
		name     string
		err      error
		wantHint bool
	}{
		{"permission", denied, true},
		{"other", errors.New("disk full"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := withPermissionHint(tt.err)
			if !errors.Is(got, tt.err) {
				t.Fatalf("the hint lost the error: %v", got)
			}
			if hint := strings.Contains(got.Error(), "--user"); hint != tt.wantHint {
				t.Fatalf("hint %v in %q, want %v", hint, got, tt.wantHint)
			}
		})
	}
}

func TestWriteKernelspecs(t *testing.T) {
	spec, err := kernelspec.New("/opt/bin/gotaegis", "1", nil)
	if err != nil {
		t.Fatal(err)
	}
	other := kernelspec.Spec{Argv: []string{"python3", "-f", "{connection_file}"},
		DisplayName: "Python 3"}
	found := []kernelspec.Installed{
		{Name: "gotaegis", Dir: "/a/kernels/gotaegis", Spec: spec},
		{Name: "gotaegis", Dir: "/b/kernels/gotaegis", Spec: spec, Shadowed: true},
		{Name: "python3", Dir: "/a/kernels/python3", Spec: other},
	}
	tests := []struct {
		name    string
		found   []kernelspec.Installed
		all     bool
		want    []string
		wantNot []string
	}{
		{"gotaegis only", found, false,
			[]string{"/a/kernels/gotaegis", "/b/kernels/gotaegis", "shadowed", "Go (Taegis)"},
			[]string{"python3"}},
		{"all", found, true, []string{"python3", "Python 3"}, nil},
		{"none", found[2:], false, []string{"No gotaegis kernelspec found", "--user"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			writeKernelspecs(&b, tt.found, tt.all)
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, b.String())
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(b.String(), w) {
					t.Errorf("output has %q:\n%s", w, b.String())
				}
			}
		})
	}
}

func TestKernelsDirFlags(t *testing.T) {
	t.Setenv("JUPYTER_DATA_DIR", "/data/jupyter")
	t.Setenv(kernelspec.SysPrefixEnv, "/opt/venv")
	t.Chdir(t.TempDir())
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		flags kernelsDirFlags
		want  string
	}{
		{"none", kernelsDirFlags{}, ""},
		{"user", kernelsDirFlags{user: true}, "/data/jupyter/kernels"},
		{"sys-prefix", kernelsDirFlags{sysPrefix: true}, "/opt/venv/share/jupyter/kernels"},
		{"prefix", kernelsDirFlags{prefix: "/srv/hunt"}, "/srv/hunt/share/jupyter/kernels"},
		{"relative prefix", kernelsDirFlags{prefix: "team"},
			filepath.Join(wd, "team", "share", "jupyter", "kernels")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.flags.dir()
			if err != nil || got != tt.want {
				t.Fatalf("dir() = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
