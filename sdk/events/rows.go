package events

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"

	"gotaegis/sdk/internal/jsonvalue"
)

// Event query messages carry up to a page of rows each (a thousand events, every one a map),
// which encoding/json would check, copy and decode through reflection at every level it passes
// on the way down. EventQueryResults and EventQueryResult therefore decode themselves: the
// result and its rows are handed straight to a decoder built for many small objects, and every
// other member still goes through encoding/json, with the same outcome.

// UnmarshalJSON decodes a message as encoding/json would, handing its result to
// EventQueryResult's decoder without checking and copying it first.
func (x *EventQueryResults) UnmarshalJSON(b []byte) error {
	type plain EventQueryResults
	return split(b, (*plain)(x), "result", func(value []byte) error {
		if string(value) == "null" {
			x.Result = nil
			return nil
		}
		if x.Result == nil {
			x.Result = new(EventQueryResult)
		}
		return x.Result.UnmarshalJSON(value)
	})
}

// UnmarshalJSON decodes a result as encoding/json would, its rows with a decoder built for many
// small objects.
func (x *EventQueryResult) UnmarshalJSON(b []byte) error {
	type plain EventQueryResult
	return split(b, (*plain)(x), "rows", func(value []byte) error {
		rows, err := jsonvalue.DecodeObjects(value)
		if err != nil {
			return fmt.Errorf("the rows of an event query result: %w", err)
		}
		x.Rows = mergeRows(x.Rows, rows)
		return nil
	})
}

// split decodes the JSON object b: the members named name (matched without regard to case, as
// encoding/json matches them) with decode, the rest into rest with encoding/json. A null b
// leaves everything as it is.
func split(b []byte, rest any, name string, decode func(value []byte) error) error {
	others := make([]byte, 0, 512)
	others = append(others, '{')
	err := jsonvalue.Members(b, func(key string, value []byte) error {
		if strings.EqualFold(key, name) {
			return decode(value)
		}
		if len(others) > 1 {
			others = append(others, ',')
		}
		k, err := json.Marshal(key)
		if err != nil {
			return err
		}
		others = append(others, k...)
		others = append(others, ':')
		others = append(others, value...)
		return nil
	})
	if err != nil {
		return err
	}
	others = append(others, '}')
	return json.Unmarshal(others, rest)
}

// mergeRows gives the rows encoding/json leaves when it decodes rows into a slice that already
// holds some: a row decoded where a map already is adds its members to that map.
func mergeRows(old, rows []map[string]any) []map[string]any {
	for i, m := range rows {
		if i < len(old) && old[i] != nil && m != nil {
			maps.Copy(old[i], m)
			rows[i] = old[i]
		}
	}
	return rows
}
