package magics

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"gotaegis/sdk"
	"gotaegis/sdk/audits"
)

// auditLimit is the most audit entries one listing asks for, as upstream.
const auditLimit = 10000

func (t *tree) auditsGroup() *cobra.Command {
	return group("audits", "Read the audit log", t.auditsAudit(), t.auditsAll(),
		t.auditsSearch(), t.auditsApplicationEvents())
}

// auditPart is one tenant's audit entries.
func auditPart(res *audits.AuditResult, err error) part {
	if err != nil {
		return part{err: err}
	}
	recs, err := records(res.List)
	p := part{records: recs, total: res.GetTotalResults(), pages: 1, err: err}
	p.truncated = p.total > len(recs)
	return p
}

func (t *tree) auditsAudit() *cobra.Command {
	var s scope
	var id string
	c := &cobra.Command{Use: "audit", Short: "Show one audit entry"}
	addScope(c, &s, false)
	c.Flags().StringVar(&id, "audit-id", "", "the entry's `ID`")
	return t.leaf(c, "audits", func(ctx context.Context, r *Result, _ []string) error {
		if id == "" {
			return fmt.Errorf("give the entry: --audit-id ID")
		}
		r.Provenance.Query = "audit(auditId: " + id + ")"
		return t.fanOut(ctx, &s, r, func(ctx context.Context, c *sdk.Client, _ string) part {
			got, err := audits.New(c).Audit(ctx, id)
			if err != nil {
				return part{err: err}
			}
			recs, err := records(got)
			return part{records: recs, total: 1, pages: 1, err: err}
		})
	})
}

func (t *tree) auditsAll() *cobra.Command {
	var s scope
	c := &cobra.Command{Use: "all", Short: "List the audit log, up to 10,000 entries"}
	addScope(c, &s, true)
	return t.leaf(c, "audits", func(ctx context.Context, r *Result, _ []string) error {
		r.Provenance.Query = "allAudits"
		return t.fanOut(ctx, &s, r, func(ctx context.Context, c *sdk.Client, _ string) part {
			offset, limit := 0, auditLimit
			return auditPart(audits.New(c).AllAudits(ctx, &offset, &limit))
		})
	})
}

func (t *tree) auditsSearch() *cobra.Command {
	var s scope
	var app, email, user, event, trace, after, before, order string
	c := &cobra.Command{
		Use:     "search",
		Short:   "Search the audit log",
		Example: `  gotaegis audits search --application investigations --after 2024-01-01T00:00:00Z`,
	}
	addScope(c, &s, true)
	f := c.Flags()
	f.StringVar(&app, "application", "", "the `APPLICATION`, e.g. investigations")
	f.StringVar(&email, "email", "", "the user's `EMAIL`")
	f.StringVar(&user, "user-id", "", "the user's `ID`")
	f.StringVar(&event, "event-name", "", "the event `NAME`")
	f.StringVar(&trace, "trace-id", "", "the request's trace `ID`")
	f.StringVar(&after, "after", "", "entries at or after this `TIME` (RFC 3339)")
	f.StringVar(&before, "before", "", "entries before this `TIME` (RFC 3339)")
	f.StringVar(&order, "sort-order", "desc", "asc or desc")
	return t.leaf(c, "audits", func(ctx context.Context, r *Result, _ []string) error {
		offset, limit := 0, auditLimit
		in := audits.AuditSearchInput{Offset: &offset, Limit: &limit}
		for _, v := range []struct {
			s   string
			dst **string
		}{{app, &in.Application}, {email, &in.Email}, {user, &in.UserID},
			{event, &in.EventName}, {trace, &in.TraceID}} {
			if v.s != "" {
				val := v.s
				*v.dst = &val
			}
		}
		for _, v := range []struct {
			name, s string
			dst     **string
			at      *time.Time
		}{{"--after", after, &in.Begin, &r.Provenance.Earliest},
			{"--before", before, &in.End, &r.Provenance.Latest}} {
			if v.s == "" {
				continue
			}
			at, err := time.Parse(time.RFC3339, v.s)
			if err != nil {
				return fmt.Errorf("%s %q: give a time such as 2024-01-02T15:04:05Z", v.name, v.s)
			}
			val := at.UTC().Format(time.RFC3339)
			*v.dst, *v.at = &val, at.UTC()
		}
		so := audits.AuditSortOrder(order)
		if so != audits.AuditSortOrderAsc && so != audits.AuditSortOrderDesc {
			return fmt.Errorf("--sort-order %q: give asc or desc", order)
		}
		in.SortOrder = &so
		r.Provenance.Query = "searchAudits"
		return t.fanOut(ctx, &s, r, func(ctx context.Context, c *sdk.Client, _ string) part {
			return auditPart(audits.New(c).SearchAudits(ctx, in))
		})
	})
}

func (t *tree) auditsApplicationEvents() *cobra.Command {
	var s scope
	var app string
	c := &cobra.Command{Use: "application-events",
		Short: "List the kinds of events applications write to the audit log"}
	addScope(c, &s, false)
	c.Flags().StringVar(&app, "event-type", "", "only this application, e.g. investigations")
	return t.leaf(c, "audits", func(ctx context.Context, r *Result, _ []string) error {
		r.Provenance.Query = "applicationEvents"
		return t.fanOut(ctx, &s, r, func(ctx context.Context, c *sdk.Client, _ string) part {
			list, err := audits.New(c).ApplicationEvents(ctx)
			if err != nil {
				return part{err: err}
			}
			var keep []audits.ApplicationEvent
			for _, e := range list {
				if app == "" || e.GetApplication() == app {
					keep = append(keep, e)
				}
			}
			recs, err := records(keep)
			return part{records: recs, total: len(recs), pages: 1, err: err, untagged: true}
		})
	})
}
