package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"gotaegis/sdk"
)

func init() {
	root.AddCommand(newSchemaCmd())
}

// newSchemaCmd builds `gotaegis schema`: the live schema of a region's gateway.
func newSchemaCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Read the GraphQL schema of a live Taegis endpoint",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newIntrospectCmd())
	return cmd
}

func newIntrospectCmd() *cobra.Command {
	var region, gateway, tenant, output string
	cmd := &cobra.Command{
		Use:   "introspect",
		Short: "Print a gateway's schema as SDL",
		Long: `introspect sends the standard introspection query to one gateway of a region and
prints the schema it describes as GraphQL SDL, ready to compare with the files under schema/.

  gotaegis schema introspect --region charlie --gateway events > events.graphql`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			g := sdk.Gateway(strings.ToLower(gateway))
			switch g {
			case sdk.GatewayGraphQL, sdk.GatewayEvents, sdk.GatewayTenants:
			default:
				return fmt.Errorf("--gateway %q: use graphql, events or tenants", gateway)
			}
			c, err := sdk.New(sdk.Config{Region: region, Tenant: tenant, Version: version})
			if err != nil {
				return err
			}
			s, err := c.Introspect(cmd.Context(), g)
			if err != nil {
				return err
			}
			sdl := sdk.FormatSDL(s)
			if output == "" || output == "-" {
				_, err = fmt.Fprint(cmd.OutOrStdout(), sdl)
				return err
			}
			if err := os.WriteFile(output, []byte(sdl), 0o644); err != nil {
				return fmt.Errorf("write the schema: %w", err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote the %s schema of region %s to %s\n", g,
				c.Region(), output)
			return nil
		},
	}
	cmd.Flags().StringVar(&region, "region", "", "region `NAME` or alias (default: the "+
		"resolved region)")
	cmd.Flags().StringVar(&gateway, "gateway", "graphql",
		"`GATEWAY` to introspect: graphql, events or tenants")
	cmd.Flags().StringVar(&tenant, "tenant", "", "tenant `ID` sent as X-Tenant-Context")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the SDL to `FILE` instead of stdout")
	return cmd
}
