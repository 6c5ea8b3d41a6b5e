package magics

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"gotaegis/emulator"
	"gotaegis/sdk"
)

// srv is the emulator every test talks to, over HTTP with OAuth, as region local.
var srv *emulator.Server

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "magics-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	// Settings (macros path) and the default evidence database stay inside the test.
	os.Setenv("GOTAEGIS_CONFIG_DIR", dir+"/config")
	os.Setenv("GOTAEGIS_DATA_DIR", dir+"/data")
	srv, err = emulator.Start(context.Background(), emulator.Config{DataDir: dir + "/emulator",
		Tenants: 3, Seed: 7})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer srv.Close()
	sdk.RegisterLocal(func(context.Context) (string, error) { return srv.URL(), nil })
	return m.Run()
}

// testEnv is an Env on the emulator with its own in-memory evidence databases.
type testEnv struct {
	*Env
	out, errs *bytes.Buffer
	dbs       *Databases
}

func newEnv(t *testing.T) *testEnv {
	t.Helper()
	out, errs := &bytes.Buffer{}, &bytes.Buffer{}
	dbs := &Databases{}
	t.Cleanup(func() { dbs.Close() })
	env := &Env{
		Client: Clients(sdk.Config{Region: "local", ConfigDir: t.TempDir(),
			Settings: &sdk.Settings{}, NoTokenCache: true,
			Getenv: func(string) string { return "" },
			Retry:  sdk.RetryPolicy{BaseDelay: 10 * time.Millisecond, MaxTime: 5 * time.Second}}),
		Evidence: dbs.Open,
		Stdout:   out,
		Stderr:   errs,
		Now:      func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
		Getenv:   func(string) string { return "" },
	}
	return &testEnv{Env: env, out: out, errs: errs, dbs: dbs}
}

// run runs a command line split on spaces, failing the test on error.
func (e *testEnv) run(t *testing.T, line string, extra ...string) *Result {
	t.Helper()
	r, err := Run(context.Background(), e.Env, append(strings.Fields(line), extra...))
	if err != nil {
		t.Fatalf("%s: %v\nstderr: %s", line, err, e.errs)
	}
	return r
}

func tenants(t *testing.T) []string {
	t.Helper()
	ids := srv.TenantIDs()
	if len(ids) < 3 {
		t.Fatalf("the emulator has %d tenants, want 3", len(ids))
	}
	return ids
}
