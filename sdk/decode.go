package sdk

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"gotaegis/sdk/internal/jsonvalue"
)

// DecodeField decodes the member named field of data, a GraphQL data object, into out (a
// non-nil pointer), leaving out as it is when the member is missing or null: the same result as
// json.Unmarshal of data into a struct with one field tagged field. When out points to a
// pointer whose type has its own UnmarshalJSON, that method gets the member's text directly,
// without encoding/json checking and copying it first (a subscription message can be
// megabytes).
func DecodeField(data json.RawMessage, field string, out any) error {
	var value []byte
	err := jsonvalue.Members(data, func(key string, v []byte) error {
		// encoding/json matches member names without regard to case, the last match winning.
		if strings.EqualFold(key, field) {
			value = v
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("the data is not a JSON object: %w", err)
	}
	if value == nil || isNull(value) {
		return nil
	}

	p := reflect.ValueOf(out)
	if p.Kind() == reflect.Pointer && !p.IsNil() && p.Elem().Kind() == reflect.Pointer {
		v := p.Elem()
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		if u, ok := v.Interface().(json.Unmarshaler); ok {
			return u.UnmarshalJSON(value)
		}
	}
	return json.Unmarshal(value, out)
}
