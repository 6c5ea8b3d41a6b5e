package synth

import (
	"regexp"
	"strings"
	"testing"

	"gotaegis/emulator/cql"
)

func TestRules(t *testing.T) {
	d := shared()
	kinds := map[string]int{}
	deleted := 0
	for _, rule := range d.Rules {
		kind := rule["ruleType"].(string)
		kinds[kind]++
		if _, ok := d.Tenant(rule["tenantId"].(string)); !ok {
			t.Errorf("rule %v belongs to unknown tenant %v", rule["name"], rule["tenantId"])
		}
		if rule["deletedAt"] != nil {
			deleted++
			if rule["enabled"] != false {
				t.Errorf("deleted rule %v is enabled", rule["name"])
			}
		}
		if ql, ok := rule["eventQL"].(string); ok {
			q, err := cql.Parse(ql, cql.Options{Now: testNow})
			if err != nil {
				t.Errorf("rule %v: %v", rule["name"], err)
				continue
			}
			if from := q.From(); len(from) != 1 || from[0] != rule["eventType"] {
				t.Errorf("rule %v of event type %v queries %v", rule["name"], rule["eventType"],
					from)
			}
		}
		filters, _ := rule["filters"].([]any)
		if rule["eventQL"] == nil && len(filters) == 0 {
			t.Errorf("rule %v has neither a query nor filters", rule["name"])
		}
		for _, f := range filters {
			if _, err := regexp.Compile(f.(map[string]any)["pattern"].(string)); err != nil {
				t.Errorf("rule %v: %v", rule["name"], err)
			}
		}
	}
	for _, k := range []string{"QL", "REGEX", "SUPPRESSION"} {
		if kinds[k] == 0 {
			t.Errorf("no %s rules: %v", k, kinds)
		}
	}
	if deleted == 0 {
		t.Error("no deleted rules")
	}
}

// TestRulesFindPlantedScenarios runs the custom rules written for the planted scenarios
// against every tenant's events: each finds its scenario exactly where it was planted.
func TestRulesFindPlantedScenarios(t *testing.T) {
	d := Generate(Config{Seed: 1, Scale: 0.1, Now: testNow})
	rules := map[string]Scenario{
		"Encoded PowerShell command line": ScenarioEncodedPowerShell,
		"ProcDump against LSASS":          ScenarioCredentialDumping,
		"Lookups of known bad CDN":        ScenarioBeaconing,
	}
	for _, tpl := range ruleTemplates {
		s, ok := rules[tpl.name]
		if !ok {
			continue
		}
		q, err := cql.Parse(tpl.query, cql.Options{Now: testNow})
		if err != nil {
			t.Fatal(err)
		}
		var found []string
		for _, id := range d.TenantIDs() {
			evs, err := d.Events(id, q.From()[0])
			if err != nil {
				t.Fatal(err)
			}
			if len(q.Run(evs)) > 0 {
				found = append(found, id)
			}
		}
		if want := d.PlantedIn(s); strings.Join(found, ",") != strings.Join(want, ",") {
			t.Errorf("rule %q finds %s in %v, planted in %v", tpl.name, s, found, want)
		}
	}
}

func TestPublications(t *testing.T) {
	d := shared()
	var iocs []string
	for i, p := range d.Publications {
		if i > 0 && p["published"].(string) > d.Publications[i-1]["published"].(string) {
			t.Errorf("publication %v is newer than the one before it", p["name"])
		}
		for _, ioc := range p["iocs"].([]any) {
			iocs = append(iocs, ioc.(map[string]any)["value"].(string))
		}
	}
	for _, want := range []string{BadDomain, BadIP, StagingDomain, StagingIP, MimikatzImage} {
		found := false
		for _, v := range iocs {
			found = found || v == want
		}
		if !found {
			t.Errorf("no publication names the planted indicator %s", want)
		}
	}
}
