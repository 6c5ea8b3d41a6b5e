package magics

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// cacheVersion tags the payload of a cached result; a payload of another version, or one
// written by the Python tooling (an lzma pickle), is skipped as a miss.
const cacheVersion = 1

// cacheMetaKey marks output metadata written by this cache, beside the name, hash and data
// keys the Python tooling also uses.
const cacheMetaKey = "gotaegis_cache"

// cachePayload is what a cached result's data holds, before gzip and base64.
type cachePayload struct {
	Version int     `json:"version"`
	Result  *Result `json:"result"`
}

// CacheKey returns the hex sha256 that identifies a cached result: the magic line (the hook
// passes its arguments with their values in place), the query as sent (after --cell and the
// template), the region and the tenants (sorted). Any change to one of them is a new call.
// The hook passes the region and tenants resolved, a tenant macro as the tenants it selects
// at the time of the call, so a macro that now selects other tenants misses the cache.
func CacheKey(line, cell, region string, tenants []string) string {
	ts := slices.Clone(tenants)
	slices.Sort(ts)
	h := sha256.New()
	for _, part := range []string{line, cell, region, strings.Join(ts, ",")} {
		// A length prefix keeps ("ab", "c") and ("a", "bc") apart.
		fmt.Fprintf(h, "%d:%s\n", len(part), part)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// EncodeCache returns the payload of a cached result: base64 of gzip of versioned JSON.
func EncodeCache(r *Result) (string, error) {
	raw, err := json.Marshal(cachePayload{Version: cacheVersion, Result: r})
	if err != nil {
		return "", fmt.Errorf("cache result: %w", err)
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(raw); err != nil {
		return "", fmt.Errorf("cache result: %w", err)
	}
	if err := zw.Close(); err != nil {
		return "", fmt.Errorf("cache result: %w", err)
	}
	return base64.StdEncoding.EncodeToString(b.Bytes()), nil
}

// errCacheForeign is a payload this version cannot read.
var errCacheForeign = errors.New("not a gotaegis cache payload of this version")

// DecodeCache reads a payload EncodeCache wrote. A payload of another version or format
// (such as the Python tooling's lzma pickles) is an error; LookupCache treats it as a miss.
func DecodeCache(payload string) (*Result, error) {
	raw, err := base64.StdEncoding.DecodeString(payload)
	if err != nil {
		return nil, fmt.Errorf("decode cached result: %w", errCacheForeign)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("decode cached result: %w", errCacheForeign)
	}
	// A cached result is what one cell showed; 1 GiB of JSON is far beyond any of them.
	js, err := io.ReadAll(io.LimitReader(zr, 1<<30))
	if err != nil {
		return nil, fmt.Errorf("decode cached result: %w", err)
	}
	var p cachePayload
	if err := json.Unmarshal(js, &p); err != nil {
		return nil, fmt.Errorf("decode cached result: %w", err)
	}
	if p.Version != cacheVersion || p.Result == nil {
		return nil, fmt.Errorf("decode cached result (version %d): %w", p.Version,
			errCacheForeign)
	}
	return p.Result, nil
}

// cacheMetadata is the output metadata that carries a cached result.
func cacheMetadata(name, key, payload string) map[string]any {
	return map[string]any{"name": name, "hash": key, "data": payload, cacheMetaKey: cacheVersion}
}

// notebook is the part of an nbformat 4 notebook the cache reads.
type notebook struct {
	Cells []struct {
		Outputs []struct {
			Metadata map[string]json.RawMessage `json:"metadata"`
		} `json:"outputs"`
	} `json:"cells"`
}

// LookupCache returns the result cached under name and key in the notebook at path, or nil
// when there is none. Entries it cannot decode (other versions, the Python tooling's
// pickles) are skipped; a notebook that cannot be read or parsed is an error.
func LookupCache(path, name, key string) (*Result, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read cached results: %w", err)
	}
	var nb notebook
	if err := json.Unmarshal(data, &nb); err != nil {
		return nil, fmt.Errorf("read cached results: %s is not a notebook: %w", path, err)
	}
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			if metaString(o.Metadata, "name") != name || metaString(o.Metadata, "hash") != key {
				continue
			}
			r, err := DecodeCache(metaString(o.Metadata, "data"))
			if err != nil {
				continue
			}
			return r, nil
		}
	}
	return nil, nil
}

func metaString(m map[string]json.RawMessage, k string) string {
	var s string
	if raw, ok := m[k]; ok {
		_ = json.Unmarshal(raw, &s)
	}
	return s
}

// NotebookPath returns the notebook file the cache reads: TAEGIS_NOTEBOOK_FILENAME as a
// session variable, else as an environment variable, else the Jupyter server's session name
// (JPY_SESSION_NAME), tried as it is and as a file in the working directory. It fails with
// what to set when none names an existing file.
func NotebookPath(vars VarGetter, getenv func(string) string) (string, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	var candidates []string
	if vars != nil {
		if v, ok := vars.Get("TAEGIS_NOTEBOOK_FILENAME"); ok {
			if s, ok := v.(string); ok && s != "" {
				candidates = append(candidates, s)
			}
		}
	}
	if s := getenv("TAEGIS_NOTEBOOK_FILENAME"); s != "" {
		candidates = append(candidates, s)
	}
	if s := getenv("JPY_SESSION_NAME"); s != "" {
		candidates = append(candidates, s, filepath.Base(s))
	}
	for _, c := range candidates {
		if st, err := os.Stat(c); err == nil && !st.IsDir() {
			return c, nil
		}
	}
	if len(candidates) > 0 {
		return "", fmt.Errorf("--cache: notebook %s not found; save the notebook, or set "+
			"TAEGIS_NOTEBOOK_FILENAME to its path", candidates[0])
	}
	return "", errors.New("--cache: cannot tell which notebook this is; set " +
		"TAEGIS_NOTEBOOK_FILENAME = \"hunt.ipynb\" in a cell (or in the environment)")
}
