package events

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestResultDecodesAsEncodingJSON checks that EventQueryResult's own decoding gives what
// encoding/json gives without it.
func TestResultDecodesAsEncodingJSON(t *testing.T) {
	type plain EventQueryResult
	tests := []struct {
		name, in string
		wantErr  bool
	}{
		{"rows and fields", `{"id":"q:process","type":"process","status":"SUCCEEDED",
			"rows":[{"host_id":"h1","process_id":42,"commandline":"C:\\Windows\\cmd.exe",
			"tags":["a","b"],"extra":{"x":null}},null],"progress":{"totalRows":2},
			"fields":[{"name":"host_id"}],"facets":{"k":1}}`, false},
		{"no rows", `{"type":"netflow","rows":[]}`, false},
		{"null rows", `{"type":"netflow","rows":null}`, false},
		{"rows in other case", `{"ROWS":[{"a":1}],"Type":"auth"}`, false},
		{"repeated rows", `{"rows":[{"a":1}],"rows":[{"b":2}]}`, false},
		{"escaped key", `{"r\u006fws":[{"a":1}]}`, false},
		{"empty", `{}`, false},
		{"rows not objects", `{"rows":[1]}`, true},
		{"type mismatch", `{"type":7}`, true},
		{"not an object", `[1]`, true},
		{"invalid", `{"rows":[{]}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want plain
			wantErr := json.Unmarshal([]byte(tt.in), &want)
			var got EventQueryResult
			err := json.Unmarshal([]byte(tt.in), &got)
			if (err != nil) != tt.wantErr || (wantErr != nil) != tt.wantErr {
				t.Fatalf("error %v, encoding/json alone %v; want an error: %v", err, wantErr,
					tt.wantErr)
			}
			if err == nil && !reflect.DeepEqual(EventQueryResult(want), got) {
				t.Fatalf("got %+v\nencoding/json gives %+v", got, want)
			}
		})
	}

	var null EventQueryResult
	if err := null.UnmarshalJSON([]byte(" null ")); err != nil || !reflect.DeepEqual(null,
		EventQueryResult{}) {
		t.Fatalf("null gives %+v, %v; want the zero result", null, err)
	}
}

// TestMessageDecodesAsEncodingJSON checks EventQueryResults' own decoding the same way.
func TestMessageDecodesAsEncodingJSON(t *testing.T) {
	type plain EventQueryResults
	tests := []struct {
		name, in string
		wantErr  bool
	}{
		{"result", `{"queryId":"q","next":"p2","result":{"type":"process",
			"rows":[{"host_id":"h1","n":1.5}]}}`, false},
		{"query", `{"queryId":"q","query":{"status":"FAILED","reasons":[{"reason":"bad",
			"rows":[{"a":1}]}]},"result":null}`, false},
		{"result in other case", `{"RESULT":{"rows":[{"a":"b"}]}}`, false},
		{"null", `null`, false},
		{"bad result", `{"result":{"rows":"x"}}`, true},
		{"bad member", `{"next":1}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want plain
			wantErr := json.Unmarshal([]byte(tt.in), &want)
			var got EventQueryResults
			err := json.Unmarshal([]byte(tt.in), &got)
			if (err != nil) != tt.wantErr || (wantErr != nil) != tt.wantErr {
				t.Fatalf("error %v, encoding/json alone %v; want an error: %v", err, wantErr,
					tt.wantErr)
			}
			if err == nil && !reflect.DeepEqual(EventQueryResults(want), got) {
				t.Fatalf("got %+v\nencoding/json gives %+v", got, want)
			}
		})
	}
}
