package magics

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"gotaegis/sdk"
	"gotaegis/sdk/events"
	"gotaegis/sdk/rules"
)

func (t *tree) eventsGroup() *cobra.Command {
	return group("events", "Search Taegis events with CQL, fetch events, list event fields",
		t.eventsSearch(), t.eventsByID(), t.eventsSchema())
}

func (t *tree) eventsSearch() *cobra.Command {
	var o searchOptions
	var pageSize, maxRows int
	var ascending, save bool
	c := &cobra.Command{
		Use:   "search",
		Short: "Search events with a CQL query",
		Long: `search runs a CQL event query on the events gateway (eventQuery, then eventPage
until no page names another) and returns the event rows, oldest first. The query is --cell,
or the body of a %%taegis cell. The server does not report a trustworthy total, so the
result's total is unknown (-1).

With --ai the query is a request in plain words: Taegis's natural-language search writes
the CQL, which replaces it and must search events, not alerts; the request, the query and
the service's reason are kept in the llm_queries table.`,
		Example: `  gotaegis events search --cell 'FROM process WHERE commandline CONTAINS "powershell"'
  %%taegis events search --tenant 11772 --assign processes
  FROM process EARLIEST=-1d | head 100
  gotaegis events search --ai --cell 'process events running powershell in the last day'`,
	}
	o.add(c, 0)
	c.Flags().IntVar(&pageSize, "page-size", 1000, "rows per page, at most 1000")
	c.Flags().IntVar(&maxRows, "max-rows", 100000,
		"the most rows the server returns over all pages, at most 100000")
	c.Flags().BoolVar(&ascending, "timestamp-ascending", true, "oldest events first")
	c.Flags().BoolVar(&save, "save", false, "recorded for compatibility; has no effect")
	negation(c, "no-save", &save, "recorded for compatibility; has no effect")
	return t.leaf(c, "events", func(ctx context.Context, r *Result, _ []string) error {
		switch {
		case o.limit < 0:
			return fmt.Errorf("--limit %d: give 0 (no limit) or more", o.limit)
		case pageSize < 1 || pageSize > 1000:
			return fmt.Errorf("--page-size %d: give 1 to 1000", pageSize)
		case maxRows < 1 || maxRows > 100000:
			return fmt.Errorf("--max-rows %d: give 1 to 100000", maxRows)
		}
		q, err := t.cql(ctx, &o, "events", "FROM process EARLIEST=-1d | head 10")
		if err != nil {
			return err
		}
		r.Provenance.Query = q
		if err := resolveWindow(q, t.env.Now(), &r.Provenance); err != nil {
			return err
		}
		opts := &events.EventQueryOptions{TimestampAscending: &ascending,
			PageSize: &pageSize, MaxRows: &maxRows, AggregationOff: new(bool)}
		err = t.fanOut(ctx, &o.scope, r, func(ctx context.Context, c *sdk.Client,
			_ string) part {
			meta := map[string]any{"callerName": loadSettingsOrZero().caller()}
			res, paging, err := events.New(c).QueryAll(ctx, q, meta, opts, o.limit, nil,
				o.sdkOptions()...)
			p := part{total: -1, records: events.Rows(res), err: err}
			if paging != nil {
				p.pages, p.truncated, p.queryID = paging.Pages, paging.Truncated, paging.QueryID
			}
			return p
		})
		if err != nil {
			return err
		}
		if o.track {
			return t.track(ctx, o.database, r)
		}
		return nil
	})
}

func (t *tree) eventsByID() *cobra.Command {
	var s scope
	var ids []string
	c := &cobra.Command{
		Use:   "events",
		Short: "Fetch events by resource id",
		Long: `events fetches events by their ids and returns each event's fields, with the
event's id under id when the fields lack one.`,
		Example: `  gotaegis events events --resource-id event://priv:process:11772:1700000000000:abc`,
	}
	addScope(c, &s, true)
	c.Flags().StringArrayVar(&ids, "resource-id", nil, "event `ID`, event://... (repeatable)")
	return t.leaf(c, "events", func(ctx context.Context, r *Result, _ []string) error {
		if len(ids) == 0 {
			return fmt.Errorf("no event: give at least one --resource-id")
		}
		r.Provenance.Query = "events(ids: " + strings.Join(ids, ", ") + ")"
		return t.fanOut(ctx, &s, r, func(ctx context.Context, c *sdk.Client, _ string) part {
			list, err := events.New(c).Events(ctx, ids, nil)
			p := part{total: -1, pages: 1, err: err}
			for _, e := range list {
				rec := maps.Clone(e.Values)
				if rec == nil {
					rec = map[string]any{}
				}
				if _, ok := rec["id"]; !ok {
					rec["id"] = e.ID
				}
				p.records = append(p.records, rec)
			}
			p.total = len(p.records)
			return p
		})
	})
}

func (t *tree) eventsSchema() *cobra.Command {
	var s scope
	var eventType string
	c := &cobra.Command{
		Use:     "schema",
		Short:   "List the fields of an event type",
		Example: `  gotaegis events schema --type process`,
	}
	addScope(c, &s, false)
	c.Flags().StringVar(&eventType, "type", "", "event `TYPE`: "+eventTypeList())
	return t.leaf(c, "events", func(ctx context.Context, r *Result, _ []string) error {
		et, err := parseEventType(eventType)
		if err != nil {
			return err
		}
		r.Provenance.Query = "filterKeys(eventType: " + string(et) + ")"
		return t.fanOut(ctx, &s, r, func(ctx context.Context, c *sdk.Client, _ string) part {
			keys, err := rules.New(c).FilterKeys(ctx, et)
			if err != nil {
				return part{err: err}
			}
			recs, err := records(keys)
			return part{records: recs, total: len(recs), pages: 1, err: err}
		})
	})
}

func eventTypeList() string {
	var names []string
	for _, v := range rules.RuleEventType("").Values() {
		names = append(names, string(v))
	}
	return strings.Join(names, ", ")
}

// parseEventType checks an event type against the ones the rules service knows.
func parseEventType(s string) (rules.RuleEventType, error) {
	if s == "" {
		return "", fmt.Errorf("no event type: give --type, one of %s", eventTypeList())
	}
	if slices.Contains(rules.RuleEventType("").Values(), rules.RuleEventType(s)) {
		return rules.RuleEventType(s), nil
	}
	return "", fmt.Errorf("unknown event type %q; use one of %s", s, eventTypeList())
}
