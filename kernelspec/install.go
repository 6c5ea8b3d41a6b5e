package kernelspec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ErrNotFound reports that no kernelspec of the given name exists where it was looked for.
var ErrNotFound = errors.New("kernelspec not found")

// ErrNotGotaegis reports a kernelspec that belongs to another kernel, which Remove leaves alone.
var ErrNotGotaegis = errors.New("kernelspec is not a gotaegis kernel")

// Installed is one kernelspec found on disk.
type Installed struct {
	// Name is the kernel name: the directory's name, in lower case as Jupyter uses it.
	Name string
	// Dir is the kernelspec's directory, the one holding kernel.json.
	Dir string
	// Spec is the parsed kernel.json; it is the zero Spec when Err is set.
	Spec Spec
	// Err is why kernel.json could not be read or parsed, if it could not.
	Err error
	// Shadowed is true when a directory earlier in the search path has a kernel of the same
	// name, so Jupyter never starts this one.
	Shadowed bool
}

// Install writes spec and the logos as the kernelspec name under kernelsDir, creating the
// directories it needs and replacing a kernelspec of that name that is already there. It
// returns the kernelspec's directory. A failure leaves any previous kernelspec in place.
// When the directory may not be written, the error wraps fs.ErrPermission.
func Install(kernelsDir, name string, spec Spec) (string, error) {
	if err := CheckName(name); err != nil {
		return "", err
	}
	kj, err := spec.Marshal()
	if err != nil {
		return "", err
	}
	if _, err := Parse(kj); err != nil {
		return "", err
	}
	if err := os.MkdirAll(kernelsDir, 0o755); err != nil {
		return "", fmt.Errorf("install kernelspec %s: %w", name, err)
	}

	// Build the new kernelspec beside its destination, then swap it in, so that Jupyter
	// never sees a half-written one and a failure keeps the old one.
	tmp, err := os.MkdirTemp(kernelsDir, ".install-"+name+"-")
	if err != nil {
		// The scratch directory's name means nothing to the user; the directory it was in does.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return "", fmt.Errorf("install kernelspec %s: cannot write in %s: %w", name, kernelsDir,
			err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", fmt.Errorf("install kernelspec %s: %w", name, err)
	}
	files := map[string][]byte{"kernel.json": kj}
	for f, b := range Logos() {
		files[f] = b
	}
	for f, b := range files {
		if err := os.WriteFile(filepath.Join(tmp, f), b, 0o644); err != nil {
			return "", fmt.Errorf("install kernelspec %s: %w", name, err)
		}
	}

	dest := filepath.Join(kernelsDir, name)
	old := ""
	if _, err := os.Lstat(dest); err == nil {
		old = tmp + ".old"
		if err := os.Rename(dest, old); err != nil {
			return "", fmt.Errorf("install kernelspec %s: replace %s: %w", name, dest, err)
		}
	}
	if err := os.Rename(tmp, dest); err != nil {
		if old != "" {
			_ = os.Rename(old, dest)
		}
		return "", fmt.Errorf("install kernelspec %s: %w", name, err)
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return dest, fmt.Errorf("install kernelspec %s: remove the old copy %s: %w",
				name, old, err)
		}
	}
	return dest, nil
}

// Read reads the kernelspec in dir.
func Read(dir string) (Spec, error) {
	b, err := os.ReadFile(filepath.Join(dir, "kernel.json"))
	if err != nil {
		return Spec{}, fmt.Errorf("read kernelspec: %w", err)
	}
	s, err := Parse(b)
	if err != nil {
		return Spec{}, fmt.Errorf("%s: %w", filepath.Join(dir, "kernel.json"), err)
	}
	return s, nil
}

// Remove deletes the gotaegis kernelspec name from kernelsDir and returns the directory it
// removed. It fails with ErrNotFound when there is none, and with ErrNotGotaegis, removing
// nothing, when the kernelspec of that name starts another kernel.
func Remove(kernelsDir, name string) (string, error) {
	if err := CheckName(name); err != nil {
		return "", err
	}
	dir := filepath.Join(kernelsDir, name)
	if _, err := os.Stat(filepath.Join(dir, "kernel.json")); errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%w: no kernelspec %q in %s", ErrNotFound, name, kernelsDir)
	}
	s, err := Read(dir)
	if err != nil {
		return "", fmt.Errorf("remove kernelspec %s: %w", name, err)
	}
	if !s.IsGotaegis() {
		return "", fmt.Errorf("%w: %s starts %q; remove it with: jupyter kernelspec remove %s",
			ErrNotGotaegis, dir, s.Argv[0], name)
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", fmt.Errorf("remove kernelspec %s: %w", name, err)
	}
	return dir, nil
}

// List returns the kernelspecs in dirs, searched in order like Jupyter does, sorted by name
// and then by search order. A directory that does not exist is skipped; one that cannot be read
// is an error, returned with whatever else was found.
func List(dirs []string) ([]Installed, error) {
	var (
		found []Installed
		errs  []error
		seen  = map[string]bool{}
	)
	for _, d := range dirs {
		entries, err := os.ReadDir(d)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("list kernelspecs: %w", err))
			continue
		}
		for _, e := range entries {
			dir := filepath.Join(d, e.Name())
			if fi, err := os.Stat(filepath.Join(dir, "kernel.json")); err != nil ||
				!fi.Mode().IsRegular() {
				continue
			}
			in := Installed{Name: strings.ToLower(e.Name()), Dir: dir}
			in.Spec, in.Err = Read(dir)
			in.Shadowed = seen[in.Name]
			seen[in.Name] = true
			found = append(found, in)
		}
	}
	// found is in search order; a stable sort by name keeps that order within a name.
	slices.SortStableFunc(found, func(a, b Installed) int { return strings.Compare(a.Name, b.Name) })
	return found, errors.Join(errs...)
}
