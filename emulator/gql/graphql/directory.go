package graphql

import (
	"context"
	"encoding/base64"
	"slices"
	"strconv"
	"strings"

	"gotaegis/emulator/gql"
	"gotaegis/emulator/state"
)

// cursor encodes a list position as an opaque relay-style cursor.
func cursor(i int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("pos:" + strconv.Itoa(i)))
}

// position decodes a cursor; ok is false for one this emulator did not issue.
func position(c string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimPrefix(string(b), "pos:"))
	return n, err == nil && strings.HasPrefix(string(b), "pos:")
}

func (r *Resolver) tenants(ctx context.Context, q TenantsQuery) (*TenantResults, error) {
	var cq interface{ Match(map[string]any) bool }
	if c := deref(q.Cql); c != "" {
		parsed, err := r.parseCQL(ctx, "tenantsQuery.cql", c)
		if err != nil {
			return nil, err
		}
		cq = parsed
	}
	granted := gql.Principal(ctx).Claims
	var rows []map[string]any
	for _, t := range r.st.Data.Tenants {
		id := str(t, "id")
		switch {
		case !granted.Grants(id) && !isAncestor(r, id, granted.TenantIDs):
		case len(q.Ids) > 0 && !slices.Contains(q.Ids, id):
		case len(q.Names) > 0 && !slices.ContainsFunc(q.Names, func(n string) bool {
			return containsFold(str(t, "name"), n)
		}):
		case q.Enabled != nil && t["enabled"] != *q.Enabled:
		case q.IsOrganization != nil && t["isOrganization"] != *q.IsOrganization:
		case len(q.Partners) > 0 && !slices.Contains(q.Partners, str(t, "partnerTenantID")):
		case len(q.Organizations) > 0 &&
			!slices.Contains(q.Organizations, str(t, "organizationTenantID")):
		case q.IsPartnerRoot != nil && t["isPartner"] != *q.IsPartnerRoot:
		case q.SupportEnabled != nil && t["hasSupportEnabled"] != *q.SupportEnabled:
		case len(q.Hierarchies) > 0 && !slices.ContainsFunc(q.Hierarchies, func(h string) bool {
			return h == id || h == str(t, "partnerTenantID") ||
				h == str(t, "organizationTenantID") || h == str(t, "parentTenantID")
		}):
		case len(q.EnabledInEnvironments) > 0 && !enabledIn(t, q.EnabledInEnvironments):
		case len(q.SubscriptionsMatch) > 0 && !subscribed(t, q.SubscriptionsMatch):
		case !labelsMatch(t, q.LabelsMatch):
		case cq != nil && !cq.Match(t):
		default:
			rows = append(rows, t)
		}
	}
	if q.OrderDir != nil && *q.OrderDir == OrderDirDesc {
		slices.Reverse(rows)
	}
	count := deref(q.Count)
	if count <= 0 {
		count = 100
	}
	start := 0
	for _, c := range []*string{q.AfterCursor, q.CursorPos} {
		if deref(c) == "" {
			continue
		}
		n, ok := position(*c)
		if !ok {
			return nil, gql.BadInput(ctx, "tenantsQuery cursor %q was not issued by this "+
				"server: pass the cursorPos of the previous page", *c)
		}
		start = n
	}
	if c := deref(q.BeforeCursor); c != "" {
		n, ok := position(c)
		if !ok {
			return nil, gql.BadInput(ctx, "tenantsQuery.beforeCursor %q was not issued by "+
				"this server", c)
		}
		start = max(0, n-count)
		count = min(count, n)
	}
	from, to := window(len(rows), start, count)
	var list []*TenantV4
	for _, t := range rows[from:to] {
		m, err := state.As[TenantV4](t)
		if err != nil {
			return nil, err
		}
		list = append(list, m)
	}
	return &TenantResults{CursorPos: ptr(cursor(to)), Count: ptr(len(list)),
		HasMore: ptr(to < len(rows)), TotalCount: ptr(len(rows)), FirstIndex: ptr(from),
		LastIndex: ptr(max(from, to-1)), Tenants: list}, nil
}

// isAncestor reports whether id is the partner or organization of a granted tenant.
func isAncestor(r *Resolver, id string, granted []string) bool {
	for _, g := range granted {
		if t, ok := r.st.Data.Tenant(g); ok &&
			(str(t, "partnerTenantID") == id || str(t, "organizationTenantID") == id ||
				str(t, "parentTenantID") == id) {
			return true
		}
	}
	return false
}

