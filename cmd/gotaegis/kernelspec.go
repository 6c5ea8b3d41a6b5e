package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"gotaegis/kernelspec"
)

// kernelsDirFlags are the mutually exclusive choices of where a kernelspec lives.
type kernelsDirFlags struct {
	user      bool
	sysPrefix bool
	prefix    string
}

func (f *kernelsDirFlags) register(cmd *cobra.Command, verb string) {
	cmd.Flags().BoolVar(&f.user, "user", false,
		verb+" for the current user: $JUPYTER_DATA_DIR/kernels or ~/.local/share/jupyter/kernels")
	cmd.Flags().BoolVar(&f.sysPrefix, "sys-prefix", false,
		verb+" in the Python prefix Jupyter runs from: /usr/share/jupyter/kernels "+
			"(or $"+kernelspec.SysPrefixEnv+"/share/jupyter/kernels)")
	cmd.Flags().StringVar(&f.prefix, "prefix", "",
		verb+" in `DIR`/share/jupyter/kernels")
	cmd.MarkFlagsMutuallyExclusive("user", "sys-prefix", "prefix")
}

// dir returns the chosen kernels directory, or "" when no flag chose one.
func (f *kernelsDirFlags) dir() (string, error) {
	switch {
	case f.user:
		return kernelspec.UserDir(), nil
	case f.sysPrefix:
		return kernelspec.SysPrefixDir(), nil
	case f.prefix != "":
		p, err := filepath.Abs(f.prefix)
		if err != nil {
			return "", fmt.Errorf("--prefix %s: %w", f.prefix, err)
		}
		return kernelspec.PrefixDir(p), nil
	}
	return "", nil
}

func init() {
	ks := &cobra.Command{
		Use:   "kernelspec",
		Short: "Install, list and remove the Jupyter kernelspec of the Go kernel",
		Long: `Jupyter finds kernels through kernelspecs: directories named kernels/NAME that hold a
kernel.json saying how to start the kernel. "gotaegis kernelspec install" writes one that starts
this binary as "gotaegis kernel {connection_file}", shown in Jupyter as "Go (Taegis)".`,
		Args: cobra.NoArgs,
	}
	ks.AddCommand(kernelspecInstallCmd(), kernelspecListCmd(), kernelspecRemoveCmd())
	root.AddCommand(ks)
}

func kernelspecInstallCmd() *cobra.Command {
	var (
		where       kernelsDirFlags
		name        string
		displayName string
		env         []string
	)
	cmd := &cobra.Command{
		Use:   "install [--user | --sys-prefix | --prefix DIR]",
		Short: "Make the Go kernel known to Jupyter",
		Long: `Install writes the kernelspec NAME (default "gotaegis") that starts this binary, by its
absolute path, as the Jupyter kernel. Without a location flag it installs for the current user.
An existing kernelspec of the same name is replaced.

A team shares one kernel by installing it with --sys-prefix or --prefix, with settings in its
environment, for example:

  gotaegis kernelspec install --sys-prefix --env TAEGIS_REGION=charlie`,
		Example: `  gotaegis kernelspec install --user
  gotaegis kernelspec install --prefix /opt/hunt --name gotaegis-eu \
      --display-name "Go (Taegis EU)" \
      --env TAEGIS_REGION=echo`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := where.dir()
			if err != nil {
				return err
			}
			if dir == "" {
				dir = kernelspec.UserDir()
			}
			vars, err := kernelspec.ParseEnv(env)
			if err != nil {
				return fmt.Errorf("--env: %w", err)
			}
			if err := kernelspec.CheckName(name); err != nil {
				return fmt.Errorf("--name: %w", err)
			}
			if strings.TrimSpace(displayName) == "" {
				return errors.New("--display-name is empty; give the name Jupyter should show, " +
					"such as \"" + kernelspec.DefaultDisplayName + "\"")
			}
			bin, err := executable()
			if err != nil {
				return err
			}
			spec, err := kernelspec.New(bin, version, vars)
			if err != nil {
				return err
			}
			spec.DisplayName = displayName
			path, err := kernelspec.Install(dir, name, spec)
			if err != nil {
				return withPermissionHint(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Installed kernelspec %s (%q) in %s\n",
				name, displayName, path)
			if strings.Contains(bin, string(filepath.Separator)+"go-build") {
				fmt.Fprintf(cmd.ErrOrStderr(), "Note: %s is a temporary binary of go run; "+
					"the kernel stops working when it is removed. Install from a built binary "+
					"(make build, then bin/gotaegis kernelspec install)\n", bin)
			}
			if !slices.Contains(kernelspec.SearchPath(), filepath.Clean(dir)) {
				fmt.Fprintf(cmd.ErrOrStderr(), "Note: Jupyter does not search %s; "+
					"add %s to JUPYTER_PATH to use this kernel\n", dir, filepath.Dir(dir))
			}
			return nil
		},
	}
	where.register(cmd, "install")
	cmd.Flags().StringVar(&name, "name", kernelspec.DefaultName,
		"kernel `NAME`: lower-case letters, digits, '-', '.', '_'")
	cmd.Flags().StringVar(&displayName, "display-name", kernelspec.DefaultDisplayName,
		"the name Jupyter shows for the kernel")
	cmd.Flags().StringArrayVar(&env, "env", nil,
		"set `KEY=VALUE` in the kernel's environment (repeatable)")
	return cmd
}

