package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const tinyIntrospection = `{"__schema":{"queryType":{"name":"Query"},"mutationType":null,
"subscriptionType":null,"directives":[],"types":[
{"kind":"OBJECT","name":"Query","fields":[
 {"name":"ping","args":[{"name":"times","type":{"kind":"SCALAR","name":"Int"},
  "defaultValue":"1"}],"type":{"kind":"NON_NULL","ofType":{"kind":"SCALAR","name":"String"}},
  "isDeprecated":false},
 {"name":"level","args":[],"type":{"kind":"ENUM","name":"Level"},"isDeprecated":true,
  "deprecationReason":"gone soon"}],"interfaces":[]},
{"kind":"ENUM","name":"Level","enumValues":[{"name":"LOW","isDeprecated":false},
 {"name":"HIGH","isDeprecated":false}]},
{"kind":"SCALAR","name":"String"},{"kind":"SCALAR","name":"Int"},
{"kind":"OBJECT","name":"__Schema","fields":[]}]}}`

const tinySDL = `enum Level {
	LOW
	HIGH
}
type Query {
	ping(times: Int = 1): String!
	level: Level @deprecated(reason: "gone soon")
}
`

// introspectionServer answers the token endpoint and, on the events gateway, introspection.
func introspectionServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /auth/api/v2/auth/token", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"opaque","token_type":"bearer","expires_in":60}`)
	})
	mux.HandleFunc("POST /events/query", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			OperationName string `json:"operationName"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		if body.OperationName != "IntrospectionQuery" ||
			r.Header.Get("Authorization") != "Bearer opaque" {
			http.Error(w, "unexpected request", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"data":`+tinyIntrospection+`}`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestSchemaIntrospect(t *testing.T) {
	tempConfigDir(t)
	srv := introspectionServer(t)
	if _, _, err := runCmd(t, newConfigureCmd(), "regions", "add", "lab", srv.URL); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CLIENT_ID", "id")
	t.Setenv("CLIENT_SECRET", "secret")

	out, _, err := runCmd(t, newSchemaCmd(), "introspect", "--region", "lab", "--gateway",
		"events")
	if err != nil {
		t.Fatalf("schema introspect: %v", err)
	}
	if out != tinySDL {
		t.Errorf("SDL:\n%s\nwant:\n%s", out, tinySDL)
	}

	file := filepath.Join(t.TempDir(), "events.graphql")
	if _, _, err := runCmd(t, newSchemaCmd(), "introspect", "--region", "lab", "--gateway",
		"events", "-o", file); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(file); string(data) != tinySDL {
		t.Errorf("-o wrote %q", data)
	}

	_, _, err = runCmd(t, newSchemaCmd(), "introspect", "--region", "lab", "--gateway", "gql")
	if err == nil || !strings.Contains(err.Error(), "use graphql, events or tenants") {
		t.Errorf("bad --gateway: %v", err)
	}
	_, _, err = runCmd(t, newSchemaCmd(), "introspect", "--region", "lab")
	if err == nil || !strings.Contains(err.Error(), "HTTP 404") {
		t.Errorf("a gateway the server lacks: %v, want HTTP 404", err)
	}
}
