package magics

import (
	"context"
	"strings"
	"testing"
)

// TestSmallGroups runs each listing command against the emulator and checks that it returns
// records of the kind it names.
func TestSmallGroups(t *testing.T) {
	ids := tenants(t)
	tests := []struct {
		line    string
		minRows int
		field   string // a field every record has
	}{
		{"rules type --rule-type REGEX", 1, "ruleType"},
		{"rules all", 2, "name"},
		{"rules suppression", 1, "name"},
		{"rules suppression --kind tenant", 0, "tenantId"},
		{"rules deleted", 0, "id"},
		{"rules filters --event-type process", 1, "eventType"},
		{"rules changes-since --timestamp 2020-01-01T00:00:00Z", 1, "id"},
		{"rules search --cell e", 1, "name"},
		{"threat publications latest 3", 3, "name"},
		{"subjects current-subject", 1, "id"},
		{"users current-user", 1, "email"},
		{"users search", 1, "email"},
		{"audits application-events", 1, "application"},
		{"audits all", 0, "id"},
		{"audits search --application investigations --after 2020-01-01T00:00:00Z", 0, "id"},
		{"clients search", 0, "id"},
		{"events schema --type process", 5, "key"},
		{"tenants search --label industry", 3, "id"},
		{"tenants search --id " + ids[1], 1, "id"},
	}
	e := newEnv(t)
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			r := e.run(t, tt.line)
			if len(r.Records) < tt.minRows {
				t.Fatalf("%d records, want at least %d", len(r.Records), tt.minRows)
			}
			for _, rec := range r.Records {
				if _, ok := rec[tt.field]; !ok {
					t.Fatalf("record without %s: %v", tt.field, rec)
				}
			}
			if r.Provenance.Query == "" || r.Provenance.Region != "local" {
				t.Fatalf("provenance %+v", r.Provenance)
			}
		})
	}

	all := e.run(t, "rules type --rule-type REGEX")
	id, _ := all.Records[0]["id"].(string)
	off := e.run(t, "rules disable --rule-id "+id)
	on := e.run(t, "rules enable --rule-id "+id)
	if off.Records[0]["enabled"] != false || on.Records[0]["enabled"] != true {
		t.Fatalf("disable then enable: %v, %v", off.Records[0]["enabled"],
			on.Records[0]["enabled"])
	}
	if got := e.run(t, "rules rule --rule-id "+id); got.Records[0]["id"] != id {
		t.Fatalf("rule %s: %v", id, got.Records)
	}
	if r := e.run(t, "tenants search --id "+ids[1]); r.Records[0]["tenant_id"] != nil {
		t.Fatalf("a tenant record tagged with a tenant: %v", r.Records[0])
	}

	for _, tt := range []struct{ line, want string }{
		{"rules type --rule-type FANCY", "unknown rule type"},
		{"rules filters", "no event type"},
		{"rules changes-since --timestamp yesterday", "--timestamp"},
		{"threat publications latest many", "SIZE"},
		{"tenants search --enabled maybe", "--enabled"},
		{"tenants search --sort-by-field colour", "--sort-by-field"},
		{"events schema --type proces", "unknown event type"},
	} {
		if _, err := Run(context.Background(), e.Env, strings.Fields(tt.line)); err == nil ||
			!strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", tt.line, err, tt.want)
		}
	}
}
