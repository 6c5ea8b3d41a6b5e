package kernelspec

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// SysPrefixEnv names the environment variable that overrides the Python prefix used by
// SysPrefixDir. Without it the prefix is /usr, the sys.prefix of Debian's python3.
const SysPrefixEnv = "GOTAEGIS_SYS_PREFIX"

// DataDir returns the user's Jupyter data directory as jupyter_core computes it on Linux:
// $JUPYTER_DATA_DIR, else $XDG_DATA_HOME/jupyter, else ~/.local/share/jupyter.
func DataDir() string {
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		return d
	}
	if x := os.Getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "jupyter")
	}
	return filepath.Join(home(), ".local", "share", "jupyter")
}

// UserDir returns the directory that holds the user's kernelspecs (what --user installs to).
func UserDir() string { return filepath.Join(DataDir(), "kernels") }

// PrefixDir returns PREFIX/share/jupyter/kernels, where --prefix PREFIX installs.
func PrefixDir(prefix string) string {
	return filepath.Join(prefix, "share", "jupyter", "kernels")
}

// SysPrefix returns the Python prefix that --sys-prefix installs into: $GOTAEGIS_SYS_PREFIX,
// else /usr.
func SysPrefix() string {
	if p := os.Getenv(SysPrefixEnv); p != "" {
		return p
	}
	return "/usr"
}

// SysPrefixDir returns the kernels directory of SysPrefix (what --sys-prefix installs to).
func SysPrefixDir() string { return PrefixDir(SysPrefix()) }

// SearchPath returns the kernels directories Jupyter searches, first match winning: each entry
// of $JUPYTER_PATH, the user's data directory, Python's user base, the Python prefix (unless it
// is a system one; before the user's with $JUPYTER_PREFER_ENV_PATH), then
// /usr/local/share/jupyter and /usr/share/jupyter. Each directory appears once.
func SearchPath() []string {
	var data []string
	for _, p := range filepath.SplitList(os.Getenv("JUPYTER_PATH")) {
		if p != "" {
			data = append(data, strings.TrimRight(p, string(filepath.Separator)))
		}
	}
	user := []string{DataDir(), filepath.Join(userBase(), "share", "jupyter")}
	system := []string{"/usr/local/share/jupyter", "/usr/share/jupyter"}
	var env []string
	if p := filepath.Join(SysPrefix(), "share", "jupyter"); !slices.Contains(system, p) {
		env = append(env, p)
	}
	if envSet("JUPYTER_PREFER_ENV_PATH") {
		data = append(data, env...)
		data = append(data, user...)
	} else {
		data = append(data, user...)
		data = append(data, env...)
	}
	data = append(data, system...)

	seen := make(map[string]bool, len(data))
	dirs := make([]string, 0, len(data))
	for _, d := range data {
		k := filepath.Join(filepath.Clean(d), "kernels")
		if !seen[k] {
			seen[k] = true
			dirs = append(dirs, k)
		}
	}
	return dirs
}

// userBase is Python's site.USER_BASE on Linux: $PYTHONUSERBASE, else ~/.local.
func userBase() string {
	if b := os.Getenv("PYTHONUSERBASE"); b != "" {
		return b
	}
	return filepath.Join(home(), ".local")
}

// envSet is jupyter_core's test of a flag variable: set to anything but no, n, false, off, 0
// or 0.0, in any case.
func envSet(name string) bool {
	v, ok := os.LookupEnv(name)
	if !ok {
		return false
	}
	switch strings.ToLower(v) {
	case "no", "n", "false", "off", "0", "0.0":
		return false
	}
	return true
}

// home is the user's home directory with symbolic links resolved, as jupyter_core has it.
func home() string {
	if h, err := os.UserHomeDir(); err == nil {
		if r, err := filepath.EvalSymlinks(h); err == nil {
			return r
		}
		return h
	}
	// Without $HOME, Python's expanduser falls back to the password database; the current
	// directory is the nearest thing that needs no cgo.
	return "."
}
