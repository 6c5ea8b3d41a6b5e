package tenants

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"gotaegis/emulator/gql"
	"gotaegis/emulator/state"
)

// Resolver resolves the legacy tenants gateway's fields over the emulator's state.
type Resolver struct {
	st *state.State
}

// New returns the legacy tenants gateway's HTTP handler: GraphQL over POST and GET.
func New(st *state.State) http.Handler {
	return gql.NewServer(NewExecutableSchema(Config{Resolvers: &Resolver{st: st}}))
}

func ptr[T any](v T) *T { return &v }

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func str(rec map[string]any, key string) string {
	s, _ := rec[key].(string)
	return s
}

// visible reports whether the token may see a legacy tenant record: it is granted, or it is
// the partner or organization of a granted tenant.
func (r *Resolver) visible(ctx context.Context, t map[string]any) bool {
	claims := gql.Principal(ctx).Claims
	id := str(t, "id")
	if claims.Grants(id) {
		return true
	}
	for _, g := range claims.TenantIDs {
		if v4, ok := r.st.Data.Tenant(g); ok && (str(v4, "partnerTenantID") == id ||
			str(v4, "organizationTenantID") == id) {
			return true
		}
	}
	return false
}

func serviceNames(t map[string]any) []string {
	var out []string
	for _, key := range []string{"services", "granted_services"} {
		list, _ := t[key].([]any)
		for _, s := range list {
			if m, ok := s.(map[string]any); ok {
				out = append(out, str(m, "service_id"), str(m, "name"), str(m, "id"))
			}
		}
	}
	return out
}

// tenants pages the visible tenants with pageNum (from 1) and maxResults.
func (r *Resolver) tenants(ctx context.Context, q TenantsQuery) (*TenantResults, error) {
	var rows []map[string]any
	for _, t := range r.st.Data.LegacyTenants {
		t = legacyView(t)
		switch {
		case !r.visible(ctx, t):
		case len(q.Ids) > 0 && !slices.Contains(q.Ids, str(t, "id")):
		case q.Name != nil && !strings.Contains(strings.ToLower(str(t, "name")),
			strings.ToLower(*q.Name)):
		case q.IsPartner != nil && t["is_partner"] != *q.IsPartner:
		case q.IsOrganization != nil && t["is_organization"] != *q.IsOrganization:
		case q.WithSupport != nil && t["support_enabled"] != *q.WithSupport:
		case q.EnabledInProduction != nil && t["enabled_in_production"] != *q.EnabledInProduction:
		case q.EnabledInPilot != nil && t["enabled_in_pilot"] != *q.EnabledInPilot:
		case q.WithService != nil && !slices.Contains(serviceNames(t), *q.WithService):
		case len(q.WithServices) > 0 && !slices.ContainsFunc(q.WithServices, func(s string) bool {
			return slices.Contains(serviceNames(t), s)
		}):
		case len(q.ForHierarchies) > 0 && !slices.ContainsFunc(q.ForHierarchies,
			func(h string) bool {
				return h == str(t, "id") || h == str(t, "partner") || h == str(t, "organization")
			}):
		case q.EnvironmentFilter != nil && !inEnvironment(t, *q.EnvironmentFilter):
		case q.LabelFilter != nil && !hasLabel(t, *q.LabelFilter):
		default:
			rows = append(rows, t)
		}
	}
	if q.OrderDir != nil && *q.OrderDir == OrderDirDesc {
		slices.Reverse(rows)
	}
	size := deref(q.MaxResults)
	if size <= 0 {
		size = 100
	}
	if size > 1000 {
		return nil, gql.BadInput(ctx, "tenantsQuery.maxResults %d is over 1000", size)
	}
	page := max(deref(q.PageNum), 1)
	from := min(len(rows), (page-1)*size)
	to := min(len(rows), from+size)
	var list []*Tenant
	if err := state.Decode(rows[from:to], &list); err != nil {
		return nil, err
	}
	if list == nil {
		list = []*Tenant{}
	}
	return &TenantResults{CursorPos: ptr(itoa(page + 1)), Count: ptr(len(list)),
		HasMore: ptr(to < len(rows)), TotalCount: ptr(len(rows)), Results: list}, nil
}

// legacyEnvironment is the legacy gateway's name of an environment: production for charlie,
// pilot for every pilot environment, else the region's name in lower case.
func legacyEnvironment(name string) string {
	n := strings.ToLower(name)
	switch {
	case n == "charlie":
		return string(TenantEnvironmentProduction)
	case strings.HasPrefix(n, "pilot"):
		return string(TenantEnvironmentPilot)
	}
	return n
}

// legacyView returns t with its environments named as the legacy gateway names them. The
// dataset's record is shared, so a changed record is a copy.
func legacyView(t map[string]any) map[string]any {
	envs, _ := t["environments"].([]any)
	if len(envs) == 0 {
		return t
	}
	out := make([]any, 0, len(envs))
	for _, e := range envs {
		if m, ok := e.(map[string]any); ok {
			m = maps.Clone(m)
			m["name"] = legacyEnvironment(str(m, "name"))
			e = m
		}
		out = append(out, e)
	}
	v := maps.Clone(t)
	v["environments"] = out
	return v
}

// inEnvironment reports whether t has the environment f names, enabled or not as f asks.
func inEnvironment(t map[string]any, f TenantEnvironmentFilter) bool {
	envs, _ := t["environments"].([]any)
	return slices.ContainsFunc(envs, func(e any) bool {
		m, _ := e.(map[string]any)
		return str(m, "name") == string(f.Name) && (f.Enabled == nil || m["enabled"] == *f.Enabled)
	})
}

// hasLabel reports whether t has the label f names, with f's value when it gives one.
func hasLabel(t map[string]any, f TenantLabelFilter) bool {
	labels, _ := t["labels"].([]any)
	return slices.ContainsFunc(labels, func(l any) bool {
		m, _ := l.(map[string]any)
		return str(m, "name") == f.LabelName &&
			(f.LabelValue == nil || str(m, "value") == *f.LabelValue)
	})
}

func (r *Resolver) assignable(ctx context.Context, tenantID *string, ids []string) (
	[]*Service, error) {
	seen := map[string]bool{}
	out := []*Service{}
	for _, t := range r.st.Data.LegacyTenants {
		if !r.visible(ctx, t) || (tenantID != nil && str(t, "id") != *tenantID) {
			continue
		}
		list, _ := t["services"].([]any)
		for _, s := range list {
			m, _ := s.(map[string]any)
			id := str(m, "service_id")
			if id == "" {
				id = str(m, "id")
			}
			if id == "" || seen[id] || (len(ids) > 0 && !slices.Contains(ids, id)) {
				continue
			}
			seen[id] = true
			out = append(out, &Service{ID: id, Name: ptr(str(m, "name")),
				Description: ptr(str(m, "description"))})
		}
	}
	if tenantID != nil && len(out) == 0 {
		for _, t := range r.st.Data.LegacyTenants {
			if str(t, "id") == *tenantID && r.visible(ctx, t) {
				return out, nil
			}
		}
		return nil, gql.NotFound(ctx, "tenant", *tenantID)
	}
	return out, nil
}

func itoa(n int) string { return strconv.Itoa(n) }
