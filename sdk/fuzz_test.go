package sdk

import (
	"encoding/json"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// FuzzParsers feeds one untrusted text to every small parser of the package: JWT claims,
// Retry-After, the settings file and graphql-ws error payloads. None may panic, and each
// result must keep its promises.
func FuzzParsers(f *testing.F) {
	f.Add(testJWT(f, time.Unix(1900000000, 0), "1", "2"))
	f.Add("a.eyJleHAiOjFlMzAwfQ.y")
	f.Add("120")
	f.Add("Wed, 21 Oct 2015 07:28:00 GMT")
	f.Add("default_region: echo\nregions:\n  lab:\n    url: http://127.0.0.1:8765\n" +
		"auth:\n  charlie:\n    client_id_env: CHARLIE_ID\n    universal: true\n")
	f.Add(`[{"message":"bad","path":["a",0],"extensions":{"code":"FORBIDDEN"}}]`)
	f.Add(`{"message":"token refused"}`)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, text string) {
		if exp, ok := TokenExpiry(text); ok && exp.Unix() <= 0 {
			t.Fatalf("TokenExpiry = %v, before 1970", exp)
		}
		_ = TokenTenants(text)

		if d, ok := ParseRetryAfter(text, now); ok && d < 0 {
			t.Fatalf("ParseRetryAfter(%q) = %v, a negative delay", text, d)
		}

		if s, err := ParseSettings([]byte(text)); err == nil {
			// What parsed must save and parse again to the same settings.
			data, err := yaml.Marshal(s)
			if err != nil {
				t.Fatalf("marshal parsed settings: %v", err)
			}
			again, err := ParseSettings(data)
			if err != nil {
				t.Fatalf("saved settings do not parse again: %v\n%s", err, data)
			}
			a, _ := json.Marshal(normalized(s))
			b, _ := json.Marshal(normalized(again))
			if string(a) != string(b) {
				t.Fatalf("settings changed in a round trip: %s vs %s", a, b)
			}
		}

		if errs := payloadErrors(json.RawMessage(text)); len(errs) == 0 {
			t.Fatal("payloadErrors returned no error")
		}
	})
}

// normalized treats empty maps as absent, as the settings file does.
func normalized(s *Settings) *Settings {
	n := *s
	if len(n.Regions) == 0 {
		n.Regions = nil
	}
	if len(n.Auth) == 0 {
		n.Auth = nil
	}
	return &n
}
