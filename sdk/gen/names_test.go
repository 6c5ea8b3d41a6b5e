package main

import "testing"

func TestGoName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"alertsServiceSearch", "AlertsServiceSearch"},
		{"client_id", "ClientID"},
		{"clientID", "ClientID"},
		{"iDs", "IDs"},
		{"contributorIds", "ContributorIDs"},
		{"contributorIDs", "ContributorIDs"},
		{"TRUE_POSITIVE_BENIGN", "TruePositiveBenign"},
		{"zh_CN", "ZhCN"},
		{"os_version_asc", "OSVersionAsc"},
		{"AggregateAlertsBySeverityInput_GroupBy", "AggregateAlertsBySeverityInputGroupBy"},
		{"HTTPServer", "HTTPServer"},
		{"TDRUser", "TDRUser"},
		{"tdrusers", "TDRUsers"},
		{"tdruser", "TDRUser"},
		{"qlQueries", "QLQueries"},
		{"GenesisAlertsFlag", "GenesisAlertsFlag"},
		{"threat_score_v2", "ThreatScoreV2"},
		{"2fa", "X2fa"},
		{"__typename", "Typename"},
		{"String", "String"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := goName(tt.in); got != tt.want {
				t.Errorf("goName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParamName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"in", "in"},
		{"id", "id"},
		{"ids", "ids"},
		{"tenantID", "tenantID"},
		{"tenantsQuery", "tenantsQuery"},
		{"type", "typeArg"},
		{"ctx", "ctxArg"},
		{"IDs", "ids"},
		{"hostId", "hostID"},
	}
	for _, tt := range tests {
		if got := paramName(tt.in); got != tt.want {
			t.Errorf("paramName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Names that map to one Go identifier are told apart by declaration order: the first keeps the
// name, later ones get 2, 3, ….
func TestNamespaceCollisionRule(t *testing.T) {
	tests := []struct {
		name     string
		reserved []string
		claims   []string
		want     []string
	}{
		{"client id pair", nil, []string{"client_id", "clientID"}, []string{"ClientID", "ClientID2"}},
		{"reversed order", nil, []string{"clientID", "client_id"}, []string{"ClientID", "ClientID2"}},
		{"three way", nil, []string{"role_id", "roleID", "RoleId"},
			[]string{"RoleID", "RoleID2", "RoleID3"}},
		{"reserved", []string{"Service"}, []string{"Service", "service"},
			[]string{"Service2", "Service3"}},
		{"suffix taken", nil, []string{"a2", "a", "A"}, []string{"A2", "A", "A3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ns := newNamespace(tt.reserved...)
			for i, c := range tt.claims {
				if got := ns.claim(goName(c)); got != tt.want[i] {
					t.Errorf("claim %d (%q) = %q, want %q", i, c, got, tt.want[i])
				}
			}
		})
	}
}
