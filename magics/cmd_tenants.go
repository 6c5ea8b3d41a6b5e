package magics

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"gotaegis/sdk"
	"gotaegis/sdk/tenants4"
)

func (t *tree) tenantsGroup() *cobra.Command {
	return group("tenants", "Find tenants", t.tenantsSearch())
}

func (t *tree) tenantsSearch() *cobra.Command {
	var s scope
	var m Macro
	var labels []string
	var enabled, cql, sortBy, sortOrder string
	var limit int
	c := &cobra.Command{
		Use:   "search",
		Short: "Search the tenants the caller can see",
		Long: `search lists tenants (tenants4) that match every filter given: names (partial,
any of), ids, partners, organizations, hierarchies (tenants under any of these), labels
(NAME or NAME=VALUE, * a wildcard in either, all of them), services (any of these
subscriptions) and enabled. The same filters define tenant macros (see: configure macros
list).`,
		Example: `  gotaegis tenants search --label industry=finance --enabled true
  %taegis tenants search --service MDR --assign mdr_tenants`,
	}
	addScope(c, &s, false)
	f := c.Flags()
	f.StringArrayVar(&m.Names, "name", nil, "tenant `NAME`, or part of it (repeatable)")
	f.StringArrayVar(&m.IDs, "id", nil, "tenant `ID` (repeatable)")
	f.StringArrayVar(&m.Partners, "partner", nil, "partner tenant `ID` (repeatable)")
	f.StringArrayVar(&m.Organizations, "organization", nil,
		"organization tenant `ID` (repeatable)")
	f.StringArrayVar(&m.Hierarchies, "hierarchy", nil,
		"tenants under this tenant `ID` (repeatable)")
	f.StringArrayVar(&m.MDRProviders, "mdr-provider", nil, "MDR `PROVIDER` (repeatable)")
	f.StringArrayVar(&labels, "label", nil,
		"label `NAME` or NAME=VALUE, * wildcards (repeatable; all of them)")
	f.StringArrayVar(&m.Services, "service", nil,
		"subscribed service `NAME`, * wildcards (repeatable; any of them)")
	f.StringVar(&enabled, "enabled", "", "only enabled (true) or disabled (false) tenants")
	f.StringVar(&cql, "cql", "", "a CQL `FILTER` over tenant fields")
	f.StringVar(&sortBy, "sort-by-field", "ID", "sort by `FIELD`: "+
		enumList(tenants4.TenantResultOrder("").Values()))
	f.StringVar(&sortOrder, "sort-order", "asc", "asc or desc")
	f.IntVar(&limit, "limit", 0, "the most tenants to return; 0 means all")
	// The upstream option names, kept so that existing notebooks run unchanged.
	for _, alias := range []struct {
		name string
		to   *[]string
	}{{"filter-by-name", &m.Names}, {"filter-by-tenant", &m.IDs},
		{"filter-by-service", &m.Services}, {"filter-by-tenant-hierarchy", &m.Hierarchies}} {
		f.StringArrayVar(alias.to, alias.name, nil, "")
		_ = f.MarkHidden(alias.name)
	}
	return t.leaf(c, "tenants", func(ctx context.Context, r *Result, _ []string) error {
		for _, l := range labels {
			name, value, _ := strings.Cut(l, "=")
			if name == "" {
				return fmt.Errorf("--label %q: give NAME or NAME=VALUE", l)
			}
			m.Labels = append(m.Labels, MacroLabel{Name: name, Value: value})
		}
		if enabled != "" {
			b, err := strconv.ParseBool(enabled)
			if err != nil {
				return fmt.Errorf("--enabled %q: give true or false", enabled)
			}
			m.Enabled = &b
		}
		order := tenants4.TenantResultOrder(strings.ToUpper(sortBy))
		if order == "CREATEDAT" || order == "UPDATEDAT" {
			order = tenants4.TenantResultOrder(strings.Replace(string(order), "AT", "_AT", 1))
		}
		if !slices.Contains(order.Values(), order) {
			return fmt.Errorf("--sort-by-field %q: use one of %s", sortBy,
				enumList(order.Values()))
		}
		dir := tenants4.OrderDir(strings.ToUpper(sortOrder))
		if dir != tenants4.OrderDirAsc && dir != tenants4.OrderDirDesc {
			return fmt.Errorf("--sort-order %q: give asc or desc", sortOrder)
		}
		if limit < 0 {
			return fmt.Errorf("--limit %d: give 0 (no limit) or more", limit)
		}
		queries := m.queries()
		for i := range queries {
			queries[i].OrderBy, queries[i].OrderDir = &order, &dir
			if cql != "" {
				queries[i].CQL = &cql
			}
		}
		r.Provenance.Query = "tenants(tenantsQuery)"
		return t.fanOut(ctx, &s, r, func(ctx context.Context, c *sdk.Client, _ string) part {
			return searchTenants(ctx, tenants4.New(c), queries, limit)
		})
	})
}

// searchTenants runs each query, merging their tenants once each in the order they came.
func searchTenants(ctx context.Context, svc *tenants4.Service, queries []tenants4.TenantsQuery,
	limit int) part {
	var all []tenants4.TenantV4
	seen := map[string]bool{}
	p := part{untagged: true}
	ask := limit
	if limit > 0 {
		ask++
	}
	for _, q := range queries {
		pages := 0
		list, err := svc.TenantsAll(ctx, q, ask, func(int, int) { pages++ })
		p.pages += max(pages, 1)
		for _, tn := range list {
			if !seen[tn.ID] {
				seen[tn.ID] = true
				all = append(all, tn)
			}
		}
		if err != nil {
			p.err = err
			break
		}
	}
	if limit > 0 && len(all) > limit {
		all, p.truncated = all[:limit], true
	}
	recs, err := records(all)
	if err != nil {
		return part{err: err}
	}
	p.records, p.total = recs, len(recs)
	if p.truncated {
		p.total = -1
	}
	return p
}
