package sdk

import (
	"context"
	"strings"
	"testing"
)

// BenchmarkDo measures one query through the whole client: document check, headers, token,
// hasura's executor and decoding, against a loopback server.
func BenchmarkDo(b *testing.B) {
	f := newFakeTaegis(b)
	c, err := New(Config{Region: "fake", Settings: mustSettings(b, f.srv.URL), Token: "static",
		ConfigDir: b.TempDir(), Getenv: func(string) string { return "" }})
	if err != nil {
		b.Fatal(err)
	}
	req := Request{Kind: Query, Field: "ping", Document: pingDoc}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		var out pingOut
		if err := c.Do(ctx, req, &out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOperationName measures the parse of a large document, the size of a default alerts
// selection, that the first call with a document pays.
func BenchmarkOperationName(b *testing.B) {
	var sel strings.Builder
	for i := range 700 {
		sel.WriteString(" f")
		sel.WriteString(strings.Repeat("x", i%7+1))
	}
	req := Request{Kind: Query, Field: "alertsServiceSearch",
		Document: "query alertsServiceSearch($in: SearchRequestInput) { " +
			"alertsServiceSearch(in: $in) {" + sel.String() + " } }"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseOperationName(req); err != nil {
			b.Fatal(err)
		}
	}
}

func mustSettings(b *testing.B, base string) *Settings {
	s := &Settings{}
	if err := s.AddRegion("fake", base, "", ""); err != nil {
		b.Fatal(err)
	}
	return s
}
