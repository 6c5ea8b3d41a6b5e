package magics

import (
	"context"
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/spf13/cobra"

	"gotaegis/evidence"
	"gotaegis/sdk"
	inv "gotaegis/sdk/investigations2"
	"gotaegis/sdk/subjects"
	"gotaegis/sdk/tenants4"
	"gotaegis/sdk/users"
)

func (t *tree) investigationsGroup() *cobra.Command {
	return group("investigations",
		"Search, create and merge investigations; stage their evidence",
		t.investigationsSearch(), t.investigationsCreate(), t.investigationsMerge(),
		t.evidenceGroup(), t.searchQueriesGroup(), t.commentGroup())
}

// headTail is a trailing "| head N" or "| tail N" of an investigations CQL filter, which the
// service does not take: it becomes the limit.
var headTail = regexp.MustCompile(`(?i)\|\s*(head|tail)\s+(\d+)\s*$`)

func (t *tree) investigationsSearch() *cobra.Command {
	var s scope
	var cell string
	var limit int
	c := &cobra.Command{
		Use:   "search",
		Short: "Search investigations with a CQL filter",
		Long: `search lists the investigations that match a CQL filter (--cell, or the %%taegis
cell body; empty lists them all), 100 a page, up to --limit. A trailing "| head N" (or
"| tail N", read as head) becomes the limit.`,
		Example: `  gotaegis investigations search --cell "status = 'OPEN' | head 10"`,
	}
	addScope(c, &s, true)
	c.Flags().StringVar(&cell, "cell", "", "CQL `FILTER`, e.g. status = 'OPEN'")
	c.Flags().IntVar(&limit, "limit", 0, "the most investigations to return; 0 means all")
	return t.leaf(c, "investigations", func(ctx context.Context, r *Result, _ []string) error {
		q := strings.TrimSpace(cell)
		if q == "" {
			q = strings.TrimSpace(t.env.Cell)
		}
		if m := headTail.FindStringSubmatch(q); m != nil {
			n, err := strconv.Atoi(m[2])
			if err != nil {
				return fmt.Errorf("%s: %w", m[0], err)
			}
			if limit == 0 || n < limit {
				limit = n
			}
			q = strings.TrimSpace(q[:len(q)-len(m[0])])
		}
		if limit < 0 {
			return fmt.Errorf("--limit %d: give 0 (no limit) or more", limit)
		}
		r.Provenance.Query = q
		return t.fanOut(ctx, &s, r, func(ctx context.Context, c *sdk.Client, _ string) part {
			args := inv.InvestigationsV2Arguments{}
			if q != "" {
				args.CQL = &q
			}
			// Ask for one more than the limit, so that a cut result is known to be cut.
			ask := limit
			if limit > 0 {
				ask++
			}
			list, total, err := inv.New(c).InvestigationsAll(ctx, args, ask, nil)
			p := part{total: total, pages: pages(len(list), 100), err: err}
			if limit > 0 && len(list) > limit {
				list, p.truncated = list[:limit], true
			}
			recs, cerr := records(list)
			if cerr != nil {
				return part{err: cerr}
			}
			p.records = recs
			return p
		})
	})
}

// pages is how many pages of size n rows took, at least one.
func pages(rows, n int) int { return max(1, (rows+n-1)/n) }

// priorities maps the --priority names to the service's 1 to 4.
var priorities = map[string]int{"LOW": 1, "MEDIUM": 2, "HIGH": 3, "CRITICAL": 4}

// createOptions are investigations create's options.
type createOptions struct {
	scope
	title, keyFindings, priority, typ, status, assignee, database string
	dryRun                                                        bool
}

