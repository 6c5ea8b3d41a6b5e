package kernelspec

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestDirs(t *testing.T) {
	home := t.TempDir()
	tests := []struct {
		name   string
		env    map[string]string
		user   string
		sys    string
		search []string
	}{
		{
			name: "defaults",
			env:  map[string]string{"HOME": home},
			user: home + "/.local/share/jupyter/kernels",
			sys:  "/usr/share/jupyter/kernels",
			search: []string{home + "/.local/share/jupyter/kernels",
				"/usr/local/share/jupyter/kernels", "/usr/share/jupyter/kernels"},
		},
		{
			name: "data dir and path",
			env: map[string]string{"HOME": home, "JUPYTER_DATA_DIR": "/d",
				"JUPYTER_PATH": "/a/:/b" + string(filepath.ListSeparator) + "/a"},
			user: "/d/kernels",
			sys:  "/usr/share/jupyter/kernels",
			search: []string{"/a/kernels", "/b/kernels", "/d/kernels",
				home + "/.local/share/jupyter/kernels",
				"/usr/local/share/jupyter/kernels", "/usr/share/jupyter/kernels"},
		},
		{
			name: "xdg and sys prefix",
			env: map[string]string{"HOME": home, "XDG_DATA_HOME": "/x",
				SysPrefixEnv: "/venv"},
			user: "/x/jupyter/kernels",
			sys:  "/venv/share/jupyter/kernels",
			search: []string{"/x/jupyter/kernels", home + "/.local/share/jupyter/kernels",
				"/venv/share/jupyter/kernels",
				"/usr/local/share/jupyter/kernels", "/usr/share/jupyter/kernels"},
		},
		{
			name: "prefer env path",
			env: map[string]string{"HOME": home, SysPrefixEnv: "/venv",
				"JUPYTER_PREFER_ENV_PATH": "yes", "PYTHONUSERBASE": "/ub"},
			user: home + "/.local/share/jupyter/kernels",
			sys:  "/venv/share/jupyter/kernels",
			search: []string{"/venv/share/jupyter/kernels",
				home + "/.local/share/jupyter/kernels", "/ub/share/jupyter/kernels",
				"/usr/local/share/jupyter/kernels", "/usr/share/jupyter/kernels"},
		},
		{
			name: "prefer env path off",
			env: map[string]string{"HOME": home, SysPrefixEnv: "/venv",
				"JUPYTER_PREFER_ENV_PATH": "Off"},
			user: home + "/.local/share/jupyter/kernels",
			sys:  "/venv/share/jupyter/kernels",
			search: []string{home + "/.local/share/jupyter/kernels",
				"/venv/share/jupyter/kernels",
				"/usr/local/share/jupyter/kernels", "/usr/share/jupyter/kernels"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, k := range []string{"JUPYTER_DATA_DIR", "JUPYTER_PATH", "XDG_DATA_HOME",
				"JUPYTER_PREFER_ENV_PATH", "PYTHONUSERBASE", SysPrefixEnv} {
				t.Setenv(k, "") // restores the variable after the test
				os.Unsetenv(k)
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			if got := UserDir(); got != tt.user {
				t.Errorf("UserDir = %s, want %s", got, tt.user)
			}
			if got := SysPrefixDir(); got != tt.sys {
				t.Errorf("SysPrefixDir = %s, want %s", got, tt.sys)
			}
			if got := SearchPath(); !reflect.DeepEqual(got, tt.search) {
				t.Errorf("SearchPath =\n%q\nwant\n%q", got, tt.search)
			}
			if got, want := PrefixDir("/opt/p"), "/opt/p/share/jupyter/kernels"; got != want {
				t.Errorf("PrefixDir = %s, want %s", got, want)
			}
		})
	}
}
