package synth

import (
	"fmt"
	"strconv"
	"time"
)

// tenant is a customer tenant that holds data, with what its events are generated from.
type tenant struct {
	id       string
	boxedID  any // id, boxed once (see boxedTypeNames)
	num      uint64
	name     string
	org      string
	partner  string
	factor   float64 // how busy this tenant is relative to the base event counts
	account  string  // its cloud account id
	netA     int     // its hosts live in 10.netA.0.0/16
	hosts    []*host
	cloudIDs []string // IAM user names seen in cloudaudit events
	assets   []map[string]any
	alerts   []map[string]any
	counts   [numEventTypes]int
	planted  [numEventTypes][]map[string]any
	// triggers marks the background events that benign detectors fire on, by type and index;
	// background shapes those events so that the detector's condition holds.
	triggers [numEventTypes]map[int]*detector
}

// The id ranges of the three levels of the hierarchy.
const (
	partnerBase = 10001
	orgBase     = 30001
	tenantBase  = 50001
)

var environments = []string{"CHARLIE", "DELTA", "ECHO", "FOXTROT"}

var serviceCatalog = []struct{ id, name, description string }{
	{"svc-mdr", "MDR", "Managed detection and response"},
	{"svc-xdr", "XDR", "Extended detection and response"},
	{"svc-vdr", "VDR", "Vulnerability detection and response"},
	{"svc-tdr", "TDR", "Threat detection and response"},
	{"svc-ir", "Incident Response", "Incident response retainer"},
}

// tenantNode is one tenant of any level before it becomes a record.
type tenantNode struct {
	id, name, parent, partner, org string
	isPartner, isOrg               bool
	created                        time.Time
	env                            string
}

func (d *Dataset) buildTenants() {
	cfg := d.Config
	r := keyed(cfg.Seed, label("tenants"))
	nPartners := 2 + cfg.Tenants/40
	nOrgs := max(nPartners, (cfg.Tenants+3)/4)

	var nodes []tenantNode
	partnerNames := []string{"Northwind Security", "Blue Harbor MSSP", "Contoso Defense",
		"Fabrikam Cyber", "Tailspin Secure"}
	for i := 0; i < nPartners; i++ {
		name := partnerNames[i%len(partnerNames)]
		if i >= len(partnerNames) {
			name = fmt.Sprintf("%s %d", name, i/len(partnerNames)+1)
		}
		id := strconv.Itoa(partnerBase + i)
		nodes = append(nodes, tenantNode{id: id, name: name, partner: id, isPartner: true,
			created: cfg.Now.AddDate(-3, 0, -r.between(0, 300)), env: "CHARLIE"})
	}
	used := map[string]bool{}
	for i := 0; i < nOrgs; i++ {
		p := nodes[i%nPartners]
		name := uniqueName(&r, used)
		id := strconv.Itoa(orgBase + i)
		nodes = append(nodes, tenantNode{id: id, name: name, parent: p.id, partner: p.id, org: id,
			isOrg: true, created: p.created.AddDate(0, r.between(1, 12), r.between(0, 27)),
			env: pick(&r, environments[:3])})
	}
	for i := 0; i < cfg.Tenants; i++ {
		o := nodes[nPartners+r.intn(nOrgs)]
		if i < nOrgs {
			o = nodes[nPartners+i] // every organization gets at least one tenant
		}
		id := strconv.Itoa(tenantBase + i)
		name := o.name + " - " + pick(&r, []string{"Production", "Corporate", "Europe", "Labs",
			"Retail Stores", "Plants", "Cloud", "Americas", "APAC"})
		if used[name] {
			name = fmt.Sprintf("%s %d", name, i)
		}
		used[name] = true
		nodes = append(nodes, tenantNode{id: id, name: name, parent: o.id, partner: o.partner,
			org: o.id, created: o.created.AddDate(0, r.between(0, 10), r.between(0, 27)), env: o.env})
		t := &tenant{id: id, boxedID: id, num: uint64(tenantBase + i), name: name, org: o.id,
			partner: o.partner,
			factor:  0.85 + 0.4*r.float(), account: fmt.Sprintf("%012d", 100000000000+r.intn(1e11)),
			netA: 1 + i%250}
		for typ := range t.counts {
			t.counts[typ] = countFor(typ, t.factor, cfg.Scale)
		}
		d.leaves = append(d.leaves, t)
		d.leafByID[id] = t
	}

	names := map[string]string{}
	for _, n := range nodes {
		names[n.id] = n.name
	}
	for _, n := range nodes {
		rec, legacy := tenantRecords(cfg, &r, n, names)
		d.Tenants = append(d.Tenants, rec)
		d.LegacyTenants = append(d.LegacyTenants, legacy)
		d.tenantByID[n.id] = rec
	}
	sortByID(d.Tenants)
	sortByID(d.LegacyTenants)
}

