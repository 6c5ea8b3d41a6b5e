package magics

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"gotaegis/sdk"
	inv "gotaegis/sdk/investigations2"
)

// commentsPerPage is the page size of comment list, as upstream.
const commentsPerPage = 100

func (t *tree) commentGroup() *cobra.Command {
	return group("comment", "List and add investigation comments",
		t.commentList(), t.commentAdd())
}

func (t *tree) commentList() *cobra.Command {
	var s scope
	var id string
	c := &cobra.Command{Use: "list", Short: "List an investigation's comments"}
	addScope(c, &s, false)
	c.Flags().StringVar(&id, "investigation-id", "", "the investigation `ID`")
	return t.leaf(c, "investigations", func(ctx context.Context, r *Result, _ []string) error {
		if id == "" {
			return errors.New("give the investigation: --investigation-id ID")
		}
		r.Provenance.Query = "commentsV2(investigationId: " + id + ")"
		return t.fanOut(ctx, &s, r, func(ctx context.Context, c *sdk.Client, _ string) part {
			svc := inv.New(c)
			p := part{total: -1}
			var all []inv.CommentV2
			for page := 1; ; page++ {
				n, pg := commentsPerPage, page
				res, err := svc.CommentsV2(ctx, inv.CommentsV2Arguments{InvestigationID: id,
					Page: &pg, PerPage: &n})
				if err != nil {
					p.err = fmt.Errorf("page %d: %w", page, err)
					break
				}
				p.pages++
				p.total = res.GetTotalCount()
				all = append(all, res.Comments...)
				if len(res.Comments) == 0 || len(all) >= res.GetTotalCount() {
					break
				}
			}
			recs, err := records(all)
			if err != nil {
				return part{err: err}
			}
			p.records = recs
			return p
		})
	})
}

func (t *tree) commentAdd() *cobra.Command {
	var s scope
	var id, cell string
	var mentions []string
	c := &cobra.Command{
		Use:   "add",
		Short: "Add a comment to an investigation",
		Long: `add posts --cell (or the %%taegis cell body) as a markdown comment. Each --mention
(@me, @partner, @tenant, @customer or an email) is resolved and appended on its own line.`,
		Example: `  %%taegis investigations comment add --investigation-id ID --mention @customer
  Confirmed with the customer: the logons were a scheduled test.`,
	}
	addScope(c, &s, false)
	c.Flags().StringVar(&id, "investigation-id", "", "the investigation `ID`")
	c.Flags().StringVar(&cell, "cell", "", "the comment `TEXT`, markdown")
	c.Flags().StringArrayVar(&mentions, "mention", nil,
		"someone to mention: @me, @partner, @tenant, @customer or an email (repeatable)")
	return t.leaf(c, "investigations", func(ctx context.Context, r *Result, _ []string) error {
		text := strings.TrimSpace(cell)
		if text == "" {
			text = strings.TrimSpace(t.env.Cell)
		}
		if id == "" || text == "" {
			return errors.New("give the investigation and the comment: --investigation-id " +
				"ID and --cell TEXT (or the cell body)")
		}
		r.Provenance.Query = "addCommentToInvestigation(investigationId: " + id + ")"
		return t.fanOut(ctx, &s, r, func(ctx context.Context, c *sdk.Client, _ string) part {
			content := text
			for _, m := range mentions {
				who, err := resolveAssignee(ctx, c, m)
				if err != nil {
					return part{err: fmt.Errorf("--mention %s: %w", m, err)}
				}
				if !strings.HasPrefix(who, "@") {
					who = "@" + who
				}
				content += "\n\n" + who
			}
			got, err := inv.New(c).AddCommentToInvestigation(ctx,
				inv.AddCommentToInvestigationInput{InvestigationID: id, Content: content})
			if err != nil {
				return part{err: err}
			}
			recs, err := records(got)
			return part{records: recs, total: 1, pages: 1, err: err}
		})
	})
}
