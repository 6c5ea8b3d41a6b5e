package sdk

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// selfDecoding records that its own UnmarshalJSON ran.
type selfDecoding struct {
	Text string
}

func (s *selfDecoding) UnmarshalJSON(b []byte) error {
	if string(b) == `"fail"` {
		return errors.New("refused")
	}
	s.Text = "self:" + string(b)
	return nil
}

func TestDecodeField(t *testing.T) {
	type widget struct {
		Name string `json:"name"`
	}
	tests := []struct {
		name, data string
		into       func() any
		want       any
		wantErr    bool
	}{
		{"struct pointer", `{"watch":{"name":"w"}}`, func() any { return new(*widget) },
			&widget{Name: "w"}, false},
		{"other case, last wins", `{"Watch":{"name":"a"},"WATCH":{"name":"b"}}`,
			func() any { return new(*widget) }, &widget{Name: "b"}, false},
		{"missing", `{"other":1}`, func() any { return new(*widget) }, (*widget)(nil), false},
		{"null", `{"watch":null}`, func() any { return new(*widget) }, (*widget)(nil), false},
		{"list", `{"watch":[{"name":"x"}]}`, func() any { return new([]widget) },
			[]widget{{Name: "x"}}, false},
		{"own decoder", `{"watch":"hi"}`, func() any { return new(*selfDecoding) },
			&selfDecoding{Text: `self:"hi"`}, false},
		{"own decoder fails", `{"watch":"fail"}`, func() any { return new(*selfDecoding) },
			nil, true},
		{"type mismatch", `{"watch":{"name":1}}`, func() any { return new(*widget) }, nil, true},
		{"not an object", `[1]`, func() any { return new(*widget) }, nil, true},
		{"invalid", `{"watch":{]}`, func() any { return new(*widget) }, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := tt.into()
			err := DecodeField(json.RawMessage(tt.data), "watch", out)
			if (err != nil) != tt.wantErr {
				t.Fatalf("DecodeField error %v, want an error: %v", err, tt.wantErr)
			}
			if got := reflect.ValueOf(out).Elem().Interface(); !tt.wantErr &&
				!reflect.DeepEqual(got, tt.want) {
				t.Fatalf("DecodeField gives %#v, want %#v", got, tt.want)
			}
		})
	}
}
