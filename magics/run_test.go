package magics

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"gotaegis/sdk"
)

func TestClientsCachePerRegion(t *testing.T) {
	clients := Clients(sdk.Config{ConfigDir: t.TempDir(), Settings: &sdk.Settings{},
		NoTokenCache: true, Getenv: func(string) string { return "" }})
	a, err := clients(context.Background(), "local")
	if err != nil {
		t.Fatal(err)
	}
	b, err := clients(context.Background(), " LOCAL ")
	if err != nil || a != b || a.Region() != "local" {
		t.Fatalf("the same region gave %p and %p (%v)", a, b, err)
	}
	if _, err := clients(context.Background(), "charly"); err == nil ||
		!strings.Contains(err.Error(), "charly") {
		t.Fatalf("an unknown region: %v", err)
	}
	e := newEnv(t)
	e.Client = clients
	if _, err := Run(context.Background(), e.Env, []string{"alerts", "search", "--region",
		"charly", "--cell", "FROM alert"}); err == nil || !strings.Contains(err.Error(), "charly") {
		t.Fatalf("a command in an unknown region: %v", err)
	}
}

func TestDatabasesOpenOncePerPath(t *testing.T) {
	var dbs Databases
	defer dbs.Close()
	path := filepath.Join(t.TempDir(), "e.db")
	a, err := dbs.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := dbs.Open(path)
	m, err := dbs.Open(":memory:")
	if err != nil || a != b || m == a {
		t.Fatalf("databases %p %p %p, %v", a, b, m, err)
	}
	if err := dbs.Close(); err != nil {
		t.Fatal(err)
	}
	c, err := dbs.Open(path)
	if err != nil || c == a {
		t.Fatalf("after Close the path opens anew: %p %p %v", a, c, err)
	}
}

func TestEnvWithoutClientOrEvidence(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"alerts", "search", "--cell", "FROM alert"}, "no Client"},
		{[]string{"investigations", "evidence", "show"}, "no evidence database"},
	} {
		_, err := Run(context.Background(), &Env{}, tt.args)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: got %v, want %q", tt.args, err, tt.want)
		}
	}
}
