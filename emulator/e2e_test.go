package emulator_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/oauth2/clientcredentials"

	"gotaegis/emulator"
)

func start(t testing.TB, dir string) *emulator.Server {
	t.Helper()
	srv, err := emulator.Start(context.Background(), emulator.Config{DataDir: dir, Tenants: 3,
		Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// token gets an access token through the OAuth client-credentials flow.
func token(t testing.TB, srv *emulator.Server) string {
	t.Helper()
	cc := clientcredentials.Config{ClientID: srv.ClientID(), ClientSecret: srv.ClientSecret(),
		TokenURL: srv.URL() + emulator.PathToken}
	tok, err := cc.Token(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return tok.AccessToken
}

type gqlResponse struct {
	status int
	header http.Header
	Data   map[string]json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (r *gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

func post(t testing.TB, url, tok, tenant, query string, vars map[string]any) *gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if tenant != "" {
		req.Header.Set("X-Tenant-Context", tenant)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := &gqlResponse{status: resp.StatusCode, header: resp.Header}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatalf("decode response: %v", err)
	}
	return out
}

const searchQuery = `query($in: SearchRequestInput) { alertsServiceSearch(in: $in) {
	search_id alerts { total_results total_parts part list { id status metadata { title } } } } }`

const pollQuery = `query($in: PollRequestInput) { alertsServicePoll(in: $in) {
	alerts { part list { id status } } } }`

type alertsPage struct {
	SearchID string `json:"search_id"`
	Alerts   struct {
		TotalResults int `json:"total_results"`
		TotalParts   int `json:"total_parts"`
		Part         int `json:"part"`
		List         []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"list"`
	} `json:"alerts"`
}

func TestAlertsSearchAndPollToTheEnd(t *testing.T) {
	srv := start(t, t.TempDir())
	tenant := srv.TenantIDs()[0]
	const planted = 2500
	for i := range planted {
		status := "OPEN"
		if i == 0 {
			status = "SOMETHING_NEW" // a value clients do not know yet
		}
		if err := srv.AddAlert(map[string]any{
			"id": fmt.Sprintf("alert://priv:planted:%s:%d", tenant, i), "tenant_id": tenant,
			"status":   status,
			"metadata": map[string]any{"title": "planted", "severity": 0.9},
		}); err != nil {
			t.Fatal(err)
		}
	}
	tok := token(t, srv)
	resp := post(t, srv.URL()+emulator.PathGraphQL, tok, tenant, searchQuery, map[string]any{
		"in": map[string]any{"cql_query": "FROM alert WHERE metadata.title = 'planted'",
			"limit": 5000}})
	if len(resp.Errors) > 0 {
		t.Fatalf("search: %+v", resp.Errors)
	}
	var first alertsPage
	_ = json.Unmarshal(resp.Data["alertsServiceSearch"], &first)
	if first.Alerts.TotalResults != planted || first.Alerts.TotalParts != 3 ||
		len(first.Alerts.List) != 1000 || first.SearchID == "" {
		t.Fatalf("first part: total %d parts %d list %d id %q", first.Alerts.TotalResults,
			first.Alerts.TotalParts, len(first.Alerts.List), first.SearchID)
	}
	if first.Alerts.List[0].Status != "SOMETHING_NEW" {
		t.Fatalf("unknown enum value changed to %q", first.Alerts.List[0].Status)
	}
	seen := len(first.Alerts.List)
	for part := 2; ; part++ {
		resp := post(t, srv.URL()+emulator.PathGraphQL, tok, tenant, pollQuery, map[string]any{
			"in": map[string]any{"search_id": first.SearchID, "part_id": part}})
		if len(resp.Errors) > 0 {
			if part != 4 || !strings.Contains(resp.Errors[0].Message, "not found") ||
				resp.code() != "NOT_FOUND" {
				t.Fatalf("poll part %d: %+v", part, resp.Errors)
			}
			break
		}
		var p alertsPage
		_ = json.Unmarshal(resp.Data["alertsServicePoll"], &p)
		if p.Alerts.Part != part {
			t.Fatalf("poll part %d answered part %d", part, p.Alerts.Part)
		}
		seen += len(p.Alerts.List)
	}
	if seen != planted {
		t.Fatalf("paged %d alerts, want %d", seen, planted)
	}

	bad := post(t, srv.URL()+emulator.PathGraphQL, tok, tenant, pollQuery, map[string]any{
		"in": map[string]any{"search_id": "no-such-search", "part_id": 2}})
	if bad.code() != "NOT_FOUND" {
		t.Fatalf("unknown search id: %+v", bad.Errors)
	}
	syntax := post(t, srv.URL()+emulator.PathGraphQL, tok, tenant, searchQuery,
		map[string]any{"in": map[string]any{"cql_query": "FROM alert WHERE severity >="}})
	if syntax.code() != "BAD_USER_INPUT" || !strings.Contains(syntax.Errors[0].Message, "line") {
		t.Fatalf("bad CQL: %+v", syntax.Errors)
	}
}

func TestAuthAndTenantRefusals(t *testing.T) {
	srv := start(t, t.TempDir())
	other := start(t, t.TempDir())
	forged := token(t, other)
	expired, err := srv.Token(-time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	tok := token(t, srv)
	q := `{ requestTenantContext { tenantIDs } }`
	tests := []struct {
		name, tok, tenant string
		status            int
		code              string
	}{
		{"granted", tok, srv.TenantIDs()[1], 200, ""},
		{"not granted", tok, "99999", 200, "FORBIDDEN"},
		{"forged", forged, "", 401, "UNAUTHENTICATED"},
		{"expired", expired, "", 401, "UNAUTHENTICATED"},
		{"missing", "", "", 401, "UNAUTHENTICATED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, path := range []string{emulator.PathGraphQL, emulator.PathEvents,
				emulator.PathTenants} {
				r := post(t, srv.URL()+path, tt.tok, tt.tenant, `{ __typename }`, nil)
				if r.status != tt.status || r.code() != tt.code {
					t.Fatalf("%s: %d %+v, want %d %q", path, r.status, r.Errors, tt.status,
						tt.code)
				}
			}
		})
	}
	r := post(t, srv.URL()+emulator.PathGraphQL, tok, srv.TenantIDs()[1], q, nil)
	if !strings.Contains(string(r.Data["requestTenantContext"]), srv.TenantIDs()[1]) {
		t.Fatalf("tenant context %s", r.Data["requestTenantContext"])
	}
}

func TestFaults(t *testing.T) {
	srv := start(t, t.TempDir())
	tok := token(t, srv)
	if err := srv.InjectFault(emulator.Fault{Status: 429, Count: 1, RetryAfter: 2}); err != nil {
		t.Fatal(err)
	}
	if err := srv.InjectFault(emulator.Fault{Status: 500, Count: 2,
		Operation: "createInvestigationV2"}); err != nil {
		t.Fatal(err)
	}
	r := post(t, srv.URL()+emulator.PathGraphQL, tok, "", `{ __typename }`, nil)
	if r.status != 429 || r.header.Get("Retry-After") != "2" || r.code() != "RATE_LIMITED" {
		t.Fatalf("429 fault: %d %v %+v", r.status, r.header, r.Errors)
	}
	// The 500 fault only answers the named mutation.
	if r := post(t, srv.URL()+emulator.PathGraphQL, tok, "", `{ __typename }`, nil); r.status != 200 {
		t.Fatalf("query hit the mutation fault: %d", r.status)
	}
	m := `mutation { createInvestigationV2(input: {title: "x"}) { id } }`
	if r := post(t, srv.URL()+emulator.PathGraphQL, tok, "", m, nil); r.status != 500 {
		t.Fatalf("mutation fault: %d", r.status)
	}
	if s := srv.Faults(); s.Pending != 1 || s.Served != 2 {
		t.Fatalf("fault stats %+v, want 1 pending, 2 served", s)
	}
	if err := srv.InjectFault(emulator.Fault{Status: 200}); err == nil {
		t.Fatal("a 200 fault was accepted")
	}

	resp, err := http.Post(srv.URL()+emulator.PathFaults, "application/json",
		strings.NewReader(`{"status":503,"count":1}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if s := srv.Faults(); resp.StatusCode != 200 || s.Pending != 2 {
		t.Fatalf("admin endpoint: %d %+v", resp.StatusCode, s)
	}
}

const createInv = `mutation($in: CreateInvestigationInput!) { createInvestigationV2(input: $in) {
	id shortId title alertsEvidenceCount status } }`

func TestInvestigationsPersistAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	srv := start(t, dir)
	tenant := srv.TenantIDs()[0]
	alertID := srv.Dataset().AlertsOf(tenant)[0]["id"].(string)
	tok := token(t, srv)
	url := srv.URL() + emulator.PathGraphQL

	r := post(t, url, tok, tenant, createInv, map[string]any{"in": map[string]any{
		"title": "Encoded PowerShell", "alerts": []string{alertID}, "keyFindings": "# found"}})
	if len(r.Errors) > 0 {
		t.Fatalf("create: %+v", r.Errors)
	}
	var inv struct {
		ID                  string `json:"id"`
		AlertsEvidenceCount int    `json:"alertsEvidenceCount"`
		Status              string `json:"status"`
	}
	_ = json.Unmarshal(r.Data["createInvestigationV2"], &inv)
	if inv.ID == "" || inv.AlertsEvidenceCount != 1 || inv.Status != "OPEN" {
		t.Fatalf("created %s", r.Data["createInvestigationV2"])
	}
	c := post(t, url, tok, tenant, `mutation($id: ID!) { addCommentToInvestigation(input:
		{investigationId: $id, content: "looks bad"}) { id } }`, map[string]any{"id": inv.ID})
	if len(c.Errors) > 0 {
		t.Fatalf("comment: %+v", c.Errors)
	}
	var ruleID string
	for _, r := range srv.Dataset().Rules {
		if tid, _ := r["tenantId"].(string); (tid == "" || tid == tenant) && r["deletedAt"] == nil {
			ruleID, _ = r["id"].(string)
			break
		}
	}
	for _, m := range []struct{ q, name string }{
		{`mutation { addQLQueryToHistory(input: {rawQuery: "FROM process | head 5"}) { rn } }`,
			"history"},
		{`mutation($id: ID!) { disableRule(id: $id) { enabled } }`, "disable rule"},
	} {
		if r := post(t, url, tok, tenant, m.q, map[string]any{"id": ruleID}); len(r.Errors) > 0 {
			t.Fatalf("%s: %+v", m.name, r.Errors)
		}
	}
	srv.Close()

	srv = start(t, dir)
	url = srv.URL() + emulator.PathGraphQL
	tok = token(t, srv)
	got := post(t, url, tok, tenant, `query($id: ID!) { investigationV2(arguments: {id: $id}) {
		title alertsEvidence { alertId } commentsCount { total } } }`, map[string]any{"id": inv.ID})
	if len(got.Errors) > 0 || !strings.Contains(string(got.Data["investigationV2"]), alertID) ||
		!strings.Contains(string(got.Data["investigationV2"]), `"total":1`) {
		t.Fatalf("after restart: %s %+v", got.Data["investigationV2"], got.Errors)
	}
	list := post(t, url, tok, tenant, `{ investigationsV2(arguments: {cql: "status = 'OPEN'",
		page: 1, perPage: 10}) { totalCount investigations { id } } }`, nil)
	if !strings.Contains(string(list.Data["investigationsV2"]), `"totalCount":1`) {
		t.Fatalf("list: %s %+v", list.Data["investigationsV2"], list.Errors)
	}
	hist := post(t, url, tok, tenant, `{ listQLQueries(input: {first: 5}) { queries { rawQuery } } }`,
		nil)
	if !strings.Contains(string(hist.Data["listQLQueries"]), "head 5") {
		t.Fatalf("history after restart: %s %+v", hist.Data["listQLQueries"], hist.Errors)
	}
	rule := post(t, url, tok, tenant, `query($id: ID!) { rule(id: $id) { enabled } }`,
		map[string]any{"id": ruleID})
	if string(rule.Data["rule"]) != `{"enabled":false}` {
		t.Fatalf("rule after restart: %s %+v", rule.Data["rule"], rule.Errors)
	}
	// Another tenant cannot see it.
	miss := post(t, url, tok, srv.TenantIDs()[1], `query($id: ID!) { investigationV2(arguments:
		{id: $id}) { id } }`, map[string]any{"id": inv.ID})
	if miss.code() != "NOT_FOUND" {
		t.Fatalf("other tenant: %+v", miss.Errors)
	}
}

// subscribe runs one subscription over graphql-ws and returns its data payloads.
func subscribe(t testing.TB, srv *emulator.Server, tok, tenant, query string,
	vars map[string]any) []json.RawMessage {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	url := strings.Replace(srv.URL(), "http://", "ws://", 1) + emulator.PathEvents
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{
		"graphql-ws", "access-token-" + tok, "x-tenant-context-" + tenant}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	c.SetReadLimit(64 << 20)
	write := func(v any) {
		b, _ := json.Marshal(v)
		if err := c.Write(ctx, websocket.MessageText, b); err != nil {
			t.Fatal(err)
		}
	}
	write(map[string]any{"type": "connection_init", "payload": map[string]any{}})
	write(map[string]any{"id": "1", "type": "start", "payload": map[string]any{
		"query": query, "variables": vars}})
	var out []json.RawMessage
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var m struct {
			Type    string `json:"type"`
			Payload struct {
				Data   json.RawMessage `json:"data"`
				Errors []any           `json:"errors"`
			} `json:"payload"`
		}
		_ = json.Unmarshal(b, &m)
		switch m.Type {
		case "data":
			if len(m.Payload.Errors) > 0 {
				t.Fatalf("subscription error: %s", b)
			}
			out = append(out, m.Payload.Data)
		case "error", "connection_error":
			t.Fatalf("subscription: %s", b)
		case "complete":
			return out
		}
	}
}

type eventMessage struct {
	Next   *string `json:"next"`
	Result *struct {
		Type string           `json:"type"`
		Rows []map[string]any `json:"rows"`
	} `json:"result"`
}

// eventRows runs an event query and its pages to the end and counts rows per type.
func eventRows(t testing.TB, srv *emulator.Server, tok, tenant, query string,
	pageSize int) map[string]int {
	counts := map[string]int{}
	msgs := subscribe(t, srv, tok, tenant, `subscription($q: String!, $o: EventQueryOptions) {
		eventQuery(query: $q, options: $o) { next result { type rows } } }`,
		map[string]any{"q": query, "o": map[string]any{"pageSize": pageSize}})
	field := "eventQuery"
	for {
		var next string
		for _, raw := range msgs {
			var d map[string]eventMessage
			_ = json.Unmarshal(raw, &d)
			m := d[field]
			if m.Result != nil {
				counts[m.Result.Type] += len(m.Result.Rows)
			}
			if m.Next != nil && next == "" {
				next = *m.Next
			}
		}
		if next == "" {
			return counts
		}
		field = "eventPage"
		msgs = subscribe(t, srv, tok, tenant, `subscription($id: ID!) { eventPage(id: $id) {
			next result { type rows } } }`, map[string]any{"id": next})
	}
}

func TestEventQueryPagesOverWebsockets(t *testing.T) {
	srv := start(t, t.TempDir())
	tenant := srv.TenantIDs()[0]
	tok := token(t, srv)
	want := map[string]int{}
	for _, typ := range []string{"process", "netflow"} {
		n, err := srv.Dataset().EventCount(tenant, typ)
		if err != nil {
			t.Fatal(err)
		}
		want[typ] = n
	}
	got := eventRows(t, srv, tok, tenant, "FROM process, netflow", 1000)
	if got["process"] != want["process"] || got["netflow"] != want["netflow"] {
		t.Fatalf("paged rows %v, want %v", got, want)
	}
	if want["process"] <= 1000 {
		t.Fatalf("the dataset has only %d process events: paging was not exercised",
			want["process"])
	}
}

func TestPartialDataWithErrors(t *testing.T) {
	srv := start(t, t.TempDir())
	tok := token(t, srv)
	r := post(t, srv.URL()+emulator.PathGraphQL, tok, srv.TenantIDs()[0], `{
		missing: tenant(id: "00000") { id }
		present: requestTenantContext { tenantIDs } }`, nil)
	if len(r.Errors) != 1 || r.code() != "NOT_FOUND" {
		t.Fatalf("errors %+v, want one NOT_FOUND", r.Errors)
	}
	if string(r.Data["missing"]) != "null" ||
		!strings.Contains(string(r.Data["present"]), srv.TenantIDs()[0]) {
		t.Fatalf("data %v, want missing null and present filled", r.Data)
	}
}

func TestGraphQLWSProtocol(t *testing.T) {
	srv := start(t, t.TempDir())
	tok := token(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	url := strings.Replace(srv.URL(), "http://", "ws://", 1) + emulator.PathEvents
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{
		"graphql-ws", "access-token-" + tok}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	c.SetReadLimit(64 << 20)
	if c.Subprotocol() != "graphql-ws" {
		t.Fatalf("negotiated %q, want graphql-ws", c.Subprotocol())
	}
	send := func(s string) {
		if err := c.Write(ctx, websocket.MessageText, []byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	next := func(want string) map[string]any {
		for {
			_, b, err := c.Read(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			_ = json.Unmarshal(b, &m)
			if m["type"] == "ka" && want != "ka" || m["type"] == "data" && want == "complete" {
				continue // keep-alives, and pages already sent when a stop arrives
			}
			if m["type"] != want {
				t.Fatalf("got %s, want a %s message", b, want)
			}
			return m
		}
	}
	send(`{"type":"connection_init","payload":{}}`)
	next("connection_ack")
	send(`{"type":"bogus"}`)
	if m := next("error"); !strings.Contains(fmt.Sprint(m["payload"]), "graphql-ws") {
		t.Fatalf("unknown type answered %v", m)
	}
	send(`{"id":"q","type":"start","payload":{"query":"{ eventQuery(id: \"x\") { id } }"}}`)
	if m := next("data"); !strings.Contains(fmt.Sprint(m["payload"]), "NOT_FOUND") {
		t.Fatalf("unknown query id answered %v", m)
	}
	next("complete")
	send(`{"id":"s","type":"start","payload":{"query":"subscription { eventQuery(query: ` +
		`\"FROM process\") { queryId } }"}}`)
	next("data")
	send(`{"id":"s","type":"stop"}`)
	next("complete")
	send(`{"type":"connection_terminate"}`)
	if _, _, err := c.Read(ctx); websocket.CloseStatus(err) != websocket.StatusNormalClosure {
		t.Fatalf("after terminate: %v, want a normal close", err)
	}
}

func TestCloseEndsWebsockets(t *testing.T) {
	srv, err := emulator.Start(context.Background(), emulator.Config{DataDir: t.TempDir(),
		Tenants: 1})
	if err != nil {
		t.Fatal(err)
	}
	tok := token(t, srv)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	url := strings.Replace(srv.URL(), "http://", "ws://", 1) + emulator.PathEvents
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{
		"graphql-ws", "access-token-" + tok}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if err := c.Write(ctx, websocket.MessageText,
		[]byte(`{"type":"connection_init"}`)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Read(ctx); err != nil { // connection_ack
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	for {
		if _, _, err := c.Read(ctx); err != nil {
			if ctx.Err() != nil {
				t.Fatal("the websocket stayed open after Close")
			}
			return
		}
	}
}

func TestEventQueryLifecycleAndFetch(t *testing.T) {
	srv := start(t, t.TempDir())
	tenant := srv.TenantIDs()[0]
	tok := token(t, srv)
	url := srv.URL() + emulator.PathEvents
	msgs := subscribe(t, srv, tok, tenant, `subscription { eventQuery(query:
		"FROM process | head 3") { queryId result { rows } } }`, nil)
	var first struct {
		EventQuery struct {
			QueryID string `json:"queryId"`
		} `json:"eventQuery"`
	}
	_ = json.Unmarshal(msgs[0], &first)
	id := first.EventQuery.QueryID
	if id == "" {
		t.Fatalf("no queryId in %s", msgs[0])
	}
	q := `query($id: ID!) { eventQuery(id: $id) { status types progress { totalRows } } }`
	r := post(t, url, tok, tenant, q, map[string]any{"id": id})
	if !strings.Contains(string(r.Data["eventQuery"]), `"status":"SUCCEEDED"`) ||
		!strings.Contains(string(r.Data["eventQuery"]), `"totalRows":3`) {
		t.Fatalf("eventQuery state %s %+v", r.Data["eventQuery"], r.Errors)
	}
	del := post(t, url, tok, tenant, `mutation($id: ID!) { deleteEventQuery(id: $id) }`,
		map[string]any{"id": id})
	if string(del.Data["deleteEventQuery"]) != "true" {
		t.Fatalf("delete %s %+v", del.Data["deleteEventQuery"], del.Errors)
	}
	if r := post(t, url, tok, tenant, q, map[string]any{"id": id}); r.code() != "NOT_FOUND" {
		t.Fatalf("after delete: %+v", r.Errors)
	}

	rows, err := srv.Dataset().Events(tenant, "process")
	if err != nil {
		t.Fatal(err)
	}
	evID := rows[0]["id"].(string)
	got := post(t, url, tok, tenant, `query($ids: [ID!]!) { events(ids: $ids) { id values } }`,
		map[string]any{"ids": []string{evID, "event://nope"}})
	var evs []struct {
		ID     string         `json:"id"`
		Values map[string]any `json:"values"`
	}
	_ = json.Unmarshal(got.Data["events"], &evs)
	if len(evs) != 1 || evs[0].ID != evID || evs[0].Values["event_type"] != "process" {
		t.Fatalf("events(ids) = %s %+v", got.Data["events"], got.Errors)
	}
}

func TestInvestigationLifecycle(t *testing.T) {
	srv := start(t, t.TempDir())
	tenant := srv.TenantIDs()[0]
	alertID := srv.Dataset().AlertsOf(tenant)[1]["id"].(string)
	tok := token(t, srv)
	url := srv.URL() + emulator.PathGraphQL
	do := func(q string, vars map[string]any) *gqlResponse {
		t.Helper()
		return post(t, url, tok, tenant, q, vars)
	}
	r := do(createInv, map[string]any{"in": map[string]any{"title": "lifecycle"}})
	var inv struct{ ID string }
	_ = json.Unmarshal(r.Data["createInvestigationV2"], &inv)

	steps := []struct {
		name, q, field, want, code string
	}{
		{"add alert", `mutation($id: ID!, $a: [String!]) { addEvidenceToInvestigation(
			input: {investigationId: $id, alerts: $a}) { alerts } }`,
			"addEvidenceToInvestigation", alertID, ""},
		{"add unknown alert", `mutation($id: ID!) { addEvidenceToInvestigation(input:
			{investigationId: $id, alerts: ["alert://nope"]}) { alerts } }`, "", "", "NOT_FOUND"},
		{"close needs a resolution", `mutation($id: ID!) { closeInvestigation(input:
			{id: $id, status: CLOSED_FALSE_POSITIVE_ALERT}) { id } }`, "", "",
			"BAD_USER_INPUT"},
		{"close", `mutation($id: ID!) { closeInvestigation(input: {id: $id,
			status: CLOSED_FALSE_POSITIVE_ALERT, alertsResolutionStatus: FALSE_POSITIVE,
			reason: "benign"}) { status closeReason } }`, "closeInvestigation",
			`"status":"CLOSED_FALSE_POSITIVE_ALERT"`, ""},
		{"alert resolved", `query($a: [String!]) { alertsServiceRetrieveAlertsById(in:
			{iDs: $a}) { alerts { list { status resolution_reason } } } }`,
			"alertsServiceRetrieveAlertsById", `"status":"FALSE_POSITIVE"`, ""},
		{"remove alert", `mutation($id: ID!, $a: [String!]) {
			removeEvidenceFromInvestigation(input: {investigationId: $id, alerts: $a}) {
			alerts } }`, "removeEvidenceFromInvestigation", alertID, ""},
		{"update", `mutation($id: ID!) { updateInvestigationV2(input: {id: $id,
			priority: 4, tags: ["hunt"]}) { priority tags alertsEvidenceCount } }`,
			"updateInvestigationV2", `"priority":4,"tags":["hunt"],"alertsEvidenceCount":0`, ""},
		{"bad priority", `mutation($id: ID!) { updateInvestigationV2(input: {id: $id,
			priority: 9}) { id } }`, "", "", "BAD_USER_INPUT"},
		{"archive", `mutation($id: ID!) { archiveInvestigationV2(input: {id: $id}) {
			archivedAt } }`, "archiveInvestigationV2", `"archivedAt":"`, ""},
		{"hidden when archived", `{ investigationsV2(arguments: {}) { totalCount } }`,
			"investigationsV2", `"totalCount":0`, ""},
		{"unarchive", `mutation($id: ID!) { unarchiveInvestigationV2(input: {id: $id}) {
			archivedAt } }`, "unarchiveInvestigationV2", `"archivedAt":null`, ""},
		{"listed again", `{ investigationsV2(arguments: {}) { totalCount } }`,
			"investigationsV2", `"totalCount":1`, ""},
	}
	for _, s := range steps {
		r := do(s.q, map[string]any{"id": inv.ID, "a": []string{alertID}})
		if s.code != "" {
			if r.code() != s.code {
				t.Fatalf("%s: %+v, want %s", s.name, r.Errors, s.code)
			}
			continue
		}
		if len(r.Errors) > 0 || !strings.Contains(string(r.Data[s.field]), s.want) {
			t.Fatalf("%s: %s %+v, want %s", s.name, r.Data[s.field], r.Errors, s.want)
		}
	}
}

func TestEventOrder(t *testing.T) {
	srv := start(t, t.TempDir())
	tenant := srv.TenantIDs()[0]
	tok := token(t, srv)
	all, err := srv.Dataset().Events(tenant, "process")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		ascending bool
		want      any
	}{
		{"newest first by default", false, all[len(all)-1]["id"]},
		{"oldest first when ascending", true, all[0]["id"]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msgs := subscribe(t, srv, tok, tenant, `subscription($o: EventQueryOptions) {
				eventQuery(query: "FROM process | head 1", options: $o) { result { rows } } }`,
				map[string]any{"o": map[string]any{"timestampAscending": tt.ascending}})
			var got any
			for _, raw := range msgs {
				var d map[string]eventMessage
				_ = json.Unmarshal(raw, &d)
				if r := d["eventQuery"].Result; r != nil && len(r.Rows) == 1 {
					got = r.Rows[0]["id"]
				}
			}
			if got != tt.want {
				t.Fatalf("head 1 gave %v, want %v", got, tt.want)
			}
		})
	}
}

func TestConcurrentEvidenceIsAllKept(t *testing.T) {
	srv := start(t, t.TempDir())
	tenant := srv.TenantIDs()[0]
	tok := token(t, srv)
	url := srv.URL() + emulator.PathGraphQL
	r := post(t, url, tok, tenant, createInv, map[string]any{"in": map[string]any{
		"title": "busy"}})
	var inv struct{ ID string }
	_ = json.Unmarshal(r.Data["createInvestigationV2"], &inv)
	alerts := srv.Dataset().AlertsOf(tenant)
	n := min(20, len(alerts))
	errs := make(chan string, n)
	for i := range n {
		go func() {
			r := post(t, url, tok, tenant, `mutation($id: ID!, $a: [String!]) {
				addEvidenceToInvestigation(input: {investigationId: $id, alerts: $a}) {
				investigationId } }`, map[string]any{"id": inv.ID,
				"a": []string{alerts[i]["id"].(string)}})
			msg := ""
			if len(r.Errors) > 0 {
				msg = r.Errors[0].Message
			}
			errs <- msg
		}()
	}
	for range n {
		if msg := <-errs; msg != "" {
			t.Fatal(msg)
		}
	}
	got := post(t, url, tok, tenant, `query($id: ID!) { investigationV2(arguments: {id: $id}) {
		alertsEvidenceCount } }`, map[string]any{"id": inv.ID})
	want := fmt.Sprintf(`{"alertsEvidenceCount":%d}`, n)
	if string(got.Data["investigationV2"]) != want {
		t.Fatalf("after %d concurrent additions: %s", n, got.Data["investigationV2"])
	}
}
