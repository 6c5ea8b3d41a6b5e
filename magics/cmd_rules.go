package magics

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"gotaegis/sdk"
	"gotaegis/sdk/rules"
)

// rulesPerPage is the page size of the rules listings, as upstream.
const rulesPerPage = 500

func (t *tree) rulesGroup() *cobra.Command {
	return group("rules", "List, search, enable and disable detection rules",
		t.rulesList("type", "List the rules of one rule type", true, false),
		t.rulesList("all", "List every rule", false, false),
		t.rulesList("filters", "List the rules of one event type", true, true),
		t.rulesSuppression(), t.rulesDeleted(), t.rulesRule(), t.rulesChangesSince(),
		t.rulesSearch(), t.rulesToggle(true), t.rulesToggle(false))
}

// pageAll reads pages of per rows from fetch, from page 1, while a page comes back full.
func pageAll[T any](per int, fetch func(page int) ([]T, error)) ([]T, int, error) {
	var all []T
	for page := 1; ; page++ {
		got, err := fetch(page)
		all = append(all, got...)
		if err != nil {
			return all, page - 1, fmt.Errorf("page %d: %w", page, err)
		}
		if len(got) < per {
			return all, page, nil
		}
	}
}

// rulesPart turns rules (or any SDK values) into one tenant's part.
func rulesPart(list any, pages int, err error) part {
	recs, cerr := records(list)
	if cerr != nil {
		return part{err: cerr}
	}
	return part{records: recs, total: len(recs), pages: pages, err: err}
}

func parseRuleType(s string) (rules.RuleType, error) {
	rt := rules.RuleType(strings.ToUpper(s))
	if !slices.Contains(rt.Values(), rt) {
		return "", fmt.Errorf("unknown rule type %q; use one of %s", s, enumList(rt.Values()))
	}
	return rt, nil
}

// rulesList builds rules type, rules all and rules filters.
func (t *tree) rulesList(use, short string, withType, withEvent bool) *cobra.Command {
	var s scope
	var ruleType, eventType string
	c := &cobra.Command{Use: use, Short: short}
	addScope(c, &s, true)
	if withType {
		def := string(rules.RuleTypeQL)
		if withEvent {
			def = string(rules.RuleTypeRegex)
		}
		c.Flags().StringVar(&ruleType, "rule-type", def, "rule `TYPE`: "+
			enumList(rules.RuleType("").Values()))
	}
	if withEvent {
		c.Flags().StringVar(&eventType, "event-type", "", "event `TYPE`: "+eventTypeList())
	}
	return t.leaf(c, "rules", func(ctx context.Context, r *Result, _ []string) error {
		args := rules.RulesArgs{}
		if withType {
			rt, err := parseRuleType(ruleType)
			if err != nil {
				return err
			}
			args.RuleType = &rt
		}
		if withEvent {
			et, err := parseEventType(eventType)
			if err != nil {
				return err
			}
			args.EventType = &et
		}
		r.Provenance.Query = "rules(" + strings.TrimSpace(ruleType+" "+eventType) + ")"
		return t.fanOut(ctx, &s, r, func(ctx context.Context, c *sdk.Client, _ string) part {
			svc := rules.New(c)
			list, pages, err := pageAll(rulesPerPage, func(page int) ([]rules.Rule, error) {
				a, per := args, rulesPerPage
				a.Page, a.PerPage = &page, &per
				return svc.Rules(ctx, a)
			})
			return rulesPart(list, pages, err)
		})
	})
}

func (t *tree) rulesSuppression() *cobra.Command {
	var s scope
	var kind string
	c := &cobra.Command{Use: "suppression", Short: "List suppression rules"}
	addScope(c, &s, true)
	c.Flags().StringVar(&kind, "kind", "all",
		"all, global (Secureworks' own) or tenant (the tenant's)")
	return t.leaf(c, "rules", func(ctx context.Context, r *Result, _ []string) error {
		if kind != "all" && kind != "global" && kind != "tenant" {
			return fmt.Errorf("--kind %q: give all, global or tenant", kind)
		}
		r.Provenance.Query = "suppressionRules(kind: " + kind + ")"
		return t.fanOut(ctx, &s, r, func(ctx context.Context, c *sdk.Client, _ string) part {
			svc := rules.New(c)
			list, pages, err := pageAll(rulesPerPage, func(page int) ([]rules.Rule, error) {
				per := rulesPerPage
				return svc.SuppressionRules(ctx, &page, &per)
			})
			list = slices.DeleteFunc(list, func(x rules.Rule) bool {
				global := x.GetTenantID() == ""
				return kind == "global" && !global || kind == "tenant" && global
			})
			return rulesPart(list, pages, err)
		})
	})
}

func (t *tree) rulesDeleted() *cobra.Command {
	var s scope
	var ruleType string
	c := &cobra.Command{Use: "deleted", Short: "List deleted rules"}
	addScope(c, &s, true)
	c.Flags().StringVar(&ruleType, "rule-type", string(rules.RuleTypeQL), "rule `TYPE`")
	return t.leaf(c, "rules", func(ctx context.Context, r *Result, _ []string) error {
		rt, err := parseRuleType(ruleType)
		if err != nil {
			return err
		}
		r.Provenance.Query = "deletedRules(ruleType: " + string(rt) + ")"
		return t.fanOut(ctx, &s, r, func(ctx context.Context, c *sdk.Client, _ string) part {
			svc := rules.New(c)
			list, pages, err := pageAll(rulesPerPage, func(page int) ([]rules.Rule, error) {
				per := rulesPerPage
				return svc.DeletedRules(ctx, &rt, &page, &per)
			})
			return rulesPart(list, pages, err)
		})
	})
}