func uniqueName(r *rng, used map[string]bool) string {
	for {
		name := pick(r, companyWords) + " " + pick(r, companyKinds)
		if !used[name] {
			used[name] = true
			return name
		}
		if len(used) > len(companyWords)*len(companyKinds)/2 {
			name = fmt.Sprintf("%s %d", name, len(used))
			used[name] = true
			return name
		}
	}
}

// tenantRecords shapes one node as a tenants4 TenantV4 and as a legacy Tenant.
func tenantRecords(cfg Config, r *rng, n tenantNode,
	names map[string]string) (v4, legacy map[string]any) {
	enabled := !r.chance(0.05) || n.isPartner || n.isOrg
	age := max(1, int(cfg.Now.Sub(n.created)/time.Second))
	updated := n.created.Add(time.Duration(r.intn(age)) * time.Second)
	support := n.isPartner || r.chance(0.7)
	level := "MDR"
	if r.chance(0.3) {
		level = "ALL_XDR"
	}

	var labels, legacyLabels []any
	labelValues := [][2]string{
		{"industry", pick(r, []string{"manufacturing", "healthcare", "finance", "retail", "energy"})},
		{"tier", pick(r, []string{"gold", "silver", "bronze"})},
		{"region", pick(r, []string{"us", "eu", "apac"})},
	}
	for i, kv := range labelValues {
		id := fmt.Sprintf("label-%s-%d", n.id, i+1)
		labels = append(labels, map[string]any{"id": id, "name": kv[0], "value": kv[1],
			"ownerPartnerId": n.partner})
		legacyLabels = append(legacyLabels, map[string]any{"id": id, "tenant_id": n.id,
			"name": kv[0], "value": kv[1]})
	}
	var subscriptions, services, granted []any
	for i, s := range serviceCatalog {
		if i == 0 || i == 1 || r.chance(0.35) {
			subscriptions = append(subscriptions, map[string]any{"id": n.id + "-" + s.id,
				"name": s.name, "serviceID": s.id, "expiresAt": nil})
			services = append(services, map[string]any{"id": s.id, "name": s.name,
				"description": s.description})
			granted = append(granted, map[string]any{"service_id": s.id, "name": s.name,
				"description": s.description, "granted_at": rfc3339(n.created)})
		}
	}
	envs := []any{map[string]any{"name": n.env, "enabled": enabled}}
	if r.chance(0.2) {
		envs = append(envs, map[string]any{"name": "PILOT_" + n.env, "enabled": false})
	}
	var enabledAt []any
	if enabled {
		enabledAt = []any{n.env}
	}
	var parent, partnerName, orgID, orgName any
	if n.parent != "" {
		parent = n.parent
	}
	partnerName = names[n.partner]
	if n.org != "" {
		orgID, orgName = n.org, names[n.org]
	}

	v4 = map[string]any{
		"id":                    n.id,
		"name":                  n.name,
		"enabled":               enabled,
		"parentTenantID":        parent,
		"partnerTenantID":       n.partner,
		"partnerName":           partnerName,
		"organizationTenantID":  orgID,
		"organizationName":      orgName,
		"isPartner":             n.isPartner,
		"isOrganization":        n.isOrg,
		"hasSupportEnabled":     support,
		"supportInherited":      !n.isPartner && support,
		"allowResponseActions":  r.chance(0.6),
		"createdAt":             rfc3339(n.created),
		"updatedAt":             rfc3339(updated),
		"expiresAt":             nil,
		"enabledAtEnvironments": enabledAt,
		"labels":                labels,
		"subscriptions":         subscriptions,
		"licenseLevel":          level,
	}
	legacy = map[string]any{
		"id":                    n.id,
		"name":                  n.name,
		"name_normalized":       normalizeName(n.name),
		"enabled":               enabled,
		"created_at":            rfc3339(n.created),
		"updated_at":            rfc3339(updated),
		"parent":                parent,
		"partner":               n.partner,
		"organization":          orgID,
		"partner_name":          partnerName,
		"organization_name":     orgName,
		"is_partner":            n.isPartner,
		"is_organization":       n.isOrg,
		"support_enabled":       support,
		"enabled_in_production": enabled,
		"enabled_in_pilot":      len(envs) > 1,
		"data_retention_months": int64(pick(r, []int{12, 13, 24})),
		"domain":                normalizeName(n.name) + ".example",
		"description":           nil,
		"expires_at":            nil,
		"labels":                legacyLabels,
		"environments":          envs,
		"services":              services,
		"granted_services":      granted,
	}
	return v4, legacy
}

func normalizeName(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			out = append(out, c+'a'-'A')
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			out = append(out, c)
		case len(out) > 0 && out[len(out)-1] != '-':
			out = append(out, '-')
		}
	}
	for len(out) > 0 && out[len(out)-1] == '-' {
		out = out[:len(out)-1]
	}
	return string(out)
}

func rfc3339(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

func sortByID(recs []map[string]any) {
	sortRecords(recs, func(a, b map[string]any) bool { return a["id"].(string) < b["id"].(string) })
}
