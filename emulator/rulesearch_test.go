package emulator_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"gotaegis/emulator"
)

// ruleRow is the part of a rule the search tests compare.
type ruleRow struct {
	Name, Description, RuleType string
	EventQL                     *string
	Enabled                     bool
}

// TestSearchRules checks that a rule search's text is a CQL filter when it parses as one and
// free text otherwise, against answers computed from the full rule list.
func TestSearchRules(t *testing.T) {
	srv := start(t, t.TempDir())
	tok := token(t, srv)
	tenant := srv.TenantIDs()[0]

	r := post(t, srv.URL()+emulator.PathGraphQL, tok, tenant, `{ rules(perPage: 1000) {
		name description ruleType eventQL enabled } }`, nil)
	var all []ruleRow
	if err := json.Unmarshal(r.Data["rules"], &all); err != nil || len(r.Errors) > 0 {
		t.Fatalf("rules: %v %+v", err, r.Errors)
	}
	names := func(keep func(ruleRow) bool) []string {
		out := []string{}
		for _, x := range all {
			if keep(x) {
				out = append(out, x.Name)
			}
		}
		slices.Sort(out)
		return out
	}
	has := func(s, sub string) bool { return strings.Contains(strings.ToLower(s), sub) }

	tests := []struct {
		text string
		want []string
	}{
		{"name CONTAINS 'SUPPRESS'", names(func(x ruleRow) bool {
			return has(x.Name, "suppress")
		})},
		{"NOT name CONTAINS 'suppress' AND ruleType = 'REGEX'", names(func(x ruleRow) bool {
			return !has(x.Name, "suppress") && x.RuleType == "REGEX"
		})},
		{"ruleType = 'SUPPRESSION' AND enabled = true", names(func(x ruleRow) bool {
			return x.RuleType == "SUPPRESSION" && x.Enabled
		})},
		{"eventQL IS NULL", names(func(x ruleRow) bool { return x.EventQL == nil })},
		{"powershell", names(func(x ruleRow) bool {
			ql := ""
			if x.EventQL != nil {
				ql = *x.EventQL
			}
			return has(x.Name+" "+x.Description+" "+ql, "powershell")
		})},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if len(tt.want) == 0 || len(tt.want) == len(all) {
				t.Fatalf("the dataset cannot tell this search apart: it wants %d of %d rules",
					len(tt.want), len(all))
			}
			r := post(t, srv.URL()+emulator.PathGraphQL, tok, tenant, `query($in:
				SearchRulesInput!) { searchRules(input: $in) { totalCount rules { name } } }`,
				map[string]any{"in": map[string]any{"text": tt.text, "perPage": 1000}})
			var got struct {
				TotalCount int
				Rules      []struct{ Name string }
			}
			if err := json.Unmarshal(r.Data["searchRules"], &got); err != nil ||
				len(r.Errors) > 0 {
				t.Fatalf("searchRules: %v %+v", err, r.Errors)
			}
			var gotNames []string
			for _, x := range got.Rules {
				gotNames = append(gotNames, x.Name)
			}
			slices.Sort(gotNames)
			if !slices.Equal(gotNames, tt.want) || got.TotalCount != len(tt.want) {
				t.Errorf("got %d %v, want %v", got.TotalCount, gotNames, tt.want)
			}
		})
	}
}
