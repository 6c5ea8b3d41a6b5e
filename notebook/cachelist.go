package notebook

import (
	"gotaegis/magics"
	"strings"
)

// CacheEntry is one cached %taegis result held in an executed notebook's output metadata.
type CacheEntry struct {
	// Cell is the index of the cell whose output holds the entry.
	Cell int `json:"cell"`
	// Name is the --assign name the result is cached under, Hash its cache key.
	Name string `json:"name"`
	Hash string `json:"hash"`
	// Size is the length of the encoded payload in bytes.
	Size int `json:"size"`
	// Created is when the result was cached, when the entry says ("" otherwise).
	Created string `json:"created,omitempty"`
	// Command, Region and Tenants say what the cached result is; Rows how many records it holds.
	Command string   `json:"command,omitempty"`
	Region  string   `json:"region,omitempty"`
	Tenants []string `json:"tenants,omitempty"`
	Rows    int      `json:"rows"`
	// Err is why the payload could not be decoded (another tool's cache, another version).
	Err string `json:"error,omitempty"`
}

// CacheList returns the cached results nb holds, in cell order: every output whose metadata
// has a name, a hash and a data payload, as the magics' --cache writes them.
func CacheList(nb *Notebook) []CacheEntry {
	var out []CacheEntry
	for i, c := range nb.Cells {
		for _, o := range c.Outputs {
			meta, _ := o["metadata"].(map[string]any)
			name, _ := meta["name"].(string)
			hash, _ := meta["hash"].(string)
			data, _ := meta["data"].(string)
			if name == "" || hash == "" || data == "" {
				continue
			}
			e := CacheEntry{Cell: i, Name: name, Hash: hash, Size: len(data)}
			e.Created, _ = meta["created"].(string)
			r, err := magics.DecodeCache(data)
			if err != nil {
				e.Err = err.Error()
			} else {
				e.Command, e.Region, e.Tenants = r.Command, r.Region, r.Tenants
				e.Rows = len(r.Records)
			}
			out = append(out, e)
		}
	}
	return out
}

// ResultRows returns the rows the %taegis searches in nb returned, summed over every output
// that carries a search result's provenance (metadata "taegis" with "rows", from a command
// such as "alerts search" or "events search"), and the number of such outputs. This is the
// results_returned of a fan-out run: what staging or filing an investigation reports is not
// a finding, so those commands' rows do not count.
func ResultRows(nb *Notebook) (rows, results int) {
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			meta, _ := o["metadata"].(map[string]any)
			prov, _ := meta["taegis"].(map[string]any)
			if prov == nil {
				continue
			}
			if cmd, _ := prov["command"].(string); !isSearch(cmd) {
				continue
			}
			n, ok := number(prov["rows"])
			if !ok {
				continue
			}
			rows += n
			results++
		}
	}
	return rows, results
}

// isSearch reports whether a %taegis command searches (its last word is "search"). A record
// without a command, written before results named theirs, counts as a search.
func isSearch(command string) bool {
	words := strings.Fields(command)
	return len(words) == 0 || words[len(words)-1] == "search"
}

func number(v any) (int, bool) {
	switch x := v.(type) {
	case float64:
		return int(x), true
	case int:
		return x, true
	case int64:
		return int(x), true
	case interface{ Int64() (int64, error) }:
		n, err := x.Int64()
		return int(n), err == nil
	}
	return 0, false
}
