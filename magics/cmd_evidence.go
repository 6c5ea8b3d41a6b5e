package magics

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"gotaegis/evidence"
	"gotaegis/sdk"
	inv "gotaegis/sdk/investigations2"
)

func (t *tree) evidenceGroup() *cobra.Command {
	return group("evidence", "Stage evidence for an investigation, and file it",
		t.evidenceStage(false), t.evidenceStage(true), t.evidenceClear(), t.evidenceShow(),
		t.evidenceFile(false), t.evidenceFile(true))
}

// addDatabase registers --database on c.
func addDatabase(c *cobra.Command, path *string) {
	c.Flags().StringVar(path, "database", "",
		"evidence database `PATH` (default: the user's; :memory: allowed)")
}

// frame returns the records of a DataFrame: the front end's variable, or in a shell a JSON or
// NDJSON file ("-" for standard input is the front end's business).
func (t *tree) frame(name string) ([]map[string]any, error) {
	if t.env.Frame != nil {
		recs, err := t.env.Frame(name)
		if err != nil {
			return nil, fmt.Errorf("dataframe %s: %w", name, err)
		}
		return recs, nil
	}
	recs, err := evidence.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("dataframe %s: %w", name, err)
	}
	return recs, nil
}

// stageRecord is the record of one staging change.
func stageRecord(s evidence.StageResult) map[string]any {
	return map[string]any{"action": string(s.Action), "evidence_type": string(s.Type),
		"investigation_id": s.InvestigationID, "before": s.Before, "after": s.After,
		"difference": s.Difference()}
}

func (t *tree) evidenceStage(unstage bool) *cobra.Command {
	var database, investigation, tenant string
	use, short, verb := "stage", "Stage the rows of a DataFrame as evidence", "stages"
	if unstage {
		use, short, verb = "unstage", "Unstage the rows of a DataFrame", "unstages"
	}
	c := &cobra.Command{
		Use:   use + " EVIDENCE_TYPE DATAFRAME",
		Short: short,
		Long: use + ` ` + verb + ` the rows of DATAFRAME (a notebook variable; in a shell, a JSON
or NDJSON file of records) as EVIDENCE_TYPE: alerts, events, assets, search_queries, or all
(rows that name their own evidence_type and investigation_id). Each row's id comes from
taegis_magic.evidence_id, resource_id or id, its tenant from tenant_id, tenant.id or
event_data.tenant_id (else --tenant).`,
		Example: `  %taegis investigations evidence ` + use + ` alerts alerts
  gotaegis investigations evidence ` + use + ` events rows.json --database hunt.db`,
		Args: cobra.ExactArgs(2),
	}
	addDatabase(c, &database)
	c.Flags().StringVar(&investigation, "investigation-id", evidence.New,
		"the investigation `ID` to stage for; NEW for one not yet created")
	c.Flags().StringVar(&tenant, "tenant", "", "tenant `ID` of rows that name none")
	return t.leaf(c, "investigations", func(ctx context.Context, r *Result,
		args []string) error {
		typ, err := evidence.ParseType(args[0])
		if err != nil {
			return err
		}
		recs, err := t.frame(args[1])
		if err != nil {
			return err
		}
		db, err := t.evidence(database)
		if err != nil {
			return err
		}
		var results []evidence.StageResult
		switch {
		case typ == evidence.All && unstage:
			results, err = db.UnstageAll(ctx, recs)
		case typ == evidence.All:
			results, err = db.StageAll(ctx, recs, tenant)
		default:
			opts := evidence.StageOptions{Type: typ, InvestigationID: investigation,
				Tenant: tenant}
			var one evidence.StageResult
			if unstage {
				one, err = db.Unstage(ctx, recs, opts)
			} else {
				one, err = db.Stage(ctx, recs, opts)
			}
			results = []evidence.StageResult{one}
		}
		if err != nil {
			return err
		}
		for _, s := range results {
			r.Records = append(r.Records, stageRecord(s))
		}
		r.Total = len(r.Records)
		r.Provenance.Query = use + " " + string(typ) + " " + args[1]
		r.Message = stageMessage(results)
		return nil
	})
}

