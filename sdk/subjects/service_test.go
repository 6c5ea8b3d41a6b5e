package subjects

import (
	"context"
	"errors"
	"strings"
	"testing"

	"gotaegis/sdk"
)

func TestCurrentSubjectDecodesTheIdentity(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		check func(*SubjectIdentity) bool
	}{
		{"user", `{"data":{"currentSubject":{"id":"s1","identity":{"__typename":"TDRUser",` +
			`"id":"u1","email":"hunter@example.com","roles":["admin"]}}}}`,
			func(i *SubjectIdentity) bool {
				return i.TDRUser.GetEmail() == "hunter@example.com" && i.Client == nil &&
					i.Value() == i.TDRUser
			}},
		{"client", `{"data":{"currentSubject":{"id":"s2","identity":{"__typename":"Client",` +
			`"id":"c1","client_id":"gotaegis-local","clientID":"old"}}}}`,
			func(i *SubjectIdentity) bool {
				return i.Client.GetClientID() == "gotaegis-local" && i.Client.ClientID2 != nil &&
					i.TDRUser == nil
			}},
		{"unknown member", `{"data":{"currentSubject":{"id":"s3","identity":` +
			`{"__typename":"CentralUser","id":"x"}}}}`,
			func(i *SubjectIdentity) bool {
				return i.Typename == "CentralUser" && i.Value() == nil &&
					strings.Contains(string(i.Raw), "CentralUser")
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f := newFakeServer(t, func(int, gqlRequest) string { return tt.body })
			sub, err := New(c).CurrentSubject(context.Background(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(sub.GetIdentity()) {
				t.Errorf("got identity %+v", sub.GetIdentity())
			}
			doc := f.requests()[0].Query
			if !strings.Contains(doc, "__typename") || !strings.Contains(doc, "... on TDRUser {") {
				t.Errorf("default selection lacks the union fragments: %s", doc)
			}
		})
	}
}

func TestCustomSelectionAndPartialData(t *testing.T) {
	c, f := newFakeServer(t, func(int, gqlRequest) string {
		return `{"data":{"currentSubject":{"id":"s1"}},"errors":[{"message":"no such user",` +
			`"path":["currentSubject","identity"],"extensions":{"code":"NOT_FOUND"}}]}`
	})
	sub, err := New(c).CurrentSubject(context.Background(), nil, sdk.WithSelection("id"))
	if !errors.Is(err, sdk.ErrNotFound) {
		t.Errorf("got error %v, want one matching sdk.ErrNotFound", err)
	}
	if sub.GetID() != "s1" {
		t.Errorf("partial data lost: %+v", sub)
	}
	want := "currentSubject(selector: $selector) {\nid\n} }"
	if doc := f.requests()[0].Query; !strings.Contains(doc, want) {
		t.Errorf("custom selection not used: %q", doc)
	}
}
