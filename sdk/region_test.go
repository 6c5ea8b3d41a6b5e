package sdk

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestLookupRegion(t *testing.T) {
	s := &Settings{}
	if err := s.AddRegion("staging", "https://api.staging.example.com/", "",
		"https://auth.staging.example.com"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, want, api, tenants, auth string
	}{
		{"charlie", "charlie", "https://api.ctpx.secureworks.com",
			"https://api.tenants.ctpx.secureworks.com", "https://api.ctpx.secureworks.com"},
		{"US1", "charlie", "https://api.ctpx.secureworks.com", "", ""},
		{"Production", "charlie", "", "", ""},
		{"us2", "delta", "https://api.delta.taegis.secureworks.com",
			"https://api-tenants.delta.taegis.secureworks.com", ""},
		{"EU", "echo", "https://api.echo.taegis.secureworks.com", "", ""},
		{"us3", "foxtrot", "", "", ""},
		{"euw1", "golf", "", "", ""},
		{"apse2", "hotel", "", "", ""},
		{"aps1", "india", "", "", ""},
		{"apne1", "juliet", "", "", ""},
		{"sae1", "kilo", "", "", ""},
		{"cac1", "quebec", "https://api.quebec.taegis.secureworks.com", "", ""},
		{"universal", "universal", "https://api.taegis.secureworks.com", "", ""},
		{" Local ", "local", "", "", ""},
		{"staging", "staging", "https://api.staging.example.com",
			"https://api.staging.example.com", "https://auth.staging.example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := LookupRegion(s, tt.name)
			if err != nil {
				t.Fatal(err)
			}
			if r.Name != tt.want {
				t.Errorf("Name = %q, want %q", r.Name, tt.want)
			}
			for _, c := range []struct{ got, want, what string }{
				{r.API, tt.api, "API"}, {r.Tenants, tt.tenants, "Tenants"}, {r.Auth, tt.auth, "Auth"},
			} {
				if c.want != "" && c.got != c.want {
					t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
				}
			}
		})
	}
}

func TestUnknownRegion(t *testing.T) {
	_, err := LookupRegion(nil, "charly")
	var ue *UnknownRegionError
	if !errors.As(err, &ue) {
		t.Fatalf("err = %v, want *UnknownRegionError", err)
	}
	msg := err.Error()
	for _, want := range []string{`"charly"`, "charlie, delta, echo", "local",
		"gotaegis configure regions add NAME URL"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}

func TestResolveRegion(t *testing.T) {
	withDefault := &Settings{DefaultRegion: "echo"}
	renamed := &Settings{Auth: map[string]AuthConfig{
		"charlie": {ClientIDEnv: "CHARLIE_ID", ClientSecretEnv: "CHARLIE_SECRET"}}}
	tests := []struct {
		name     string
		settings *Settings
		explicit string
		env      map[string]string
		want     string
		wantErr  bool
	}{
		{"explicit wins", withDefault, "us2", map[string]string{"TAEGIS_REGION": "golf"},
			"delta", false},
		{"environment next", withDefault, "", map[string]string{"TAEGIS_REGION": "golf"},
			"golf", false},
		{"configured default next", withDefault, "", nil, "echo", false},
		{"credentials mean charlie", nil, "", map[string]string{"CLIENT_ID": "a",
			"CLIENT_SECRET": "b"}, "charlie", false},
		{"half the credentials mean local", nil, "", map[string]string{"CLIENT_ID": "a"},
			"local", false},
		{"renamed credentials", renamed, "", map[string]string{"CHARLIE_ID": "a",
			"CHARLIE_SECRET": "b"}, "charlie", false},
		{"renamed, default names unset", renamed, "", map[string]string{"CLIENT_ID": "a",
			"CLIENT_SECRET": "b"}, "local", false},
		{"nothing means local", nil, "", nil, "local", false},
		{"unknown explicit", nil, "nowhere", nil, "", true},
		{"unknown in environment", nil, "", map[string]string{"TAEGIS_REGION": "x"}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ResolveRegion(tt.settings, tt.explicit, func(k string) string {
				return tt.env[k]
			})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if r.Name != tt.want {
				t.Errorf("region = %q, want %q", r.Name, tt.want)
			}
		})
	}
}

