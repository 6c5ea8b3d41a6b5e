package magics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"gotaegis/evidence"
	"gotaegis/sdk"
	"gotaegis/sdk/alerts"
)

// callerName is sent as metadata.callerName with every search unless configure queries
// callername sets another, so Taegis's query history says where a query came from.
const callerName = "gotaegis"

// defaultAlertLimit is the most alerts a search returns unless --limit says otherwise.
const defaultAlertLimit = 10000

func (t *tree) alertsGroup() *cobra.Command {
	return group("alerts", "Search Taegis alerts with CQL and read their history",
		t.alertsSearch(), t.alertsHistory())
}

// searchOptions are the options alerts search and events search share.
type searchOptions struct {
	scope
	cell      string
	limit     int
	selection string
	track     bool
	database  string
	ai        bool
}

func (o *searchOptions) add(c *cobra.Command, limit int) {
	addScope(c, &o.scope, true)
	c.Flags().StringVar(&o.cell, "cell", "",
		"the CQL `QUERY` (in a notebook: the %%taegis cell body)")
	c.Flags().IntVar(&o.limit, "limit", limit, "the most `ROWS` to return; 0 means no limit")
	c.Flags().StringVar(&o.selection, "graphql-output", "",
		"GraphQL `SELECTION` set to ask for instead of the default")
	c.Flags().BoolVar(&o.track, "track", loadSettingsOrZero().Track,
		"queue the query for the next investigation (see: investigations search-queries list)")
	negation(c, "no-track", &o.track, "do not queue the query, whatever the configured default")
	c.Flags().StringVar(&o.database, "database", "",
		"evidence database `PATH` for --track and --ai (default: the user's; :memory: allowed)")
	c.Flags().BoolVar(&o.ai, "ai", false,
		"the query is a request in plain words, which natural-language search turns into CQL")
	negation(c, "no-ai", &o.ai, "search with the query as written (the default)")
}

// cql returns the query of the command: --cell or the cell body, or with --ai the CQL that
// natural-language search made of it for service.
func (t *tree) cql(ctx context.Context, o *searchOptions, service, example string) (string,
	error) {
	q, err := o.query(t.env, example)
	if err != nil || !o.ai {
		return q, err
	}
	return t.aiQuery(ctx, o, q, service)
}

// query returns --cell, else the cell body, trimmed; an empty query is an error.
func (o *searchOptions) query(env *Env, example string) (string, error) {
	q := strings.TrimSpace(o.cell)
	if q == "" {
		q = strings.TrimSpace(env.Cell)
	}
	if q == "" {
		return "", fmt.Errorf("no query: give one with --cell or as the %%%%taegis cell "+
			"body, e.g. %s", example)
	}
	return q, nil
}

func (o *searchOptions) sdkOptions() []sdk.Option {
	if o.selection == "" {
		return nil
	}
	return []sdk.Option{sdk.WithSelection(o.selection)}
}

