package magics

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"gotaegis/sdk"
)

func (t *tree) regionsGroup() *cobra.Command {
	return group("regions", "List, add and remove regions", t.regionsAdd(), t.regionsList(),
		t.regionsRemove())
}

// editSettings loads the SDK settings, applies edit, saves them and says so in r.
func editSettings(r *Result, edit func(*sdk.Settings) (string, error)) error {
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
	r.Message = fmt.Sprintf("%s (saved to %s)", summary, s.Path())
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (t *tree) regionsAdd() *cobra.Command {
	var tenantsURL, authURL string
	c := &cobra.Command{
		Use:   "add NAME URL",
		Short: "Add a custom region, or replace one",
		Long: `add makes NAME a region whose graphql and events gateways are at URL (URL/graphql and
URL/events/query). The legacy tenants gateway is at --tenants-url (default URL) + /public/query,
tokens come from --auth-url (default URL) + /auth/api/v2/auth/token.

Example, a gotaegis emulator on this machine:
  gotaegis configure regions add emulator http://127.0.0.1:8765`,
		Args: cobra.ExactArgs(2),
	}
	c.Flags().StringVar(&tenantsURL, "tenants-url", "",
		"base `URL` of the legacy tenants gateway (default: the region URL)")
	c.Flags().StringVar(&authURL, "auth-url", "",
		"base `URL` of the token endpoints (default: the region URL)")
	return t.leaf(c, "configure", func(_ context.Context, r *Result, args []string) error {
		return editSettings(r, func(s *sdk.Settings) (string, error) {
			if err := s.AddRegion(args[0], args[1], tenantsURL, authURL); err != nil {
				return "", err
			}
			return fmt.Sprintf("region %s: %s", strings.ToLower(args[0]), args[1]), nil
		})
	})
}

func (t *tree) regionsList() *cobra.Command {
	c := &cobra.Command{Use: "list", Short: "List the built-in and custom regions"}
	return t.leaf(c, "configure", func(_ context.Context, r *Result, _ []string) error {
		s, err := sdk.LoadSettings(sdk.ConfigDir())
		if err != nil {
			return err
		}
		for _, reg := range sdk.Regions(s) {
			source := "built in"
			if reg.Custom {
				source = "custom"
			}
			api, tenants, auth := reg.API, reg.Tenants, reg.Auth
			if reg.Local {
				api, tenants, auth = "embedded emulator", "", ""
			}
			if reg.Name == sdk.RegionUniversal {
				tenants = ""
			}
			aliases := make([]any, len(reg.Aliases))
			for i, a := range reg.Aliases {
				aliases[i] = a
			}
			r.Records = append(r.Records, map[string]any{"region": reg.Name,
				"aliases": aliases, "api": api, "tenants": tenants, "auth": auth,
				"source": source, "default": reg.Name == s.DefaultRegion})
		}
		r.Total = len(r.Records)
		return nil
	})
}

func (t *tree) regionsRemove() *cobra.Command {
	c := &cobra.Command{Use: "remove NAME", Short: "Remove a custom region",
		Args: cobra.ExactArgs(1)}
	return t.leaf(c, "configure", func(_ context.Context, r *Result, args []string) error {
		return editSettings(r, func(s *sdk.Settings) (string, error) {
			if err := s.RemoveRegion(args[0]); err != nil {
				return "", err
			}
			return "removed region " + strings.ToLower(args[0]), nil
		})
	})
}

func (t *tree) configureAuth() *cobra.Command {
	var idEnv, secretEnv string
	var universal, forget bool
	c := &cobra.Command{
		Use:   "auth REGION",
		Short: "Name the environment variables that hold a region's client credentials",
		Long: `auth sets, for REGION, which environment variables hold its OAuth2 client id and
secret (CLIENT_ID and CLIENT_SECRET unless set here), and whether its tokens come from the
universal authentication host.

Example, credentials for two regions side by side:
  gotaegis configure auth charlie --client-id-env CHARLIE_CLIENT_ID \
      --client-secret-env CHARLIE_CLIENT_SECRET`,
		Args: cobra.ExactArgs(1),
	}
	c.Flags().StringVar(&idEnv, "client-id-env", "",
		"environment `VARIABLE` with the client id")
	c.Flags().StringVar(&secretEnv, "client-secret-env", "",
		"environment `VARIABLE` with the client secret")
	c.Flags().BoolVar(&universal, "universal", false,
		"get tokens from the universal authentication host")
	c.Flags().BoolVar(&forget, "clear", false, "forget the region's auth settings first")
	return t.leaf(c, "configure", func(_ context.Context, r *Result, args []string) error {
		setUniversal := c.Flags().Changed("universal")
		if !forget && idEnv == "" && secretEnv == "" && !setUniversal {
			return errors.New("nothing to set; give --client-id-env, --client-secret-env, " +
				"--universal or --clear")
		}
		return editSettings(r, func(s *sdk.Settings) (string, error) {
			reg, err := sdk.LookupRegion(s, args[0])
			if err != nil {
				return "", err
			}
			ac := s.Auth[reg.Name]
			if forget {
				ac = sdk.AuthConfig{}
			}
			if idEnv != "" {
				ac.ClientIDEnv = idEnv
			}
			if secretEnv != "" {
				ac.ClientSecretEnv = secretEnv
			}
			if setUniversal {
				ac.Universal = universal
			}
			if err := s.SetAuth(reg.Name, ac); err != nil {
				return "", err
			}
			return fmt.Sprintf("region %s: client id from $%s, secret from $%s, universal "+
				"auth %v", reg.Name, orDefault(ac.ClientIDEnv, "CLIENT_ID"),
				orDefault(ac.ClientSecretEnv, "CLIENT_SECRET"), ac.Universal), nil
		})
	})
}

func (t *tree) defaultRegion() *cobra.Command {
	var forget bool
	c := &cobra.Command{
		Use:   "default-region [REGION]",
		Short: "Set, show or clear the default region",
		Args:  cobra.MaximumNArgs(1),
	}
	c.Flags().BoolVar(&forget, "clear", false, "clear the default region")
	return t.leaf(c, "configure", func(_ context.Context, r *Result, args []string) error {
		if len(args) == 0 && !forget {
			s, err := sdk.LoadSettings(sdk.ConfigDir())
			if err != nil {
				return err
			}
			r.Message = orDefault(s.DefaultRegion, "(none)")
			return nil
		}
		if len(args) == 1 && forget {
			return errors.New("give a region or --clear, not both")
		}
		return editSettings(r, func(s *sdk.Settings) (string, error) {
			name := ""
			if len(args) == 1 {
				name = args[0]
			}
			if err := s.SetDefaultRegion(name); err != nil {
				return "", err
			}
			return "default region: " + orDefault(s.DefaultRegion, "(none)"), nil
		})
	})
}
