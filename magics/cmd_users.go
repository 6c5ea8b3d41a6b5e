package magics

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"gotaegis/sdk"
	"gotaegis/sdk/users"
)

// usersPerPage is the page size of users search.
const usersPerPage = 100

func (t *tree) usersGroup() *cobra.Command {
	return group("users", "Show and find Taegis users", t.usersCurrent(), t.usersSearch())
}

func (t *tree) usersCurrent() *cobra.Command {
	var s scope
	c := &cobra.Command{Use: "current-user", Short: "Show the logged-in user"}
	addRegion(c, &s)
	return t.leaf(c, "users", func(ctx context.Context, r *Result, _ []string) error {
		r.Provenance.Query = "currentTDRUser"
		return t.fanOut(ctx, &s, r, func(ctx context.Context, c *sdk.Client, _ string) part {
			got, err := users.New(c).CurrentTDRUser(ctx)
			if err != nil {
				return part{err: err}
			}
			recs, err := records(got)
			return part{records: recs, total: 1, pages: 1, err: err, untagged: true}
		})
	})
}

func (t *tree) usersSearch() *cobra.Command {
	var s scope
	var in users.TDRUsersSearchInput
	var text, email, status string
	var roles []string
	c := &cobra.Command{Use: "search", Short: "Find users by name or email"}
	addScope(c, &s, true)
	c.Flags().StringVar(&text, "name", "", "`TEXT` matched against names and emails")
	c.Flags().StringVar(&email, "email", "", "the user's `EMAIL`")
	c.Flags().StringArrayVar(&roles, "role", nil, "role `ID` (repeatable)")
	c.Flags().StringVar(&status, "status", "", "user `STATUS`, e.g. Registered")
	return t.leaf(c, "users", func(ctx context.Context, r *Result, _ []string) error {
		for _, v := range []struct {
			s   string
			dst **string
		}{{text, &in.Text}, {email, &in.Email}, {status, &in.Status}} {
			if v.s != "" {
				val := v.s
				*v.dst = &val
			}
		}
		in.Roles = roles
		r.Provenance.Query = "tdrUsersSearch"
		return t.fanOut(ctx, &s, r, func(ctx context.Context, c *sdk.Client, _ string) part {
			svc := users.New(c)
			total := -1
			list, pages, err := pageAll(usersPerPage, func(page int) ([]users.TDRUser, error) {
				q, per := in, usersPerPage
				q.Page, q.PerPage = &page, &per
				res, err := svc.TDRUsersSearch(ctx, &q)
				if res != nil {
					total = res.GetTotalResults()
				}
				return res.GetResults(), err
			})
			recs, cerr := records(list)
			if cerr != nil {
				return part{err: fmt.Errorf("users: %w", cerr)}
			}
			return part{records: recs, total: total, pages: pages, err: err, untagged: true}
		})
	})
}