func stageMessage(results []evidence.StageResult) string {
	var parts []string
	for _, s := range results {
		n, what := s.Added, "staged"
		if s.Action == evidence.ActionUnstage {
			n, what = s.Removed, "unstaged"
		}
		parts = append(parts, fmt.Sprintf("%s %d %s for %s (%d now)", what, n, s.Type,
			s.InvestigationID, s.After))
	}
	return strings.Join(parts, "; ")
}

// evidenceRecords returns staged rows as records.
func evidenceRecords(rows []evidence.Evidence) []map[string]any {
	out := make([]map[string]any, 0, len(rows))
	for _, e := range rows {
		out = append(out, e.Record())
	}
	return out
}

func (t *tree) evidenceClear() *cobra.Command {
	var database, investigation, tenant string
	c := &cobra.Command{
		Use:   "clear",
		Short: "Unstage all evidence of an investigation id, and show what remains",
	}
	addDatabase(c, &database)
	c.Flags().StringVar(&investigation, "investigation-id", evidence.New,
		"the investigation `ID` whose staged rows to clear")
	c.Flags().StringVar(&tenant, "tenant", "", "clear only this tenant's rows")
	return t.leaf(c, "investigations", func(ctx context.Context, r *Result, _ []string) error {
		db, err := t.evidence(database)
		if err != nil {
			return err
		}
		n, err := db.Clear(ctx, evidence.Filter{Tenant: tenant, InvestigationID: investigation})
		if err != nil {
			return err
		}
		rest, err := db.Show(ctx, evidence.Filter{})
		if err != nil {
			return err
		}
		r.Records, r.Total = evidenceRecords(rest), len(rest)
		r.Message = fmt.Sprintf("cleared %d staged rows of %s", n, investigation)
		return nil
	})
}

func (t *tree) evidenceShow() *cobra.Command {
	var database, investigation, tenant, typ string
	c := &cobra.Command{
		Use:   "show",
		Short: "Show the staged evidence",
	}
	addDatabase(c, &database)
	c.Flags().StringVar(&typ, "evidence-type", "", "only this `TYPE` of evidence")
	c.Flags().StringVar(&investigation, "investigation-id", "",
		"only this investigation `ID` (NEW for one not yet created); default all")
	c.Flags().StringVar(&tenant, "tenant", "", "only this tenant's rows")
	return t.leaf(c, "investigations", func(ctx context.Context, r *Result, _ []string) error {
		f := evidence.Filter{Tenant: tenant, InvestigationID: investigation}
		if typ != "" {
			et, err := evidence.ParseType(typ)
			if err != nil {
				return err
			}
			f.Type = et
		}
		db, err := t.evidence(database)
		if err != nil {
			return err
		}
		rows, err := db.Show(ctx, f)
		if err != nil {
			return err
		}
		r.Records, r.Total = evidenceRecords(rows), len(rows)
		if len(rows) == 0 {
			r.Message = "no staged evidence"
		}
		return nil
	})
}

