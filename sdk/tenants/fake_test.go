package tenants

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"gotaegis/schema"
	"gotaegis/sdk"
)

// gqlRequest is one GraphQL request as the fake server received it.
type gqlRequest struct {
	Query     string         `json:"query"`
	Variables map[string]any `json:"variables"`
}

// fakeServer answers GraphQL requests on /public/query with bodies a test supplies, after checking
// each document against the gateway's schema.
type fakeServer struct {
	t      *testing.T
	schema *ast.Schema
	answer func(n int, r gqlRequest) string

	mu   sync.Mutex
	reqs []gqlRequest
}

func newFakeServer(t *testing.T, answer func(n int, r gqlRequest) string) (*sdk.Client,
	*fakeServer) {
	t.Helper()
	s, err := schema.Load(schema.Files, "tenants")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeServer{t: t, schema: s, answer: answer}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	settings := &sdk.Settings{}
	if err := settings.AddRegion("fake", srv.URL, srv.URL, ""); err != nil {
		t.Fatal(err)
	}
	c, err := sdk.New(sdk.Config{Region: "fake", Token: "test-token", Settings: settings,
		ConfigDir: t.TempDir(), NoTokenCache: true, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	return c, f
}

func (f *fakeServer) serve(w http.ResponseWriter, r *http.Request) {
	var req gqlRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: req.Query})
	if err != nil {
		f.t.Errorf("unparsable document %q: %v", req.Query, err)
	} else if errs := validator.ValidateWithRules(f.schema, doc, nil); len(errs) > 0 {
		f.t.Errorf("invalid document %q: %v", req.Query, errs)
	}
	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	n := len(f.reqs)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(f.answer(n, req)))
}

func (f *fakeServer) requests() []gqlRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]gqlRequest(nil), f.reqs...)
}
