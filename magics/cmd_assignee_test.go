package magics

import (
	"path/filepath"
	"testing"
)

func TestInvestigationsCreateAssignees(t *testing.T) {
	ids := tenants(t)
	e := newEnv(t)
	tenant, ok := srv.Dataset().Tenant(ids[0])
	if !ok {
		t.Fatalf("no tenant %s in the dataset", ids[0])
	}
	partner, _ := tenant["partnerName"].(string)
	if partner == "" {
		t.Fatalf("tenant %s has no partner name: %v", ids[0], tenant)
	}
	me := e.run(t, "users current-user").Records[0]
	subject := e.run(t, "subjects current-subject").Records[0]
	subjectID, _ := subject["id"].(string)
	email, _ := me["email"].(string)
	if subjectID == "" || email == "" {
		t.Fatalf("subject %v, user %v", subject, me)
	}
	tests := []struct {
		assignee string
		want     func(string) bool
	}{
		{"@me", func(s string) bool { return s == subjectID || s == subjectID+"@clients" }},
		{"@partner", func(s string) bool { return s == "@"+handle(partner) }},
		{"@PARTNER", func(s string) bool { return s == "@"+handle(partner) }},
		{"@tenant", func(s string) bool { return s == "@customer" }},
		{"@customer", func(s string) bool { return s == "@customer" }},
		{email, func(s string) bool { return s == me["id"] }},
		{"nobody@example.com", func(s string) bool { return s == "nobody@example.com" }},
		{"auth0|analyst-1", func(s string) bool { return s == "auth0|analyst-1" }},
	}
	db := filepath.Join(t.TempDir(), "evidence.db")
	for _, tt := range tests {
		t.Run(tt.assignee, func(t *testing.T) {
			r := e.run(t, "investigations create --tenant "+ids[0]+" --title Assigned"+
				" --key-findings none --database "+db+" --assignee", tt.assignee)
			got, _ := r.Records[0]["assigneeId"].(string)
			if !tt.want(got) {
				t.Fatalf("--assignee %s gave assigneeId %q", tt.assignee, got)
			}
		})
	}
}

func TestHandle(t *testing.T) {
	tests := []struct{ name, want string }{
		{"Northwind Security", "northwind-security"},
		{"Blue Harbor MSSP", "blue-harbor-mssp"},
		{"  Acme & Sons, Inc. ", "acme-sons-inc"},
		{"Secureworks", "secureworks"},
		{"Zürich Cyber 2", "zürich-cyber-2"},
		{"---", ""},
	}
	for _, tt := range tests {
		if got := handle(tt.name); got != tt.want {
			t.Errorf("handle(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}