// enabledIn reports whether t is enabled in any of envs.
func enabledIn(t map[string]any, envs []TenantEnvironment) bool {
	at, _ := t["enabledAtEnvironments"].([]any)
	return slices.ContainsFunc(at, func(e any) bool {
		s, _ := e.(string)
		return slices.Contains(envs, TenantEnvironment(s))
	})
}

// subscribed reports whether t subscribes to a service any of want names (by name, service
// id, or both).
func subscribed(t map[string]any, want []*SubscriptionMatcher) bool {
	subs, _ := t["subscriptions"].([]any)
	return slices.ContainsFunc(want, func(w *SubscriptionMatcher) bool {
		return slices.ContainsFunc(subs, func(s any) bool {
			m, _ := s.(map[string]any)
			return (w.Name == nil || wildcardMatch(*w.Name, str(m, "name"))) &&
				(w.ServiceID == nil || str(m, "serviceID") == *w.ServiceID)
		})
	})
}

// wildcardMatch reports whether s matches pattern, in which * stands for any run of
// characters; case is ignored, and a pattern without * must match s whole.
func wildcardMatch(pattern, s string) bool {
	pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	last := parts[len(parts)-1]
	for _, part := range parts[1 : len(parts)-1] {
		i := strings.Index(s, part)
		if i < 0 {
			return false
		}
		s = s[i+len(part):]
	}
	return strings.HasSuffix(s, last)
}

