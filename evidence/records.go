package evidence

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
)

// ReadRecords reads the records of a JSON document in any of the layouts pandas and the
// gotaegis CLI write:
//
//   - an array of objects, one per row (the CLI's output, pandas' orient "records");
//   - objects one after another, one per row (JSON lines);
//   - an object of columns, each an object of row index to value (pandas' default);
//   - an object with "columns" and "data" (pandas' orient "split"), or with "schema" and
//     "data" (orient "table").
//
// Numbers are kept as [json.Number], so ids of any length survive. Rows of an object of
// columns come in index order.
func ReadRecords(r io.Reader) ([]map[string]any, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var first any
	if err := dec.Decode(&first); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, errors.New("read records: the input is empty; expected JSON records")
		}
		return nil, fmt.Errorf("read records: %w", err)
	}
	if dec.More() {
		return readLines(dec, first)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read records: unexpected data after the first JSON value")
	}
	switch doc := first.(type) {
	case []any:
		return objects(doc, "element")
	case map[string]any:
		return fromObject(doc)
	}
	return nil, fmt.Errorf("read records: the input is a JSON %s; expected an array of "+
		"objects or a pandas DataFrame's JSON", kind(first))
}

// ReadFile reads the records of the JSON file at path (see [ReadRecords]).
func ReadFile(path string) ([]map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read records: %w", err)
	}
	records, err := ReadRecords(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return records, nil
}

func readLines(dec *json.Decoder, first any) ([]map[string]any, error) {
	values := []any{first}
	for dec.More() {
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("read records: line %d: %w", len(values)+1, err)
		}
		values = append(values, v)
	}
	return objects(values, "line")
}

func objects(values []any, what string) ([]map[string]any, error) {
	out := make([]map[string]any, 0, len(values))
	for i, v := range values {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("read records: %s %d is a JSON %s, not an object",
				what, i+1, kind(v))
		}
		out = append(out, m)
	}
	return out, nil
}

func fromObject(doc map[string]any) ([]map[string]any, error) {
	if data, ok := doc["data"]; ok {
		if cols, ok := doc["columns"]; ok {
			return fromSplit(cols, data)
		}
		if _, ok := doc["schema"]; ok {
			rows, ok := data.([]any)
			if !ok {
				return nil, errors.New("read records: \"data\" of a table layout is not an array")
			}
			return objects(rows, "row")
		}
	}
	return fromColumns(doc)
}

func fromSplit(cols, data any) ([]map[string]any, error) {
	names, ok := cols.([]any)
	if !ok {
		return nil, errors.New("read records: \"columns\" of a split layout is not an array")
	}
	keys := make([]string, len(names))
	for i, n := range names {
		s, ok := n.(string)
		if !ok {
			return nil, fmt.Errorf("read records: column %d of a split layout is not a string",
				i+1)
		}
		keys[i] = s
	}
	rows, ok := data.([]any)
	if !ok {
		return nil, errors.New("read records: \"data\" of a split layout is not an array")
	}
	out := make([]map[string]any, 0, len(rows))
	for i, r := range rows {
		cells, ok := r.([]any)
		if !ok || len(cells) != len(keys) {
			return nil, fmt.Errorf("read records: row %d of a split layout does not have "+
				"%d values", i+1, len(keys))
		}
		m := make(map[string]any, len(keys))
		for j, k := range keys {
			m[k] = cells[j]
		}
		out = append(out, m)
	}
	return out, nil
}

// fromColumns reads pandas' default layout: {column: {index: value}}.
func fromColumns(doc map[string]any) ([]map[string]any, error) {
	cols := make([]string, 0, len(doc))
	for col := range doc {
		cols = append(cols, col)
	}
	sort.Strings(cols)
	rows := map[string]map[string]any{}
	for _, col := range cols {
		v := doc[col]
		cells, ok := v.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("read records: the input is one JSON object whose %q is "+
				"a %s; expected an array of objects or a pandas DataFrame's JSON", col, kind(v))
		}
		for idx, cell := range cells {
			r := rows[idx]
			if r == nil {
				r = map[string]any{}
				rows[idx] = r
			}
			r[col] = cell
		}
	}
	index := make([]string, 0, len(rows))
	for idx := range rows {
		index = append(index, idx)
	}
	sort.Slice(index, func(i, j int) bool { return indexLess(index[i], index[j]) })
	out := make([]map[string]any, len(index))
	for i, idx := range index {
		out[i] = rows[idx]
	}
	return out, nil
}

// indexLess orders row indexes numerically when both are integers, else as text.
func indexLess(a, b string) bool {
	x, errA := strconv.ParseInt(a, 10, 64)
	y, errB := strconv.ParseInt(b, 10, 64)
	switch {
	case errA == nil && errB == nil:
		return x < y
	case errA == nil:
		return true
	case errB == nil:
		return false
	}
	return a < b
}

func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}