// evidenceFile builds evidence append (remove false) and evidence remove.
func (t *tree) evidenceFile(remove bool) *cobra.Command {
	var s scope
	var database, investigation string
	var useNew bool
	use, short := "append", "Add staged evidence to an existing investigation"
	if remove {
		use, short = "remove", "Remove staged evidence from an existing investigation"
	}
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Long: use + ` sends the rows the tenant has staged under --investigation-id (or under NEW
with --use-new) to that investigation in Taegis, then shows the investigation. Rows staged
under NEW move to the investigation once Taegis accepts them; removed rows leave the
staging database.`,
	}
	addScope(c, &s, false)
	addDatabase(c, &database)
	c.Flags().StringVar(&investigation, "investigation-id", "", "the investigation `ID`")
	c.Flags().BoolVar(&useNew, "use-new", false, "send the rows staged under NEW instead")
	return t.leaf(c, "investigations", func(ctx context.Context, r *Result, _ []string) error {
		if investigation == "" || investigation == evidence.New {
			return errors.New("give the investigation: --investigation-id ID")
		}
		c, err := t.client(ctx, s.region)
		if err != nil {
			return err
		}
		tenant, err := oneTenant(ctx, c, s.tenant)
		if err != nil {
			return err
		}
		c = c.WithTenant(tenant)
		r.Region, r.Tenants = c.Region(), []string{tenant}
		db, err := t.evidence(database)
		if err != nil {
			return err
		}
		from := investigation
		if useNew {
			from = evidence.New
		}
		rows, err := db.Show(ctx, evidence.Filter{Tenant: tenant, InvestigationID: from})
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return fmt.Errorf("tenant %s has no evidence staged under %s; stage some with: "+
				"investigations evidence stage", tenant, from)
		}
		got, err := fileEvidence(ctx, c, investigation, rows, remove)
		if err != nil {
			return err
		}
		switch {
		case remove && !useNew:
			_, err = db.Detach(ctx, investigation, rows)
		case !remove && useNew:
			_, err = db.Attach(ctx, tenant, investigation, rows)
		}
		if err != nil {
			return fmt.Errorf("investigation %s changed in Taegis, but recording it failed: %w",
				investigation, err)
		}
		recs, err := records(got)
		if err != nil {
			return err
		}
		r.Records, r.Total, r.Provenance.Pages = recs, 1, 2
		r.Provenance.Query = use + " evidence " + investigation
		r.Message = fmt.Sprintf("%s: %d rows, investigation %s", use, len(rows), investigation)
		return nil
	})
}

// fileEvidence adds rows to (or removes them from) an investigation and returns it afterwards.
func fileEvidence(ctx context.Context, c *sdk.Client, id string, rows []evidence.Evidence,
	remove bool) (*inv.InvestigationV2, error) {
	var alerts, events, assets, queries []string
	for _, e := range rows {
		switch e.Type {
		case evidence.Alerts:
			alerts = append(alerts, e.ID)
		case evidence.Events:
			events = append(events, e.ID)
		case evidence.Assets:
			assets = append(assets, e.ID)
		case evidence.SearchQueries:
			queries = append(queries, e.ID)
		}
	}
	svc := inv.New(c)
	var err error
	if remove {
		_, err = svc.RemoveEvidenceFromInvestigation(ctx, inv.RemoveEvidenceFromInvestigationInput{
			InvestigationID: id, Alerts: alerts, Events: events, Assets: assets,
			SearchQueries: queries})
	} else {
		if len(assets) > 0 {
			return nil, errors.New("assets cannot be added to an investigation through " +
				"addEvidenceToInvestigation; unstage them first")
		}
		_, err = svc.AddEvidenceToInvestigation(ctx, inv.AddEvidenceToInvestigationInput{
			InvestigationID: id, Alerts: alerts, Events: events, SearchQueries: queries})
	}
	if err != nil {
		return nil, err
	}
	return svc.InvestigationV2(ctx, inv.InvestigationV2Arguments{ID: id})
}

func (t *tree) searchQueriesGroup() *cobra.Command {
	return group("search-queries", "The queue of tracked search queries",
		t.queriesAdd(), t.queriesRemove(), t.queriesClear(), t.queriesList(),
		t.queriesStage())
}

func queryRecords(list []evidence.SearchQuery) []map[string]any {
	out := make([]map[string]any, 0, len(list))
	for _, q := range list {
		out = append(out, map[string]any{"id": q.ID, "tenant_id": q.Tenant, "query": q.Query,
			"results_returned": q.ResultsReturned, "total_results": q.TotalResults,
			"inserted_time": q.InsertedTime})
	}
	return out
}