func (t *tree) investigationsCreate() *cobra.Command {
	var o createOptions
	c := &cobra.Command{
		Use:   "create",
		Short: "Create an investigation with the evidence staged for it",
		Long: `create files a new investigation in one tenant with the alerts, events and search
queries that tenant has staged under NEW (see: investigations evidence stage). Once Taegis
has created it, the staged rows move to the new investigation's id; if the create fails
they stay staged for the next try.

--key-findings is the markdown text, or the path of a file that holds it (the report a
notebook generates). --assignee takes an id, an email (looked up among the tenant's users),
@me (the caller), @partner (the partner that manages the tenant), @tenant or @customer.

--dry-run shows what would be sent and changes nothing.`,
		Example: `  gotaegis investigations create --tenant 11772 --title "Suspicious logons" \
    --key-findings report.md --priority HIGH --type THREAT_HUNT --assignee @customer`,
	}
	addScope(c, &o.scope, false)
	f := c.Flags()
	f.StringVar(&o.title, "title", "", "the investigation's `TITLE` (required)")
	f.StringVar(&o.keyFindings, "key-findings", "",
		"key findings: markdown `TEXT`, or a file that holds it (required)")
	f.StringVar(&o.priority, "priority", "MEDIUM", "LOW, MEDIUM, HIGH or CRITICAL")
	f.StringVar(&o.typ, "type", string(inv.InvestigationTypeSecurityInvestigation),
		"investigation `TYPE`: "+enumList(inv.InvestigationType("").Values()))
	f.StringVar(&o.status, "status", string(inv.InvestigationStatusOpen),
		"investigation `STATUS`: "+enumList(inv.InvestigationStatus("").Values()))
	f.StringVar(&o.assignee, "assignee", "@tenant",
		"assignee: an `ID`, an email, @me, @partner, @tenant or @customer")
	f.StringVar(&o.assignee, "assignee-id", "@tenant", "the same as --assignee")
	f.StringVar(&o.database, "database", "",
		"evidence database `PATH` (default: the user's; :memory: allowed)")
	f.BoolVar(&o.dryRun, "dry-run", false, "show the investigation, create nothing")
	return t.leaf(c, "investigations", func(ctx context.Context, r *Result, _ []string) error {
		return t.create(ctx, &o, r)
	})
}

func (t *tree) create(ctx context.Context, o *createOptions, r *Result) error {
	input, err := o.input()
	if err != nil {
		return err
	}
	if strings.HasPrefix(o.tenant, "@") || strings.Contains(o.tenant, ",") {
		return fmt.Errorf("--tenant %s: an investigation belongs to one tenant; give its id",
			o.tenant)
	}
	c, err := t.client(ctx, o.region)
	if err != nil {
		return err
	}
	tenant, err := oneTenant(ctx, c, o.tenant)
	if err != nil {
		return err
	}
	c = c.WithTenant(tenant)
	r.Region, r.Tenants = c.Region(), []string{tenant}
	r.Provenance.Query = "createInvestigationV2"

	db, err := t.evidence(o.database)
	if err != nil {
		return err
	}
	staged, err := db.Staged(ctx, tenant)
	if err != nil {
		return err
	}
	for _, e := range staged {
		switch e.Type {
		case evidence.Alerts:
			input.Alerts = append(input.Alerts, e.ID)
		case evidence.Events:
			input.Events = append(input.Events, e.ID)
		case evidence.SearchQueries:
			input.SearchQueries = append(input.SearchQueries, e.ID)
		}
	}
	counts := fmt.Sprintf("%d alerts, %d events, %d search queries", len(input.Alerts),
		len(input.Events), len(input.SearchQueries))

	if o.dryRun {
		recs, err := records(input)
		if err != nil {
			return err
		}
		r.Records, r.Total = recs, 1
		r.Message = "dry run: would create the investigation with " + counts
		return nil
	}
	assignee, err := resolveAssignee(ctx, c, o.assignee)
	if err != nil {
		return err
	}
	input.AssigneeID = &assignee
	created, err := inv.New(c).CreateInvestigationV2(ctx, *input)
	if err != nil {
		return fmt.Errorf("the staged evidence stays staged: %w", err)
	}
	if created == nil || created.ID == "" {
		return errors.New("no investigation came back; the staged evidence stays staged")
	}
	moved, err := db.Attach(ctx, tenant, created.ID, staged)
	if err != nil {
		return fmt.Errorf("investigation %s created, but recording its evidence failed: %w",
			created.ID, err)
	}
	recs, err := records(created)
	if err != nil {
		return err
	}
	r.Records, r.Total, r.Provenance.Pages = recs, 1, 1
	r.Message = fmt.Sprintf("created investigation %s with %s (%d staged rows filed)",
		created.ID, counts, moved)
	fmt.Fprintln(t.env.Stderr, r.Message)
	return nil
}