func (t *tree) rulesRule() *cobra.Command {
	var s scope
	var id string
	c := &cobra.Command{Use: "rule", Short: "Show one rule"}
	addScope(c, &s, false)
	c.Flags().StringVar(&id, "rule-id", "", "the rule's `ID`")
	return t.leaf(c, "rules", func(ctx context.Context, r *Result, _ []string) error {
		if id == "" {
			return fmt.Errorf("give the rule: --rule-id ID")
		}
		r.Provenance.Query = "rule(id: " + id + ")"
		return t.fanOut(ctx, &s, r, func(ctx context.Context, c *sdk.Client, _ string) part {
			got, err := rules.New(c).Rule(ctx, id)
			if err != nil {
				return part{err: err}
			}
			return rulesPart(got, 1, nil)
		})
	})
}

func (t *tree) rulesChangesSince() *cobra.Command {
	var s scope
	var since, eventType, ruleType string
	c := &cobra.Command{
		Use:     "changes-since",
		Short:   "List the rules created, changed or deleted since a time",
		Example: `  gotaegis rules changes-since --timestamp 2024-01-02T00:00:00Z`,
	}
	addScope(c, &s, true)
	c.Flags().StringVar(&since, "timestamp", "", "`TIME` as YYYY-MM-DDTHH:MM:SSZ")
	c.Flags().StringVar(&eventType, "event-type", "", "only this event `TYPE`")
	c.Flags().StringVar(&ruleType, "rule-type", string(rules.RuleTypeRegex), "rule `TYPE`")
	return t.leaf(c, "rules", func(ctx context.Context, r *Result, _ []string) error {
		at, err := time.Parse(time.RFC3339, since)
		if err != nil {
			return fmt.Errorf("--timestamp %q: give a time such as 2024-01-02T15:04:05Z",
				since)
		}
		rt, err := parseRuleType(ruleType)
		if err != nil {
			return err
		}
		var et *rules.RuleEventType
		if eventType != "" {
			v, err := parseEventType(eventType)
			if err != nil {
				return err
			}
			et = &v
		}
		r.Provenance.Query = "changesSince(" + at.UTC().Format(time.RFC3339) + ")"
		r.Provenance.Earliest, r.Provenance.Latest = at.UTC(), t.env.Now().UTC()
		return t.fanOut(ctx, &s, r, func(ctx context.Context, c *sdk.Client, _ string) part {
			list, err := rules.New(c).ChangesSince(ctx, at, et, &rt)
			return rulesPart(list, 1, err)
		})
	})
}

func (t *tree) rulesSearch() *cobra.Command {
	var s scope
	var cell string
	c := &cobra.Command{
		Use:   "search",
		Short: "Search rules by name and description",
		Long: `search finds the rules whose name or description matches --cell (or the %%taegis
cell body).`,
	}
	addScope(c, &s, true)
	c.Flags().StringVar(&cell, "cell", "", "the search `TEXT`")
	return t.leaf(c, "rules", func(ctx context.Context, r *Result, _ []string) error {
		text := strings.TrimSpace(cell)
		if text == "" {
			text = strings.TrimSpace(t.env.Cell)
		}
		if text == "" {
			return fmt.Errorf("no search text: give --cell TEXT or the cell body")
		}
		r.Provenance.Query = text
		return t.fanOut(ctx, &s, r, func(ctx context.Context, c *sdk.Client, _ string) part {
			svc := rules.New(c)
			total := -1
			list, pages, err := pageAll(rulesPerPage, func(page int) ([]rules.Rule, error) {
				per := rulesPerPage
				res, err := svc.SearchRules(ctx, rules.SearchRulesInput{Text: &text,
					Page: &page, PerPage: &per})
				total = res.GetTotalCount()
				return res.GetRules(), err
			})
			p := rulesPart(list, pages, err)
			if total >= 0 {
				p.total = total
			}
			return p
		})
	})
}

func (t *tree) rulesToggle(enable bool) *cobra.Command {
	var s scope
	var id string
	use := "disable"
	if enable {
		use = "enable"
	}
	c := &cobra.Command{Use: use, Short: strings.ToUpper(use[:1]) + use[1:] + " a rule"}
	addScope(c, &s, false)
	c.Flags().StringVar(&id, "rule-id", "", "the rule's `ID`")
	return t.leaf(c, "rules", func(ctx context.Context, r *Result, _ []string) error {
		if id == "" {
			return fmt.Errorf("give the rule: --rule-id ID")
		}
		r.Provenance.Query = use + "Rule(id: " + id + ")"
		return t.fanOut(ctx, &s, r, func(ctx context.Context, c *sdk.Client, _ string) part {
			svc := rules.New(c)
			f := svc.DisableRule
			if enable {
				f = svc.EnableRule
			}
			got, err := f(ctx, id)
			if err != nil {
				return part{err: err}
			}
			return rulesPart(got, 1, nil)
		})
	})
}
