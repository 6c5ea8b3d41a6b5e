package magics

import (
	"context"

	"github.com/spf13/cobra"

	"gotaegis/sdk"
	"gotaegis/sdk/clients"
)

// clientsPerPage is the page size of clients search.
const clientsPerPage = 100

func (t *tree) clientsGroup() *cobra.Command {
	var s scope
	var name string
	var roles []string
	c := &cobra.Command{Use: "search", Short: "Find API clients by name or role"}
	addScope(c, &s, true)
	c.Flags().StringVar(&name, "name", "", "the client's `NAME`")
	c.Flags().StringArrayVar(&roles, "role", nil, "role `ID` (repeatable)")
	return group("clients", "Find API clients", t.leaf(c, "clients",
		func(ctx context.Context, r *Result, _ []string) error {
			r.Provenance.Query = "searchClients"
			return t.fanOut(ctx, &s, r, func(ctx context.Context, c *sdk.Client,
				_ string) part {
				svc := clients.New(c)
				total := -1
				list, pages, err := pageAll(clientsPerPage,
					func(page int) ([]clients.Client, error) {
						per := clientsPerPage
						in := clients.SearchClientsInput{Roles: roles, Page: &page, PerPage: &per}
						if name != "" {
							in.Name = &name
						}
						res, err := svc.SearchClients(ctx, &in)
						if res != nil {
							total = res.GetTotalCount()
						}
						return res.GetClients(), err
					})
				recs, cerr := records(list)
				if cerr != nil {
					return part{err: cerr}
				}
				return part{records: recs, total: total, pages: pages, err: err}
			})
		}))
}