// input checks the options and returns the investigation without evidence and assignee.
func (o *createOptions) input() (*inv.CreateInvestigationInput, error) {
	if strings.TrimSpace(o.title) == "" {
		return nil, errors.New("no title: give --title")
	}
	findings, err := keyFindings(o.keyFindings)
	if err != nil {
		return nil, err
	}
	p, ok := priorities[strings.ToUpper(o.priority)]
	if !ok {
		return nil, fmt.Errorf("unknown priority %q; use LOW, MEDIUM, HIGH or CRITICAL",
			o.priority)
	}
	typ := inv.InvestigationType(strings.ToUpper(o.typ))
	if !typ.IsKnown() {
		return nil, fmt.Errorf("unknown investigation type %q; use one of %s", o.typ,
			enumList(typ.Values()))
	}
	status := inv.InvestigationStatus(strings.ToUpper(o.status))
	if !status.IsKnown() {
		return nil, fmt.Errorf("unknown investigation status %q; use one of %s", o.status,
			enumList(status.Values()))
	}
	return &inv.CreateInvestigationInput{Title: o.title, KeyFindings: &findings,
		Priority: &p, Type: &typ, Status: &status}, nil
}

// keyFindings returns the text of --key-findings: a file's content when it names a file,
// else the text itself. A value that looks like a file name but names none is an error, so a
// mistyped path never becomes the findings.
func keyFindings(v string) (string, error) {
	if strings.TrimSpace(v) == "" {
		return "", errors.New("no key findings: give --key-findings with markdown text or " +
			"the file that holds it")
	}
	if !strings.ContainsAny(v, "\n") && len(v) < 4096 {
		data, err := os.ReadFile(v)
		if err == nil {
			return string(data), nil
		}
		if lv := strings.ToLower(v); !strings.Contains(v, " ") &&
			(strings.HasSuffix(lv, ".md") || strings.HasSuffix(lv, ".txt") ||
				strings.HasSuffix(lv, ".markdown")) {
			return "", fmt.Errorf("--key-findings %s: %w", v, err)
		}
	}
	return v, nil
}

// oneTenant returns tenant, or when it is empty the one tenant the token grants.
func oneTenant(ctx context.Context, c *sdk.Client, tenant string) (string, error) {
	if tenant != "" {
		return tenant, nil
	}
	granted, err := c.TokenTenants(ctx)
	if err != nil {
		return "", fmt.Errorf("no --tenant, and the token's tenants are unknown: %w", err)
	}
	if len(granted) == 1 {
		return granted[0], nil
	}
	return "", fmt.Errorf("no --tenant: the token grants %d tenants; give --tenant ID",
		len(granted))
}

// resolveAssignee turns an assignee or mention into what Taegis takes: @me the caller's
// subject id, @partner the mention of the tenant's partner, @tenant its alias @customer, an
// email the id of the tenant's user with that email (the email itself when none has it);
// @customer, other @ names and ids pass through.
func resolveAssignee(ctx context.Context, c *sdk.Client, who string) (string, error) {
	who = strings.TrimSpace(who)
	switch {
	case who == "":
		return "", errors.New("no assignee: give an id, an email, @me, @partner, @tenant " +
			"or @customer")
	case strings.EqualFold(who, "@me"):
		s, err := subjects.New(c).CurrentSubject(ctx, nil)
		if err != nil {
			return "", fmt.Errorf("assignee @me: %w", err)
		}
		if s == nil || s.ID == "" {
			return "", errors.New("assignee @me: Taegis returned no current subject")
		}
		if s.Identity != nil && s.Identity.Typename == "Client" &&
			!strings.HasSuffix(s.ID, "@clients") {
			return s.ID + "@clients", nil
		}
		return s.ID, nil
	case strings.EqualFold(who, "@partner"):
		return partnerMention(ctx, c)
	case strings.EqualFold(who, "@tenant"):
		return "@customer", nil
	case strings.Contains(who, "@") && !strings.HasPrefix(who, "@"):
		res, err := users.New(c).TDRUsersSearch(ctx, &users.TDRUsersSearchInput{Email: &who})
		if err != nil {
			return "", fmt.Errorf("assignee %s: %w", who, err)
		}
		for _, u := range res.GetResults() {
			if strings.EqualFold(u.GetEmail(), who) && u.ID != "" {
				return u.ID, nil
			}
		}
		return who, nil
	}
	return who, nil
}

