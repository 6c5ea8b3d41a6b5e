package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"gotaegis/sdk"
)

func init() {
	root.AddCommand(newConfigureCmd())
}

// newConfigureCmd builds `gotaegis configure`: custom regions, credential variable names and
// the default region, kept in the settings file.
func newConfigureCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "configure",
		Short: "Configure regions, credentials and the default region",
		Long: `configure edits the settings file, $GOTAEGIS_CONFIG_DIR/config.yaml (by default
~/.config/gotaegis/config.yaml): custom regions, the environment variables that hold each
region's client credentials, and the default region.

The region of a command is its --region, else $TAEGIS_REGION, else the default region set here,
else charlie when CLIENT_ID and CLIENT_SECRET are set, else local (the embedded emulator).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newRegionsCmd(), newConfigureAuthCmd(), newDefaultRegionCmd())
	return cmd
}

func newRegionsCmd() *cobra.Command {
	regions := &cobra.Command{
		Use:   "regions",
		Short: "List, add and remove regions",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}

	var tenantsURL, authURL string
	add := &cobra.Command{
		Use:   "add NAME URL",
		Short: "Add a custom region, or replace one",
		Long: `add makes NAME a region whose graphql and events gateways are at URL (URL/graphql and
URL/events/query). The legacy tenants gateway is at --tenants-url (default URL) + /public/query,
tokens come from --auth-url (default URL) + /auth/api/v2/auth/token.

Example, a gotaegis emulator on this machine:
  gotaegis configure regions add emulator http://127.0.0.1:8765`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return editSettings(func(s *sdk.Settings) (string, error) {
				if err := s.AddRegion(args[0], args[1], tenantsURL, authURL); err != nil {
					return "", err
				}
				return fmt.Sprintf("region %s: %s", strings.ToLower(args[0]), args[1]), nil
			}, cmd)
		},
	}
	add.Flags().StringVar(&tenantsURL, "tenants-url", "",
		"base `URL` of the legacy tenants gateway (default: the region URL)")
	add.Flags().StringVar(&authURL, "auth-url", "",
		"base `URL` of the token endpoints (default: the region URL)")

	list := &cobra.Command{
		Use:   "list",
		Short: "List the built-in and custom regions",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := sdk.LoadSettings(sdk.ConfigDir())
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "REGION\tALIASES\tAPI\tTENANTS\tAUTH\tSOURCE")
			for _, r := range sdk.Regions(s) {
				name, source := r.Name, "built in"
				if r.Custom {
					source = "custom"
				}
				if r.Name == s.DefaultRegion {
					name += " (default)"
				}
				api, tenants, auth := r.API, r.Tenants, r.Auth
				if r.Local {
					api, tenants, auth = "embedded emulator", "-", "-"
				}
				if r.Name == sdk.RegionUniversal {
					tenants = "-"
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", name, dash(strings.Join(r.Aliases, ",")),
					api, tenants, auth, source)
			}
			return w.Flush()
		},
	}

	remove := &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove a custom region",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return editSettings(func(s *sdk.Settings) (string, error) {
				if err := s.RemoveRegion(args[0]); err != nil {
					return "", err
				}
				return "removed region " + strings.ToLower(args[0]), nil
			}, cmd)
		},
	}
	regions.AddCommand(add, list, remove)
	return regions
}

func newConfigureAuthCmd() *cobra.Command {
	var idEnv, secretEnv string
	var universal, forget bool
	cmd := &cobra.Command{
		Use:   "auth REGION",
		Short: "Name the environment variables that hold a region's client credentials",
		Long: `auth sets, for REGION, which environment variables hold its OAuth2 client id and
secret (CLIENT_ID and CLIENT_SECRET unless set here), and whether its tokens come from the
universal authentication host.

Example, credentials for two regions side by side:
  gotaegis configure auth charlie --client-id-env CHARLIE_CLIENT_ID \
      --client-secret-env CHARLIE_CLIENT_SECRET`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !forget && idEnv == "" && secretEnv == "" && !cmd.Flags().Changed("universal") {
				return fmt.Errorf("nothing to set; give --client-id-env, --client-secret-env, " +
					"--universal or --clear")
			}
			return editSettings(func(s *sdk.Settings) (string, error) {
				r, err := sdk.LookupRegion(s, args[0])
				if err != nil {
					return "", err
				}
				ac := s.Auth[r.Name]
				if forget {
					ac = sdk.AuthConfig{}
				}
				if idEnv != "" {
					ac.ClientIDEnv = idEnv
				}
				if secretEnv != "" {
					ac.ClientSecretEnv = secretEnv
				}
				if cmd.Flags().Changed("universal") {
					ac.Universal = universal
				}
				if err := s.SetAuth(r.Name, ac); err != nil {
					return "", err
				}
				return fmt.Sprintf("region %s: client id from $%s, secret from $%s, universal "+
					"auth %v", r.Name, orDefault(ac.ClientIDEnv, "CLIENT_ID"),
					orDefault(ac.ClientSecretEnv, "CLIENT_SECRET"), ac.Universal), nil
			}, cmd)
		},
	}
	cmd.Flags().StringVar(&idEnv, "client-id-env", "", "environment `VARIABLE` with the client id")
	cmd.Flags().StringVar(&secretEnv, "client-secret-env", "",
		"environment `VARIABLE` with the client secret")
	cmd.Flags().BoolVar(&universal, "universal", false,
		"get tokens from the universal authentication host")
	cmd.Flags().BoolVar(&forget, "clear", false, "forget the region's auth settings first")
	return cmd
}

func newDefaultRegionCmd() *cobra.Command {
	var forget bool
	cmd := &cobra.Command{
		Use:   "default-region [REGION]",
		Short: "Set, show or clear the default region",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 && !forget {
				s, err := sdk.LoadSettings(sdk.ConfigDir())
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), orDefault(s.DefaultRegion, "(none)"))
				return nil
			}
			if len(args) == 1 && forget {
				return fmt.Errorf("give a region or --clear, not both")
			}
			return editSettings(func(s *sdk.Settings) (string, error) {
				name := ""
				if len(args) == 1 {
					name = args[0]
				}
				if err := s.SetDefaultRegion(name); err != nil {
					return "", err
				}
				return "default region: " + orDefault(s.DefaultRegion, "(none)"), nil
			}, cmd)
		},
	}
	cmd.Flags().BoolVar(&forget, "clear", false, "clear the default region")
	return cmd
}

// editSettings loads the settings, applies edit, saves them and prints edit's summary.
func editSettings(edit func(*sdk.Settings) (string, error), cmd *cobra.Command) error {
	s, err := sdk.LoadSettings(sdk.ConfigDir())
	if err != nil {
		return err
	}
	summary, err := edit(s)
	if err != nil {
		return err
	}
	if err := s.Save(); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s (saved to %s)\n", summary, s.Path())
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func dash(s string) string { return orDefault(s, "-") }
