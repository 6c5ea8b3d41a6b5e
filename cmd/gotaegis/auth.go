package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"gotaegis/sdk"
)

func init() {
	root.AddCommand(newAuthCmd())
}

// newAuthCmd builds `gotaegis auth`: a person's login by device code, and the token cache.
func newAuthCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "auth",
		Short: "Log in to a region, log out, and show cached tokens",
		Long: `Programs authenticate with OAuth2 client credentials from CLIENT_ID and CLIENT_SECRET
(or the variables "gotaegis configure auth" names). A person without client credentials logs
in once with "gotaegis auth login"; the token is cached in $GOTAEGIS_CONFIG_DIR/tokens with mode
0600 and used by every gotaegis command and kernel until it expires.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newLoginCmd(), newLogoutCmd(), newAuthStatusCmd())
	return cmd
}

func newLoginCmd() *cobra.Command {
	var region string
	var universal bool
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Log in with the device-code flow and cache the token",
		Long: `login asks the region's authentication service for a device code, prints the URL
to open (and the code to type, when the URL does not carry it), then waits until the login in
the browser is done and caches the token.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := sdk.New(sdk.Config{Region: region, UniversalAuth: universal,
				Version: version})
			if err != nil {
				return err
			}
			out := cmd.ErrOrStderr()
			err = c.Login(cmd.Context(), func(d sdk.DeviceAuthorization) error {
				fmt.Fprintf(out, "To log in to region %s, open:\n\n    %s\n\n", c.Region(), d.URL())
				if d.VerificationURIComplete == "" && d.UserCode != "" {
					fmt.Fprintf(out, "and enter the code %s\n\n", d.UserCode)
				}
				fmt.Fprintln(out, "Waiting for the login to finish…")
				return nil
			})
			if err != nil {
				return fmt.Errorf("auth login: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "logged in to region %s\n", c.Region())
			return nil
		},
	}
	cmd.Flags().StringVar(&region, "region", "", "region `NAME` or alias (default: the "+
		"resolved region)")
	cmd.Flags().BoolVar(&universal, "universal", false,
		"log in at the universal authentication host")
	return cmd
}

func newLogoutCmd() *cobra.Command {
	var region string
	var all bool
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "Remove cached tokens",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cache := sdk.NewTokenCache(sdk.ConfigDir())
			var names []string
			if all {
				if region != "" {
					return fmt.Errorf("give --region or --all, not both")
				}
				var err error
				if names, err = cache.Regions(); err != nil {
					return err
				}
			} else {
				s, err := sdk.LoadSettings(sdk.ConfigDir())
				if err != nil {
					return err
				}
				r, err := sdk.ResolveRegion(s, region, nil)
				if err != nil {
					return err
				}
				names = []string{r.Name}
			}
			for _, name := range names {
				if err := cache.Remove(name); err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "removed the cached token of region %s\n", name)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&region, "region", "", "region `NAME` or alias (default: the "+
		"resolved region)")
	cmd.Flags().BoolVar(&all, "all", false, "remove the cached tokens of every region")
	return cmd
}

func newAuthStatusCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "List cached tokens: region, expiry and granted tenants (never the token)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cache := sdk.NewTokenCache(sdk.ConfigDir())
			names, err := cache.Regions()
			if err != nil {
				return err
			}
			if len(names) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "no cached tokens (log in with: gotaegis auth login)")
				return nil
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "REGION\tEXPIRES\tSTATE\tCLIENT\tTENANTS")
			now := time.Now()
			for _, name := range names {
				tok, ok := cache.Load(name)
				if !ok {
					fmt.Fprintf(w, "%s\t-\tunreadable\t-\t-\n", name)
					continue
				}
				state := "valid"
				if !tok.Valid(now) {
					state = "expired"
				}
				tenants := sdk.TokenTenants(tok.AccessToken)
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%d\n", name, tok.Expiry.Local().Format(time.DateTime),
					state, dash(tok.ClientID), len(tenants))
			}
			return w.Flush()
		},
	}
}