func (t *tree) investigationsMerge() *cobra.Command {
	var s scope
	var source, target, closeStatus string
	c := &cobra.Command{
		Use:   "merge",
		Short: "Merge one investigation into another",
		Long: `merge moves the source investigation's alerts, events and search queries to the
target: both must be OPEN or DRAFT and not archived. Each gets a comment naming the other;
the source is closed with --close-status, its title prefixed "Merged Investigation: ", and
archived. The result is the target as it is afterwards.`,
		Example: `  gotaegis investigations merge --tenant 11772 --source ID1 --target ID2`,
	}
	addScope(c, &s, false)
	c.Flags().StringVar(&source, "source", "", "`ID` of the investigation to merge away")
	c.Flags().StringVar(&target, "target", "", "`ID` of the investigation to keep")
	c.Flags().StringVar(&closeStatus, "close-status",
		string(inv.InvestigationStatusClosedInformational), "the source's closing `STATUS`")
	return t.leaf(c, "investigations", func(ctx context.Context, r *Result, _ []string) error {
		if source == "" || target == "" || source == target {
			return errors.New("give two different investigations: --source ID --target ID")
		}
		status := inv.InvestigationStatus(strings.ToUpper(closeStatus))
		if !status.IsKnown() || !strings.HasPrefix(string(status), "CLOSED_") {
			return fmt.Errorf("--close-status %q: use a CLOSED_ status, e.g. "+
				"CLOSED_INFORMATIONAL", closeStatus)
		}
		r.Provenance.Query = "merge " + source + " into " + target
		return t.fanOut(ctx, &s, r, func(ctx context.Context, c *sdk.Client, _ string) part {
			got, err := merge(ctx, inv.New(c), source, target, status)
			if err != nil {
				return part{err: err}
			}
			recs, err := records(got)
			return part{records: recs, total: 1, pages: 1, err: err}
		})
	})
}