func TestRegionURLs(t *testing.T) {
	r, _ := LookupRegion(nil, "delta")
	tests := []struct {
		g        Gateway
		http, ws string
	}{
		{GatewayGraphQL, "https://api.delta.taegis.secureworks.com/graphql",
			"wss://api.delta.taegis.secureworks.com/graphql"},
		{GatewayEvents, "https://api.delta.taegis.secureworks.com/events/query",
			"wss://api.delta.taegis.secureworks.com/events/query"},
		{GatewayTenants, "https://api-tenants.delta.taegis.secureworks.com/public/query",
			"wss://api-tenants.delta.taegis.secureworks.com/public/query"},
	}
	for _, tt := range tests {
		if got, _ := r.URL(tt.g); got != tt.http {
			t.Errorf("URL(%s) = %q, want %q", tt.g, got, tt.http)
		}
		if got, _ := r.WebsocketURL(tt.g); got != tt.ws {
			t.Errorf("WebsocketURL(%s) = %q, want %q", tt.g, got, tt.ws)
		}
	}
	if got := r.TokenURL(); got != "https://api.delta.taegis.secureworks.com/auth/api/v2/auth/token" {
		t.Errorf("TokenURL = %q", got)
	}
	local := Region{Name: "local", Local: true}.withBase("http://127.0.0.1:9/")
	if got, _ := local.WebsocketURL(GatewayEvents); got != "ws://127.0.0.1:9/events/query" {
		t.Errorf("local events websocket URL = %q", got)
	}
}

func TestLocalRegion(t *testing.T) {
	t.Cleanup(func() { RegisterLocal(nil) })
	RegisterLocal(nil)
	c, err := New(Config{Region: "local", ConfigDir: t.TempDir(), Settings: &Settings{},
		Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Do(context.Background(), Request{Kind: Query, Field: "ping", Document: pingDoc},
		&pingOut{})
	if err == nil || !strings.Contains(err.Error(), "gotaegis emulator") {
		t.Fatalf("Do on unregistered local: %v, want advice to start gotaegis emulator", err)
	}

	f := newFakeTaegis(t)
	f.tokenAuth = func(id, secret string) bool {
		return id == LocalClientID && secret == LocalClientSecret
	}
	starts := 0
	RegisterLocal(func(context.Context) (string, error) {
		starts++
		return f.srv.URL, nil
	})
	for range 2 {
		var out pingOut
		if err := c.Do(context.Background(), Request{Kind: Query, Field: "ping",
			Document: pingDoc}, &out); err != nil {
			t.Fatalf("Do on local: %v", err)
		}
	}
	if starts != 1 {
		t.Errorf("the emulator was started %d times, want 1", starts)
	}
	if got, _ := c.URL(context.Background(), GatewayTenants); got != f.srv.URL+"/public/query" {
		t.Errorf("local tenants URL = %q", got)
	}
	if c.Region() != RegionLocal {
		t.Errorf("Region() = %q", c.Region())
	}
}

func TestNewRejects(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"universal is not a data region", Config{Region: "universal"}, "only issues tokens"},
		{"half credentials", Config{Region: "charlie", ClientID: "a"}, "set both"},
		{"unknown region", Config{Region: "nowhere"}, "configure regions add"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Settings = &Settings{}
			tt.cfg.Getenv = func(string) string { return "" }
			_, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New: %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestUniversalAuth(t *testing.T) {
	f := newFakeTaegis(t)
	c := newTestClient(t, f, func(cfg *Config) { cfg.UniversalAuth = true })
	base, err := c.core.tokens.authBase(context.Background())
	if err != nil || base != "https://api.taegis.secureworks.com" {
		t.Errorf("universal auth base = %q, %v", base, err)
	}
	if c.core.tokens.cacheKey != RegionUniversal {
		t.Errorf("cache key = %q, want universal", c.core.tokens.cacheKey)
	}
}
