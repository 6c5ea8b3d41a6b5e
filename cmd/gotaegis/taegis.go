package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"gotaegis/evidence"
	"gotaegis/magics"
	"gotaegis/sdk"
)

// shellDatabases are the evidence databases the shell's commands open; the process closes
// them by exiting, and SQLite's journal keeps them consistent.
var shellDatabases = &magics.Databases{}

// shellEnv is where the tree's commands run in a shell: the resolved region's credentials
// (or a device-code login), the user's evidence databases, DataFrames read from JSON files.
func shellEnv() *magics.Env {
	return &magics.Env{
		Client: magics.Clients(sdk.Config{Version: version,
			DeviceLogin: func(d sdk.DeviceAuthorization) error {
				fmt.Fprintf(os.Stderr, "To log in, open:\n\n    %s\n\n", d.URL())
				if d.VerificationURIComplete == "" && d.UserCode != "" {
					fmt.Fprintf(os.Stderr, "and enter the code %s\n\n", d.UserCode)
				}
				return nil
			}}),
		Evidence: shellDatabases.Open,
		Frame: func(name string) ([]map[string]any, error) {
			if name == "-" {
				return evidence.ReadRecords(os.Stdin)
			}
			return evidence.ReadFile(name)
		},
		Stdout:  os.Stdout,
		Stderr:  os.Stderr,
		Getenv:  os.Getenv,
		Version: version,
	}
}

// taegisGroup returns a new copy of the tree's group called name (alerts, configure, auth,
// ...), detached from the tree's root, or nil when the tree has none.
func taegisGroup(name string) *cobra.Command {
	tree := magics.NewRoot(shellEnv())
	for _, c := range tree.Commands() {
		if c.Name() == name {
			tree.RemoveCommand(c)
			return c
		}
	}
	return nil
}

func newConfigureCmd() *cobra.Command { return taegisGroup("configure") }

func newAuthCmd() *cobra.Command { return taegisGroup("auth") }

func init() {
	tree := magics.NewRoot(shellEnv())
	for _, c := range tree.Commands() {
		if existing, _, err := root.Find([]string{c.Name()}); err == nil && existing != root {
			// The binary's own command of that name (version) stays; the tree's
			// subcommands it lacks join it.
			for _, sub := range c.Commands() {
				if found, _, err := existing.Find([]string{sub.Name()}); err != nil ||
					found == existing {
					c.RemoveCommand(sub)
					existing.AddCommand(sub)
				}
			}
			continue
		}
		tree.RemoveCommand(c)
		root.AddCommand(c)
	}
}
