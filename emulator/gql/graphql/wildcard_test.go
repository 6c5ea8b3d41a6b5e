package graphql

import "testing"

func TestWildcardMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"MDR", "MDR", true},
		{"mdr", "MDR", true},
		{"MDR", "MDR Plus", false},
		{"*MDR*", "MDR", true},
		{"*MDR*", "Managed MDR Plus", true},
		{"*MDR*", "XDR", false},
		{"MDR*", "MDR Plus", true},
		{"MDR*", "Plus MDR", false},
		{"*MDR", "Plus MDR", true},
		{"*MDR", "MDR Plus", false},
		{"*a*b*", "xaybz", true},
		{"*a*b*", "xbyaz", false},
		{"a*a", "a", false},
		{"*", "", true},
		{"", "", true},
		{"", "x", false},
	}
	for _, tt := range tests {
		if got := wildcardMatch(tt.pattern, tt.s); got != tt.want {
			t.Errorf("wildcardMatch(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}
