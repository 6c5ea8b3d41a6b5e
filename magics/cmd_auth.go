package magics

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"gotaegis/sdk"
)

func (t *tree) authGroup() *cobra.Command {
	g := group("auth", "Log in to a region, log out, and show cached tokens",
		t.authLogin(), t.authLogout(), t.authStatus())
	g.Long = `Programs authenticate with OAuth2 client credentials from CLIENT_ID and CLIENT_SECRET
(or the variables "configure auth" names). A person without client credentials logs in once
with "auth login"; the token is cached in $GOTAEGIS_CONFIG_DIR/tokens with mode 0600 and
used by every gotaegis command and kernel until it expires.`
	return g
}

func (t *tree) authLogin() *cobra.Command {
	var region string
	var universal bool
	c := &cobra.Command{
		Use:   "login",
		Short: "Log in with the device-code flow and cache the token",
		Long: `login asks the region's authentication service for a device code, prints the URL
to open (and the code to type, when the URL does not carry it), then waits until the login in
the browser is done and caches the token.`,
	}
	c.Flags().StringVar(&region, "region", "",
		"region `NAME` or alias (default: the resolved region)")
	c.Flags().BoolVar(&universal, "universal", false,
		"log in at the universal authentication host")
	return t.leaf(c, "auth", func(ctx context.Context, r *Result, _ []string) error {
		cl, err := sdk.New(sdk.Config{Region: region, UniversalAuth: universal,
			Version: t.env.Version, Getenv: t.env.Getenv})
		if err != nil {
			return err
		}
		out := c.ErrOrStderr()
		err = cl.Login(ctx, func(d sdk.DeviceAuthorization) error {
			fmt.Fprintf(out, "To log in to region %s, open:\n\n    %s\n\n", cl.Region(), d.URL())
			if d.VerificationURIComplete == "" && d.UserCode != "" {
				fmt.Fprintf(out, "and enter the code %s\n\n", d.UserCode)
			}
			fmt.Fprintln(out, "Waiting for the login to finish…")
			return nil
		})
		if err != nil {
			return err
		}
		r.Region = cl.Region()
		r.Message = "logged in to region " + cl.Region()
		return nil
	})
}

func (t *tree) authLogout() *cobra.Command {
	var region string
	var all bool
	c := &cobra.Command{Use: "logout", Short: "Remove cached tokens"}
	c.Flags().StringVar(&region, "region", "",
		"region `NAME` or alias (default: the resolved region)")
	c.Flags().BoolVar(&all, "all", false, "remove the cached tokens of every region")
	return t.leaf(c, "auth", func(_ context.Context, r *Result, _ []string) error {
		cache := sdk.NewTokenCache(sdk.ConfigDir())
		var names []string
		if all {
			if region != "" {
				return errors.New("give --region or --all, not both")
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
			reg, err := sdk.ResolveRegion(s, region, t.env.Getenv)
			if err != nil {
				return err
			}
			names = []string{reg.Name}
		}
		msg := ""
		for _, name := range names {
			if err := cache.Remove(name); err != nil {
				return err
			}
			if msg != "" {
				msg += "\n"
			}
			msg += "removed the cached token of region " + name
		}
		if msg == "" {
			msg = "no cached tokens"
		}
		r.Message = msg
		return nil
	})
}

func (t *tree) authStatus() *cobra.Command {
	c := &cobra.Command{Use: "status",
		Short: "List cached tokens: region, expiry and granted tenants (never the token)"}
	return t.leaf(c, "auth", func(_ context.Context, r *Result, _ []string) error {
		cache := sdk.NewTokenCache(sdk.ConfigDir())
		names, err := cache.Regions()
		if err != nil {
			return err
		}
		if len(names) == 0 {
			r.Message = "no cached tokens (log in with: auth login)"
			return nil
		}
		now := t.env.Now()
		for _, name := range names {
			tok, ok := cache.Load(name)
			if !ok {
				r.Records = append(r.Records, map[string]any{"region": name,
					"state": "unreadable"})
				continue
			}
			state := "valid"
			if !tok.Valid(now) {
				state = "expired"
			}
			r.Records = append(r.Records, map[string]any{"region": name,
				"expires": tok.Expiry.UTC().Format(time.RFC3339), "state": state,
				"client": tok.ClientID, "tenants": len(sdk.TokenTenants(tok.AccessToken))})
		}
		r.Total = len(r.Records)
		return nil
	})
}
