package synth

import (
	"fmt"
	"strings"
)

// TotalEvents counts the events of every tenant and type.
func (d *Dataset) TotalEvents() int {
	n := 0
	for _, t := range d.leaves {
		for typ := range t.counts {
			n += t.counts[typ] + len(t.planted[typ])
		}
	}
	return n
}

// CleanTenants lists the customer tenants where nothing was planted, in id order.
func (d *Dataset) CleanTenants() []string {
	dirty := map[string]bool{}
	for _, p := range d.Planted {
		dirty[p.TenantID] = true
	}
	var out []string
	for _, t := range d.leaves {
		if !dirty[t.id] {
			out = append(out, t.id)
		}
	}
	return out
}

// Summary describes the dataset in a few lines for a person: its size, and where each
// scenario was planted, so that a hunt can be checked against what is really there.
func (d *Dataset) Summary() string {
	partners, orgs := 0, 0
	for _, t := range d.Tenants {
		if t["isPartner"] == true {
			partners++
		} else if t["isOrganization"] == true {
			orgs++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "seed %d, now %s: %d tenants under %d organizations and %d partners; "+
		"%d assets, %d events over the last %v, %d alerts, %d rules, %d publications\n",
		d.Config.Seed, rfc3339(d.Config.Now), len(d.leaves), orgs, partners, len(d.Assets),
		d.TotalEvents(), Window, len(d.Alerts), len(d.Rules), len(d.Publications))
	for _, p := range d.Planted {
		fmt.Fprintf(&b, "planted %s in tenant %s on %s as %s (%d events, %d alert(s), %s to %s)\n",
			p.Scenario, p.TenantID, p.Hostname, p.Username, len(p.EventIDs), len(p.AlertIDs),
			rfc3339(p.Start), rfc3339(p.End))
	}
	fmt.Fprintf(&b, "clean tenants: %s\n", strings.Join(d.CleanTenants(), ", "))
	return b.String()
}
