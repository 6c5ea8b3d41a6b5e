package magics

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"gotaegis/evidence"
	"gotaegis/sdk/llmservice"
)

// alertQL matches a query that targets the alerts service: FROM alert or FROM detection,
// in any case and spacing, as Taegis's natural-language search writes them.
var alertQL = regexp.MustCompile(`(?i)\bfrom\s+(alert|detection)s?\b`)

// targetsAlerts reports whether ql searches alerts rather than events.
func targetsAlerts(ql string) bool { return alertQL.MatchString(ql) }

// aiQuery turns the natural-language request of an --ai search into its query: it asks
// Taegis's natural-language search (nlSearchV2), keeps the exchange in the llm_queries table
// of the evidence database, and returns the query when it targets the command's service
// ("alerts" or "events"). The exchange is kept also when the query is refused, so that
// what the service answered is never lost.
func (t *tree) aiQuery(ctx context.Context, o *searchOptions, request, service string) (string,
	error) {
	c, err := t.client(ctx, o.region)
	if err != nil {
		return "", err
	}
	// The translation does not depend on the tenant; a macro's tenants share one.
	if o.tenant != "" && !strings.HasPrefix(o.tenant, "@") {
		c = c.WithTenant(o.tenant)
	}
	out, err := llmservice.New(c).NlSearchV2(ctx, llmservice.NLSearchInputsV2{Query: &request})
	if err != nil {
		return "", fmt.Errorf("--ai: natural-language search: %w", err)
	}
	if out == nil {
		return "", errors.New("--ai: natural-language search answered nothing; try again, " +
			"or write the CQL query yourself without --ai")
	}
	ql := strings.TrimSpace(out.GetQL())
	if err := t.keepNLQuery(ctx, o.database, request, out); err != nil {
		return "", err
	}
	why := ""
	if r := strings.TrimSpace(out.GetReason()); r != "" {
		why = " (" + strings.TrimSuffix(r, ".") + ")"
	}
	switch {
	case ql == "":
		return "", fmt.Errorf("--ai: natural-language search made no query of %q%s; "+
			"rephrase the request, e.g. %s, or write the CQL yourself without --ai",
			request, why, aiExample(service))
	case service == "alerts" && !targetsAlerts(ql):
		return "", fmt.Errorf("--ai: the query made of the request, %q, does not target "+
			"the alerts service (it has no FROM alert or FROM detection); ask for alerts, "+
			"or run it with events search", ql)
	case service == "events" && targetsAlerts(ql):
		return "", fmt.Errorf("--ai: the query made of the request, %q, targets the "+
			"alerts service, not the events service; ask for events of a type (process, "+
			"netflow, ...), or run it with alerts search", ql)
	}
	// The summary does not print the query, so the hunter sees it here.
	if out.GetStatus() == llmservice.NLSearchStatusPartial {
		fmt.Fprintf(t.env.Stderr, "warning: --ai: the request was only partly translated, "+
			"to %s%s\n", ql, why)
	} else {
		fmt.Fprintf(t.env.Stderr, "--ai: searching %s\n", ql)
	}
	return ql, nil
}

func aiExample(service string) string {
	if service == "alerts" {
		return "high severity alerts in the last day"
	}
	return "process events running powershell in the last day"
}

// keepNLQuery stores one natural-language exchange in the llm_queries table.
func (t *tree) keepNLQuery(ctx context.Context, database, request string,
	out *llmservice.NLSearchOutputV2) error {
	db, err := t.evidence(database)
	if err != nil {
		return fmt.Errorf("--ai: %w", err)
	}
	_, err = db.AddNLQuery(ctx, evidence.NLQuery{ID: out.GetID(), Query: request,
		QL: out.GetQL(), Reason: out.GetReason(), Types: out.GetTypes(),
		Status: string(out.GetStatus())})
	if err != nil {
		return fmt.Errorf("--ai: keep the natural-language query: %w", err)
	}
	return nil
}

// negatedBool is a flag value that sets *p to the opposite of what it is given, so that
// --no-ai undoes an --ai before it; the last of the two on a line wins.
type negatedBool struct {
	p     *bool
	given bool
}

func (n *negatedBool) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("give true or false, not %q", s)
	}
	*n.p, n.given = !v, true
	return nil
}

// String is whether the negation is in effect: false until the flag is given.
func (n *negatedBool) String() string { return strconv.FormatBool(n.given && !*n.p) }

func (*negatedBool) Type() string { return "bool" }

// negation registers the --no-X flag of a boolean --X, as upstream's options have.
func negation(c *cobra.Command, name string, p *bool, usage string) {
	f := c.Flags().VarPF(&negatedBool{p: p}, name, "", usage)
	f.NoOptDefVal = "true"
}
