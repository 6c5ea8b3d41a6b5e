// Package dataframe turns Taegis records (the JSON objects a GraphQL response holds) into
// tables a hunter can read: a gota DataFrame for Go code in a notebook, and HTML, markdown,
// CSV, JSON and plain-text renderings for display.
//
// Flattening gives exactly what the Python tooling gives with
// pandas.json_normalize(records, max_level=3).dropna(how="all", axis=1): nested objects
// become columns named with "." up to three levels down (an object below that stays one
// value), columns come in pandas' order (first appearance across records; within a record,
// plain top-level values first, then the flattened objects), columns without a single value
// are dropped, and lists and deeper objects become compact JSON text written as Python's json
// module writes it. Column types follow pandas' dtypes; see Table.DataFrame.
//
// The flattened records live in a Table, a columnar form that is fast to build from JSON text
// (keys keep the order of the text, which Go maps lose) and that renders, counts and appends
// without gota; FromDataFrame brings a DataFrame changed in Go code back for rendering.
// Rendering escapes every value: titles and command lines in alerts are written by attackers.
//
// This package does not fetch records or talk to Taegis; it is what the %taegis magics and the
// "gotaegis dataframe" command use once they have records.
//
// Where Python's json module and this package read the same text differently:
//
// Limitation: integers outside int64 are kept as their digits (Kind BigInt, a String
// column), where pandas makes a uint64 or object column; Taegis sends ids as strings, so
// such numbers are rare.
//
// Limitation: the non-JSON literals NaN and Infinity, which Python accepts, are rejected as
// invalid JSON, and a lone UTF-16 surrogate escape becomes U+FFFD, as in encoding/json.
package dataframe