// labelsMatch reports whether t has a label for each matcher of want: a matcher's name and
// value may hold * wildcards, case is ignored, and a matcher without a value takes any.
func labelsMatch(t map[string]any, want []*TenantLabelMatcher) bool {
	labels, _ := t["labels"].([]any)
	for _, w := range want {
		found := false
		for _, l := range labels {
			m, _ := l.(map[string]any)
			if wildcardMatch(w.Name, str(m, "name")) &&
				(w.Value == nil || wildcardMatch(*w.Value, str(m, "value"))) {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func (r *Resolver) tenant(ctx context.Context, id string) (*TenantV4, error) {
	claims := gql.Principal(ctx).Claims
	t, ok := r.st.Data.Tenant(id)
	if !ok || (!claims.Grants(id) && !isAncestor(r, id, claims.TenantIDs)) {
		return nil, gql.NotFound(ctx, "tenant", id)
	}
	return state.As[TenantV4](t)
}

func (r *Resolver) requestTenantContext(ctx context.Context) *RequestTenantContext {
	p := gql.Principal(ctx)
	out := &RequestTenantContext{TenantIDs: []string{p.Tenant}}
	if t, ok := r.st.Data.Tenant(p.Tenant); ok {
		out.PartnerTenantID = ptr(str(t, "partnerTenantID"))
		out.OrganizationTenantID = ptr(str(t, "organizationTenantID"))
	}
	return out
}

// assets pages the tenant's assets with relay cursors.
func (r *Resolver) assets(ctx context.Context, first, last *int, after, before *string,
	filter *AssetFilter) (*AssetsV2, error) {
	var rows []map[string]any
	for _, a := range r.st.Data.AssetsOf(gql.Tenant(ctx)) {
		if assetMatches(a, filter) {
			rows = append(rows, a)
		}
	}
	from, to := 0, len(rows)
	if c := deref(after); c != "" {
		n, ok := position(c)
		if !ok {
			return nil, gql.BadInput(ctx, "after %q was not issued by this server: pass a "+
				"pageInfo.endCursor", c)
		}
		from = min(n+1, len(rows))
	}
	if c := deref(before); c != "" {
		n, ok := position(c)
		if !ok {
			return nil, gql.BadInput(ctx, "before %q was not issued by this server: pass a "+
				"pageInfo.startCursor", c)
		}
		to = max(from, min(n, len(rows)))
	}
	if first != nil && *first >= 0 {
		to = min(to, from+*first)
	} else if last == nil {
		to = min(to, from+100)
	}
	if last != nil && *last >= 0 {
		from = max(from, to-*last)
	}
	out := &AssetsV2{TotalCount: ptr(len(rows)), Assets: []*AssetV2{}}
	for _, a := range rows[from:to] {
		m, err := state.As[AssetV2](a)
		if err != nil {
			return nil, err
		}
		out.Assets = append(out.Assets, m)
	}
	pi := &PageInfoV2{HasNextPage: ptr(to < len(rows)), HasPreviousPage: ptr(from > 0)}
	if to > from {
		pi.StartCursor, pi.EndCursor = ptr(cursor(from)), ptr(cursor(to-1))
	}
	out.PageInfo = pi
	return out, nil
}

func assetMatches(a map[string]any, f *AssetFilter) bool {
	if f == nil {
		return true
	}
	if len(f.EndpointTypes) > 0 && !slices.ContainsFunc(f.EndpointTypes,
		func(t EndpointTypeV2) bool { return string(t) == str(a, "endpointType") }) {
		return false
	}
	if w := f.Where; w != nil {
		if w.Hostname != nil && !slices.Contains(hostnames(a), *w.Hostname) {
			return false
		}
		if w.HostnameContains != nil && !slices.ContainsFunc(hostnames(a), func(h string) bool {
			return containsFold(h, *w.HostnameContains)
		}) {
			return false
		}
	}
	return true
}

func hostnames(a map[string]any) []string {
	var out []string
	hs, _ := a["hostnames"].([]any)
	for _, h := range hs {
		if m, ok := h.(map[string]any); ok {
			out = append(out, str(m, "hostname"))
		}
	}
	return out
}

func (r *Resolver) asset(ctx context.Context, id string) (*AssetV2, error) {
	for _, a := range r.st.Data.AssetsOf(gql.Tenant(ctx)) {
		if str(a, "id") == id || str(a, "hostId") == id {
			return state.As[AssetV2](a)
		}
	}
	return nil, gql.NotFound(ctx, "asset", id)
}

func (r *Resolver) networkInfo(ctx context.Context, hostID string) ([]*NetworkInfo, error) {
	a, err := r.asset(ctx, hostID)
	if err != nil {
		return nil, err
	}
	var out []*NetworkInfo
	name := ""
	if len(a.Hostnames) > 0 {
		name = deref(a.Hostnames[0].Hostname)
	}
	for i, ip := range a.IPAddresses {
		ni := &NetworkInfo{HostID: a.HostID, Hostname: ptr(name), IPAddress: ip.IP,
			FirstSeenAt: ip.CreatedAt, LastSeenAt: a.LastSeenAt}
		if i < len(a.EthernetAddresses) {
			ni.MacAddress = a.EthernetAddresses[i].Mac
		}
		out = append(out, ni)
	}
	return out, nil
}

// user is the TDRUser the request's token stands for.
func (r *Resolver) user(ctx context.Context) *TDRUser {
	c := gql.Principal(ctx).Claims
	var tenants []*TDRUserTenant
	for _, t := range c.TenantIDs {
		tenants = append(tenants, &TDRUserTenant{ID: t, Role: ptr("tenantAdmin")})
	}
	email := c.Email
	if email == "" {
		email = strings.NewReplacer(":", ".", "|", ".").Replace(c.Subject) + "@gotaegis.local"
	}
	return &TDRUser{ID: c.Subject, UserID: ptr(c.Subject), Email: ptr(email),
		Status: ptr("Registered"), Roles: c.Roles, GivenName: ptr("Local"),
		FamilyName: ptr("Hunter"), PreferredLanguage: ptr("en"), Tenants: tenants,
		CreatedAt: ptr(nowString(timeOf(c.IssuedAt))),
		LastLogin: ptr(nowString(timeOf(c.IssuedAt))),
		Eula:      &TDRUserLicense{Version: ptr("1")}}
}

func (r *Resolver) subject(ctx context.Context, sel *SubjectSelector) (*Subject, error) {
	c := gql.Principal(ctx).Claims
	isClient := strings.HasPrefix(c.Subject, "client:")
	if sel != nil && len(sel.WithTypes) > 0 {
		want := SubjectTypeUserSubject
		if isClient {
			want = SubjectTypeClientSubject
		}
		if !slices.Contains(sel.WithTypes, want) {
			return nil, gql.NotFound(ctx, "subject of types "+joinTypes(sel.WithTypes), c.Subject)
		}
	}
	s := &Subject{ID: c.Subject, Name: ptr(c.Subject), DisplayName: ptr(c.Subject)}
	if isClient {
		s.Identity = Client{ID: c.Subject, ClientID: ptr(c.ClientID), Name: ptr("emulator client"),
			Roles: c.Roles}
	} else {
		s.Identity = *r.user(ctx)
	}
	return s, nil
}

func joinTypes(ts []SubjectType) string {
	var s []string
	for _, t := range ts {
		s = append(s, string(t))
	}
	return strings.Join(s, ",")
}

func (r *Resolver) users(ctx context.Context, email, role, status *string) []*TDRUser {
	u := r.user(ctx)
	switch {
	case email != nil && !strings.EqualFold(*email, deref(u.Email)):
	case role != nil && !slices.Contains(u.Roles, *role):
	case status != nil && !strings.EqualFold(*status, deref(u.Status)):
	default:
		return []*TDRUser{u}
	}
	return []*TDRUser{}
}