// queriesLeaf is a search-queries command: fn changes the queue, then the queue is listed.
func (t *tree) queriesLeaf(c *cobra.Command, database *string,
	fn func(ctx context.Context, db *evidence.DB, r *Result) error) *cobra.Command {
	addDatabase(c, database)
	return t.leaf(c, "investigations", func(ctx context.Context, r *Result, _ []string) error {
		db, err := t.evidence(*database)
		if err != nil {
			return err
		}
		if err := fn(ctx, db, r); err != nil {
			return err
		}
		if r.Records != nil {
			return nil
		}
		list, err := db.Queries(ctx)
		if err != nil {
			return err
		}
		r.Records, r.Total = queryRecords(list), len(list)
		return nil
	})
}

func (t *tree) queriesAdd() *cobra.Command {
	var database string
	var q evidence.SearchQuery
	c := &cobra.Command{Use: "add", Short: "Queue a search query by hand"}
	c.Flags().StringVar(&q.ID, "query-id", "", "the query's `ID` in Taegis's query history")
	c.Flags().StringVar(&q.Tenant, "tenant-id", "", "the tenant `ID` it ran in")
	c.Flags().StringVar(&q.Query, "query", "", "the query `TEXT`")
	c.Flags().IntVar(&q.ResultsReturned, "results-returned", 0, "how many results it returned")
	c.Flags().IntVar(&q.TotalResults, "total-results", 0, "how many results matched")
	return t.queriesLeaf(c, &database, func(ctx context.Context, db *evidence.DB,
		r *Result) error {
		added, err := db.Track(ctx, q)
		if err != nil {
			return err
		}
		r.Message = "queued " + q.ID
		if !added {
			r.Message = q.ID + " was already queued"
		}
		return nil
	})
}

func (t *tree) queriesRemove() *cobra.Command {
	var database, id string
	c := &cobra.Command{Use: "remove", Short: "Remove a query from the queue"}
	c.Flags().StringVar(&id, "query-id", "", "the query's `ID`")
	return t.queriesLeaf(c, &database, func(ctx context.Context, db *evidence.DB,
		r *Result) error {
		removed, err := db.Untrack(ctx, id)
		if err != nil {
			return err
		}
		if !removed {
			return fmt.Errorf("query %s is not queued (see: investigations search-queries "+
				"list)", id)
		}
		r.Message = "removed " + id
		return nil
	})
}

func (t *tree) queriesClear() *cobra.Command {
	var database string
	c := &cobra.Command{Use: "clear", Short: "Empty the queue"}
	return t.queriesLeaf(c, &database, func(ctx context.Context, db *evidence.DB,
		r *Result) error {
		n, err := db.ClearQueries(ctx)
		r.Message = fmt.Sprintf("removed %d queued queries", n)
		return err
	})
}

func (t *tree) queriesList() *cobra.Command {
	var database string
	c := &cobra.Command{Use: "list", Short: "List the queued queries"}
	return t.queriesLeaf(c, &database, func(context.Context, *evidence.DB, *Result) error {
		return nil
	})
}

func (t *tree) queriesStage() *cobra.Command {
	var database, investigation string
	c := &cobra.Command{
		Use:   "stage",
		Short: "Stage every queued query as evidence, and empty the queue",
	}
	c.Flags().StringVar(&investigation, "investigation-id", evidence.New,
		"the investigation `ID` to stage for; NEW for one not yet created")
	return t.queriesLeaf(c, &database, func(ctx context.Context, db *evidence.DB,
		r *Result) error {
		s, err := db.StageQueries(ctx, investigation)
		if err != nil {
			return err
		}
		r.Records, r.Total = []map[string]any{stageRecord(s)}, 1
		r.Message = stageMessage([]evidence.StageResult{s})
		return nil
	})
}
