// Package magics is the %taegis command tree and the magic runtime around it.
//
// One cobra tree serves both front ends: `gotaegis GROUP CMD` in a shell and `%taegis GROUP CMD`
// (or a `%%taegis GROUP CMD` cell whose body is the query) in the Go kernel. A command runs in
// an Env, which says how to reach Taegis (a client per region), where the evidence database is,
// how to read a named DataFrame and where messages go. It returns a Result: records with the
// GraphQL response's field names, the server's totals and a Provenance that says exactly what
// was asked, of which region and tenants, over which absolute time window, and whether a limit
// or a failed tenant cut it short.
//
// Run executes one command line and hands back its Result; NewRoot returns the same tree for a
// shell, where each command prints its records (JSON by default, or --format ndjson, csv,
// table). Options, defaults and paging follow the upstream Taegis Magic command surface; a
// `--tenant @name` macro expands to several tenants, searched concurrently, each record tagged
// with its tenant, one tenant's failure reported without losing the others.
package magics
