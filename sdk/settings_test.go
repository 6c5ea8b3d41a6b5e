package sdk

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSettingsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	s, err := LoadSettings(dir)
	if err != nil {
		t.Fatalf("LoadSettings of a missing file: %v", err)
	}
	if err := s.AddRegion("Staging", "https://api.staging.example.com",
		"https://tenants.staging.example.com", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDefaultRegion("US2"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAuth("us1", AuthConfig{ClientIDEnv: "CHARLIE_CLIENT_ID",
		ClientSecretEnv: "CHARLIE_CLIENT_SECRET"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetAuth("staging", AuthConfig{Universal: true}); err != nil {
		t.Fatal(err)
	}
	if err := s.Save(); err != nil {
		t.Fatal(err)
	}

	got, err := os.ReadFile(filepath.Join(dir, SettingsFile))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "settings.golden.yaml", got)
	if info, _ := os.Stat(filepath.Join(dir, SettingsFile)); info.Mode().Perm() != 0o600 {
		t.Errorf("settings file mode %v, want 0600", info.Mode().Perm())
	}

	back, err := LoadSettings(dir)
	if err != nil {
		t.Fatal(err)
	}
	if back.DefaultRegion != "delta" || back.Regions["staging"].TenantsURL == "" ||
		back.credentialNames("charlie").id != "CHARLIE_CLIENT_ID" || !back.universal("staging") {
		t.Errorf("reloaded settings differ: %+v", back)
	}

	if err := back.RemoveRegion("staging"); err != nil {
		t.Fatal(err)
	}
	if _, ok := back.Auth["staging"]; ok {
		t.Error("RemoveRegion kept the region's auth settings")
	}
	if err := back.RemoveRegion("charlie"); err == nil ||
		!strings.Contains(err.Error(), "built in") {
		t.Errorf("RemoveRegion(charlie) = %v, want a built-in error", err)
	}
}

func TestParseSettings(t *testing.T) {
	tests := []struct {
		name, text, wantErr string
	}{
		{"json works", `{"default_region": "echo", "regions": {"lab": ` +
			`{"url": "http://127.0.0.1:8765"}}}`, ""},
		{"empty", ``, ""},
		{"not yaml", "regions: [", "parse"},
		{"built-in shadowed", "regions:\n  charlie:\n    url: https://x.example.com\n", "built in"},
		{"relative url", "regions:\n  lab:\n    url: /graphql\n", "absolute http"},
		{"bad name", "regions:\n  Lab!:\n    url: https://x.example.com\n", "region name"},
		{"bad variable", "auth:\n  charlie:\n    client_id_env: 'A B'\n", "environment variable"},
		{"bad tenants url", "regions:\n  lab:\n    url: https://x.example.com\n" +
			"    tenants_url: ftp://x\n", "tenants_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSettings([]byte(tt.text))
			if tt.wantErr == "" && err != nil {
				t.Fatalf("ParseSettings: %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("ParseSettings: %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestLoadSettingsReportsPath(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, SettingsFile), []byte("regions: ["), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := LoadSettings(dir)
	if err == nil || !strings.Contains(err.Error(), SettingsFile) {
		t.Fatalf("LoadSettings: %v, want an error naming the file", err)
	}
}
