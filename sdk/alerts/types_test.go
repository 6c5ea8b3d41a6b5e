package alerts

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

func decodeAlert(t *testing.T) *Alert2 {
	t.Helper()
	b, err := os.ReadFile("testdata/alert.json")
	if err != nil {
		t.Fatal(err)
	}
	var a Alert2
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return &a
}

func TestUnionDispatchesOnTypename(t *testing.T) {
	a := decodeAlert(t)
	tests := []struct {
		name     string
		props    *Properties
		typename string
		check    func(*Properties) bool
	}{
		{"host", a.SourceEntities[0].Properties, "EntityHost",
			func(p *Properties) bool { return p.EntityHost.GetHostname() == "web-01" }},
		{"process", a.SourceEntities[1].Properties, "EntityProcess",
			func(p *Properties) bool { return p.EntityProcess.GetCommandline() == "powershell -enc" }},
		{"unknown member kept raw", a.SourceEntities[2].Properties, "EntityCloudThing",
			func(p *Properties) bool {
				return p.Value() == nil && strings.Contains(string(p.Raw), "arn:aws:x")
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.props == nil || tt.props.Typename != tt.typename || !tt.check(tt.props) {
				t.Errorf("got %+v", tt.props)
			}
		})
	}
	if a.SourceEntities[3].Properties != nil {
		t.Errorf("null properties decoded as %+v", a.SourceEntities[3].Properties)
	}
}

func TestUnionRoundTripKeepsTypename(t *testing.T) {
	a := decodeAlert(t)
	b, err := json.Marshal(a.SourceEntities[0])
	if err != nil {
		t.Fatal(err)
	}
	var back StructuredEntity
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Properties.EntityHost.GetHostID() != "h1" ||
		!strings.Contains(string(b), `"__typename":"EntityHost"`) {
		t.Errorf("round trip gave %s", b)
	}
}

func TestUnknownEnumValuesDecode(t *testing.T) {
	a := decodeAlert(t)
	if a.GetStatus() != ResolutionStatusTruePositiveMalicious || !a.GetStatus().IsKnown() {
		t.Errorf("status %q, known %v", a.GetStatus(), a.GetStatus().IsKnown())
	}
	if a.GetVisibility() != "SOMETHING_NEW" || a.GetVisibility().IsKnown() {
		t.Errorf("visibility %q, known %v", a.GetVisibility(), a.GetVisibility().IsKnown())
	}
}

func TestGettersAreNilSafe(t *testing.T) {
	var a *Alert2
	if a.GetMetadata().GetCreator().GetDetector().GetDetectorID() != "" || a.GetID() != "" {
		t.Error("getters on nil returned values")
	}
	a = decodeAlert(t)
	if a.GetMetadata().GetCreator().GetDetector().GetDetectorID() != "event-filter" ||
		a.GetMetadata().GetCreatedAt().GetSeconds() != 1700000000 {
		t.Errorf("getters lost values: %+v", a.Metadata)
	}
}

func TestServiceWithoutClient(t *testing.T) {
	var s *Service
	_, err := s.AlertsServiceSearch(context.Background(), nil)
	if !errors.Is(err, errNoClient) {
		t.Errorf("got %v, want errNoClient", err)
	}
}

func TestEnumValues(t *testing.T) {
	vals := ResolutionStatus("").Values()
	if len(vals) != 9 || vals[0] != ResolutionStatusOpen || vals[8] != ResolutionStatusDismissed {
		t.Errorf("got %v", vals)
	}
	for _, v := range vals {
		if !v.IsKnown() {
			t.Errorf("%s is not known", v)
		}
	}
}

// Decoding any server answer must not panic, and what decodes must encode again.
func FuzzDecodeAlert(f *testing.F) {
	b, err := os.ReadFile("testdata/alert.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"source_entities":[{"properties":{"__typename":"EntityUser","username":1}}]}`))
	f.Add([]byte(`{"source_entities":[{"properties":{"__typename":7}}]}`))
	f.Add([]byte(`{"target_entities":[{"properties":[]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var a Alert2
		if json.Unmarshal(data, &a) != nil {
			return
		}
		if _, err := json.Marshal(&a); err != nil {
			t.Fatalf("decoded %q but cannot encode it: %v", data, err)
		}
	})
}