// merge runs the merge sequence and returns the target as it is afterwards.
func merge(ctx context.Context, svc *inv.Service, source, target string,
	status inv.InvestigationStatus) (*inv.InvestigationV2, error) {
	src, err := svc.InvestigationV2(ctx, inv.InvestigationV2Arguments{ID: source})
	if err != nil {
		return nil, fmt.Errorf("source %s: %w", source, err)
	}
	dst, err := svc.InvestigationV2(ctx, inv.InvestigationV2Arguments{ID: target})
	if err != nil {
		return nil, fmt.Errorf("target %s: %w", target, err)
	}
	for _, x := range []struct {
		role string
		v    *inv.InvestigationV2
	}{{"source", src}, {"target", dst}} {
		if x.v == nil {
			return nil, fmt.Errorf("%s investigation not found", x.role)
		}
		st := x.v.GetStatus()
		if st != inv.InvestigationStatusOpen && st != inv.InvestigationStatusDraft {
			return nil, fmt.Errorf("%s %s is %s; only OPEN or DRAFT investigations merge",
				x.role, x.v.ID, st)
		}
		if x.v.GetArchivedAt() != "" {
			return nil, fmt.Errorf("%s %s is archived", x.role, x.v.ID)
		}
	}
	if strings.Contains(src.GetTitle(), "Merged Investigation") {
		return nil, fmt.Errorf("source %s has already been merged (%q)", src.ID, src.GetTitle())
	}

	name := func(v *inv.InvestigationV2) string {
		if v.GetShortID() != "" {
			return v.GetShortID() + " (" + v.ID + ")"
		}
		return v.ID
	}
	if _, err := svc.AddCommentToInvestigation(ctx, inv.AddCommentToInvestigationInput{
		InvestigationID: src.ID, Content: "Merged into investigation " + name(dst)}); err != nil {
		return nil, fmt.Errorf("comment on source: %w", err)
	}
	if _, err := svc.AddCommentToInvestigation(ctx, inv.AddCommentToInvestigationInput{
		InvestigationID: dst.ID,
		Content:         "Investigation " + name(src) + " was merged into this one"}); err != nil {
		return nil, fmt.Errorf("comment on target: %w", err)
	}
	title := "Merged Investigation: " + src.GetTitle()
	if _, err := svc.UpdateInvestigationV2(ctx, inv.UpdateInvestigationV2Input{ID: src.ID,
		Status: &status, Title: &title}); err != nil {
		return nil, fmt.Errorf("close source: %w", err)
	}
	if _, err := svc.ArchiveInvestigationV2(ctx, inv.ArchiveInvestigationV2Input{
		ID: src.ID}); err != nil {
		return nil, fmt.Errorf("archive source: %w", err)
	}
	add := inv.AddEvidenceToInvestigationInput{InvestigationID: dst.ID}
	for _, a := range src.AlertsEvidence {
		add.Alerts = appendID(add.Alerts, a.GetAlertID(), a.ID)
	}
	for _, e := range src.EventsEvidence {
		add.Events = appendID(add.Events, e.GetEventID(), e.ID)
	}
	for _, q := range src.SearchQueriesEvidence {
		add.SearchQueries = appendID(add.SearchQueries, q.GetSearchQueryID(), q.ID)
	}
	add.Alerts = union(add.Alerts, src.Alerts)
	add.Events = union(add.Events, src.Events)
	add.SearchQueries = union(add.SearchQueries, src.SearchQueries)
	if len(add.Alerts)+len(add.Events)+len(add.SearchQueries) > 0 {
		if _, err := svc.AddEvidenceToInvestigation(ctx, add); err != nil {
			return nil, fmt.Errorf("move evidence to target: %w", err)
		}
	}
	return svc.InvestigationV2(ctx, inv.InvestigationV2Arguments{ID: dst.ID})
}

func appendID(list []string, id, fallback string) []string {
	if id == "" {
		id = fallback
	}
	if id == "" || slices.Contains(list, id) {
		return list
	}
	return append(list, id)
}

func union(list, more []string) []string {
	for _, id := range more {
		list = appendID(list, id, "")
	}
	return list
}

// enumList joins enumeration values for help and error messages.
func enumList[T ~string](values []T) string {
	names := make([]string, len(values))
	for i, v := range values {
		names[i] = string(v)
	}
	return strings.Join(names, ", ")
}

// partnerMention returns the mention of the partner that manages c's tenant, "@" and a handle
// made from the partner's name ("Northwind Security" is @northwind-security).
//
// Limitation: Taegis keeps a partner's own mention in its partner preferences, a service the
// schema does not hold yet; the handle here comes from the tenant's partner in tenants4, so a
// partner whose preferences set another mention is named by its tenant name instead.
func partnerMention(ctx context.Context, c *sdk.Client) (string, error) {
	tenant, err := oneTenant(ctx, c, c.Tenant())
	if err != nil {
		return "", fmt.Errorf("assignee @partner: %w", err)
	}
	t, err := tenants4.New(c).Tenant(ctx, tenant,
		sdk.WithSelection("id name partnerTenantID partnerName isPartner"))
	if err != nil {
		return "", fmt.Errorf("assignee @partner: look up tenant %s: %w", tenant, err)
	}
	name := strings.TrimSpace(t.GetPartnerName())
	if t.GetIsPartner() && name == "" {
		name = t.GetName()
	}
	if name == "" {
		return "", fmt.Errorf("assignee @partner: tenant %s has no partner; assign it with "+
			"@customer, @me, an email or an id", tenant)
	}
	return "@" + handle(name), nil
}

// handle turns a name into a mention handle: lower case letters and digits, other runs of
// characters as one "-".
func handle(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	return b.String()
}