func kernelspecListCmd() *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the gotaegis kernelspecs Jupyter can find",
		Long: `List searches the directories Jupyter searches, in its order ($JUPYTER_PATH, the user's
data directory, /usr/local/share/jupyter, /usr/share/jupyter) and shows the kernelspecs that
start gotaegis. A kernelspec marked "shadowed" is hidden by one of the same name found earlier.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			found, err := kernelspec.List(kernelspec.SearchPath())
			writeKernelspecs(cmd.OutOrStdout(), found, all)
			return err
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "show every kernel, not only gotaegis ones")
	return cmd
}

func writeKernelspecs(w io.Writer, found []kernelspec.Installed, all bool) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tDISPLAY NAME\tDIRECTORY\tNOTE")
	n := 0
	for _, k := range found {
		if !all && (k.Err != nil || !k.Spec.IsGotaegis()) {
			continue
		}
		note := ""
		switch {
		case k.Err != nil:
			note = "unreadable: " + k.Err.Error()
		case k.Shadowed:
			note = "shadowed"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", k.Name, k.Spec.DisplayName, k.Dir, note)
		n++
	}
	if n == 0 {
		fmt.Fprintln(w, "No gotaegis kernelspec found; install one with: "+
			"gotaegis kernelspec install --user")
		return
	}
	tw.Flush()
}

func kernelspecRemoveCmd() *cobra.Command {
	var where kernelsDirFlags
	cmd := &cobra.Command{
		Use:   "remove NAME [--user | --sys-prefix | --prefix DIR]",
		Short: "Remove a gotaegis kernelspec",
		Long: `Remove deletes the gotaegis kernelspec NAME. With a location flag it removes it from
there; without one it removes the one Jupyter would start, the first found on its search path.
Kernelspecs of other kernels are left alone.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			if err := kernelspec.CheckName(name); err != nil {
				return err
			}
			dir, err := where.dir()
			if err != nil {
				return err
			}
			if dir == "" {
				dir, err = findKernelsDir(name)
				if err != nil {
					return err
				}
			}
			removed, err := kernelspec.Remove(dir, name)
			if err != nil {
				return withPermissionHint(err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Removed kernelspec %s from %s\n", name, removed)
			return nil
		},
	}
	where.register(cmd, "remove")
	return cmd
}

// findKernelsDir is the kernels directory of the kernelspec name that Jupyter would use.
func findKernelsDir(name string) (string, error) {
	found, err := kernelspec.List(kernelspec.SearchPath())
	for _, k := range found {
		if k.Name == name && !k.Shadowed {
			return filepath.Dir(k.Dir), nil
		}
	}
	if err != nil {
		return "", err
	}
	return "", fmt.Errorf("%w: no kernelspec %q on Jupyter's search path; "+
		"see what is installed with: gotaegis kernelspec list --all", kernelspec.ErrNotFound, name)
}

// executable is the absolute path of the running binary with symbolic links resolved, so that
// the kernelspec keeps working when the link it was started through changes.
func executable() (string, error) {
	p, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find the gotaegis binary: %w", err)
	}
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		return "", fmt.Errorf("find the gotaegis binary: %w", err)
	}
	return filepath.Abs(r)
}

// withPermissionHint adds what to do to a permission error.
func withPermissionHint(err error) error {
	if !errors.Is(err, fs.ErrPermission) {
		return err
	}
	return fmt.Errorf("%w\nuse --user for your own kernels, --prefix DIR for a directory you may "+
		"write, or run as a user who may write there", err)
}
