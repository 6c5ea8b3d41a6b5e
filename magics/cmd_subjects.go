package magics

import (
	"context"

	"github.com/spf13/cobra"

	"gotaegis/sdk"
	"gotaegis/sdk/subjects"
)

func (t *tree) subjectsGroup() *cobra.Command {
	var s scope
	c := &cobra.Command{Use: "current-subject",
		Short: "Show who the credentials belong to: a user or a client"}
	addRegion(c, &s)
	return group("subjects", "Show the caller", t.leaf(c, "subjects",
		func(ctx context.Context, r *Result, _ []string) error {
			r.Provenance.Query = "currentSubject"
			return t.fanOut(ctx, &s, r, func(ctx context.Context, c *sdk.Client,
				_ string) part {
				got, err := subjects.New(c).CurrentSubject(ctx, nil)
				if err != nil {
					return part{err: err}
				}
				recs, err := records(got)
				return part{records: recs, total: 1, pages: 1, err: err, untagged: true}
			})
		}))
}