func (t *tree) alertsSearch() *cobra.Command {
	var o searchOptions
	c := &cobra.Command{
		Use:   "search",
		Short: "Search alerts with a CQL query",
		Long: `search runs a CQL alert query and returns the alerts, each with its source events.
The query is --cell, or the body of a %%taegis cell. A query that aggregates
(| aggregate count by ...) returns one row per bucket, and its limit is 1 as upstream.

With --tenant @MACRO the search runs in every tenant the macro selects, at once; the rows
of each tenant carry its tenant_id, and a tenant that fails is reported without losing the
others.

With --ai the query is a request in plain words: Taegis's natural-language search writes
the CQL, which replaces it and must search alerts (FROM alert or FROM detection); the
request, the query and the service's reason are kept in the llm_queries table.`,
		Example: `  gotaegis alerts search --limit 5 --cell 'FROM alert WHERE severity >= 0.6 EARLIEST=-1d'
  %%taegis alerts search --tenant @mdr --assign alerts
  FROM alert WHERE severity >= 0.8 EARLIEST=-7d
  %%taegis alerts search --ai --assign alerts
  high severity alerts in the last day`,
	}
	o.add(c, defaultAlertLimit)
	return t.leaf(c, "alerts", func(ctx context.Context, r *Result, _ []string) error {
		if o.limit < 0 {
			return fmt.Errorf("--limit %d: give 0 (no limit) or more", o.limit)
		}
		q, err := t.cql(ctx, &o, "alerts", "FROM alert WHERE severity >= 0.6 EARLIEST=-1d")
		if err != nil {
			return err
		}
		limit := o.limit
		aggregate := strings.Contains(strings.ToLower(q), "aggregate")
		if aggregate {
			limit = 1
		}
		r.Provenance.Query = q
		if err := resolveWindow(q, t.env.Now(), &r.Provenance); err != nil {
			return err
		}
		err = t.fanOut(ctx, &o.scope, r, func(ctx context.Context, c *sdk.Client,
			tenant string) part {
			if aggregate {
				return aggregateAlerts(ctx, c, q, o.sdkOptions())
			}
			return searchAlerts(ctx, c, q, limit, o.sdkOptions())
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

func searchRequest(q string, limit int) *alerts.SearchRequestInput {
	in := &alerts.SearchRequestInput{CQLQuery: &q, Offset: new(int),
		Metadata: map[string]any{"callerName": loadSettingsOrZero().caller()}}
	if limit > 0 {
		in.Limit = &limit
	}
	return in
}

// searchAlerts runs one tenant's alert search through every part, up to limit. It asks for
// one alert more than the limit, so that a result cut by the limit is known to be cut even
// when the server reports only the total it returned. It pages itself rather than through
// alerts.SearchAll so as to keep the search's queryId, which query history and --track need.
func searchAlerts(ctx context.Context, c *sdk.Client, q string, limit int,
	opts []sdk.Option) part {
	ask := limit
	if limit > 0 {
		ask = limit + 1
	}
	svc := alerts.New(c)
	p := part{total: -1}
	var list []alerts.Alert2
	first, err := svc.AlertsServiceSearch(ctx, searchRequest(q, ask), opts...)
	if err == nil {
		err = statusError(first)
	}
	if first != nil {
		p.queryID = first.GetQueryID()
		if p.queryID == "" {
			p.queryID = first.GetSearchID()
		}
		p.total = first.GetAlerts().GetTotalResults()
		p.pages = 1
		list = append(list, first.GetAlerts().GetList()...)
	}
	searchID, parts := first.GetSearchID(), first.GetAlerts().GetTotalParts()
	for part := 2; err == nil && searchID != "" && part <= parts; part++ {
		if ask > 0 && len(list) >= ask {
			break
		}
		next, perr := svc.AlertsServicePoll(ctx, &alerts.PollRequestInput{SearchID: &searchID,
			PartID: &part}, opts...)
		if perr == nil {
			perr = statusError(next)
		}
		if next != nil {
			list = append(list, next.GetAlerts().GetList()...)
		}
		if perr != nil {
			// Taegis answers "not found" for a part past the last: the search is complete.
			if !errors.Is(perr, sdk.ErrNotFound) &&
				!strings.Contains(strings.ToLower(perr.Error()), "not found") {
				err = fmt.Errorf("part %d of %d: %w", part, parts, perr)
			}
			break
		}
		p.pages++
	}
	if limit > 0 && (len(list) > limit || p.total > limit) {
		p.truncated = true
		list = list[:min(limit, len(list))]
	}
	recs, cerr := records(list)
	if cerr != nil {
		return part{err: cerr}
	}
	p.records, p.err = recs, err
	return p
}

// statusError turns a response whose status is not OK into an error.
func statusError(r *alerts.AlertsResponse) error {
	if r == nil || r.GetStatus() == "" || r.GetStatus() == alerts.RPCResponseStatusOk {
		return nil
	}
	if r.GetReason() != "" {
		return fmt.Errorf("server answered %s: %s", r.GetStatus(), r.GetReason())
	}
	return fmt.Errorf("server answered %s", r.GetStatus())
}

// aggregateAlerts runs one tenant's aggregation and returns one record per bucket: the
// bucket's keys as fields, and its count.
func aggregateAlerts(ctx context.Context, c *sdk.Client, q string, opts []sdk.Option) part {
	res, err := alerts.New(c).AlertsServiceSearch(ctx, searchRequest(q, 1), opts...)
	if err == nil {
		err = statusError(res)
	}
	if err != nil {
		return part{err: err}
	}
	p := part{total: res.GetAlerts().GetTotalResults(), pages: 1, queryID: res.GetQueryID()}
	if p.queryID == "" {
		p.queryID = res.GetSearchID()
	}
	for _, b := range res.GetAlerts().GroupBy {
		rec := map[string]any{}
		for _, k := range b.GetKeys() {
			rec[k.GetKey()] = k.GetValue()
		}
		rec["count"] = b.GetValue()
		p.records = append(p.records, rec)
	}
	if len(res.GetAlerts().GroupBy) == 0 {
		recs, err := records(res.GetAlerts().GetList())
		if err != nil {
			return part{err: err}
		}
		p.records = recs
	}
	return p
}

// track queues each tenant's query id in the evidence database, so that the next
// investigation of that tenant takes the query as evidence.
func (t *tree) track(ctx context.Context, database string, r *Result) error {
	if len(r.searches) == 0 {
		return errors.New("--track: the search returned no query id, so there is nothing " +
			"to queue")
	}
	db, err := t.evidence(database)
	if err != nil {
		return err
	}
	for _, s := range r.searches {
		tenant := s.tenant
		if tenant == "" {
			if found := tenantsOf(r.Records); len(found) == 1 {
				tenant = found[0]
			}
		}
		if tenant == "" {
			return errors.New("--track: the query's tenant is unknown; pass --tenant")
		}
		_, err := db.Track(ctx, evidence.SearchQuery{ID: s.queryID, Tenant: tenant,
			Query: r.Provenance.Query, ResultsReturned: s.rows, TotalResults: s.total})
		if err != nil {
			return fmt.Errorf("--track: %w", err)
		}
	}
	return nil
}

// tenantsOf returns the distinct tenant ids of records, in order.
func tenantsOf(recs []map[string]any) []string {
	var out []string
	seen := map[string]bool{}
	for _, rec := range recs {
		id, _ := rec["tenant_id"].(string)
		if id == "" {
			if tn, ok := rec["tenant"].(map[string]any); ok {
				id, _ = tn["id"].(string)
			}
		}
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// records turns SDK values (a slice of structs, or one struct) into records with the GraphQL
// field names.
func records(v any) ([]map[string]any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("decode response: %w", err)
	}
	if len(b) > 0 && b[0] == '{' {
		b = append(append([]byte{'['}, b...), ']')
	}
	var out []map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("decode response: %w", err)
	}
	if out == nil {
		out = []map[string]any{}
	}
	return out, nil
}
