// Package cql is the emulator's engine for the Taegis query language (CQL): it parses the
// queries hunters write for event, alert, investigation, rule and tenant searches, and
// filters JSON-shaped records (map[string]any with GraphQL field names) with them.
//
// It is not the Taegis service: there is no query planner, no facets and no cross-tenant
// joins; it answers the same text with the same records a hunter would get from a small
// tenant.
//
// # Grammar
//
//	query     = [ "FROM" type { "," type } ] { clause } { "|" pipe }
//	clause    = [ "WHERE" ] cond | ( "EARLIEST" | "LATEST" ) "=" time
//	cond      = and { "OR" and }
//	and       = not { "AND" not }
//	not       = "NOT" not | "(" cond ")" | field test
//	test      = ( "=" | "!=" | "<" | "<=" | ">" | ">=" | "CONTAINS" ) value
//	          | [ "!" | "NOT" ] "MATCHES_REGEX" string
//	          | [ "!" | "NOT" ] "IN" "(" value { "," value } ")"
//	          | "NOT" "CONTAINS" value
//	          | "IS" [ "NOT" ] "NULL"
//	pipe      = ( "head" | "tail" ) count
//	          | "sort" key { "," key }            key = [ "-" ] field [ "asc" | "desc" ]
//	          | "aggregate" "count" [ "by" field { "," field } ]
//
// Keywords, pipe names and FROM types are case-insensitive; field names are not. With
// FROM, conditions follow WHERE; without FROM (investigation, rule and tenant searches)
// WHERE is optional. EARLIEST and LATEST may come before or after the conditions; each
// clause appears at most once.
//
// Fields are dotted paths (metadata.severity, entities.hostname) or logical fields (@ip,
// @domain, @host, @hash, @user) that stand for every field of their kind; Options.Logical
// configures them per dataset. Values are strings, numbers and true/false. Strings are
// '…' or "…", taken literally (a backslash is an ordinary character, so regular
// expressions need no doubling), or e'…' / e"…", which decode \' \" \\ \n \t \r and keep
// any other backslash pair as written (e'evil\.com' is the regex evil\.com).
//
// Times after EARLIEST= and LATEST= are relative (-30s, -30m, -24h, -1d, -2w, and 0 for
// now) or absolute: RFC 3339 ('2024-01-02T15:04:05Z'), '2024-01-02 15:04:05' and
// '2024-01-02' (UTC when no zone is given), or epoch seconds. Relative times count from
// Options.Now, once, when the query is parsed.
//
// # Semantics
//
// A path descends into maps and into every element of arrays; a comparison holds when ANY
// value the path reaches satisfies it. A record may also hold a flattened key
// ("metadata.title" as one key), which is tried first. A logical field holds when any of
// its fields does. An alias (Options.Aliases; AlertAliases for alert searches, where
// severity stands for metadata.severity) works the same way for a plain name, in
// conditions and in pipes. A missing field, a JSON null and an empty array are NULL, and no
// comparison holds on NULL.
//
// The negated tests are exact negations of the positive ones: a != v is NOT (a = v),
// a !IN (…) is NOT (a IN (…)) and a !MATCHES_REGEX r is NOT (a MATCHES_REGEX r). So a
// record without the field satisfies !=, !IN and !MATCHES_REGEX, as it does NOT.
//
//   - = and IN compare text case-insensitively (Unicode case folding), so
//     status = 'open' matches "OPEN". A number compares numerically, with the record's
//     value read as a number when it is a numeric string; a string literal that reads as
//     a number compares numerically with numeric record values, so process_id = '4242'
//     matches 4242. true/false match booleans and the strings "true"/"false".
//   - CONTAINS is a case-insensitive substring test of the value as text (numbers and
//     booleans as they print).
//   - MATCHES_REGEX is an unanchored RE2 match on the value as text, case-sensitive as
//     written; add (?i) for a case-insensitive pattern.
//   - < <= > >= compare numbers numerically. A string literal that reads as an absolute
//     time compares as a time with record values that are RFC 3339 strings, epoch numbers
//     (seconds, milliseconds, microseconds or nanoseconds, chosen by magnitude) or
//     {seconds, nanos} objects; other text compares case-insensitively.
//
// Match also applies FROM and the time window. A record whose type field (event_type by
// default) is a string must equal one of the FROM types; alerts, investigations and other
// records without it pass. The first time field present (DefaultTimeFields) must be
// within [EARLIEST, LATEST], both inclusive; a record without one passes. A query without
// EARLIEST is unbounded in the past: the Taegis default of -1d for event searches is the
// caller's to apply (Query.Window reports an open side as the zero time).
//
// # Pipes
//
// head N keeps the first N rows and tail N the last N. sort orders by its keys, stably:
// numbers numerically, times (RFC 3339 text, epoch numbers, {seconds}) chronologically,
// text case-insensitively, and nulls last in either direction. aggregate count by a, b
// returns one row per distinct (a, b) with keys "a", "b" and "count" (int64), grouping
// exact values (case matters), highest count first and ties in order of first appearance;
// a field with several values counts the record once per value, a missing one groups as
// null. aggregate count without by returns one row {count}, also over no records.
//
// # Errors
//
// Parse returns a *SyntaxError with the line and column (from 1, in characters) of the
// fault and a message that says what was expected and, for unknown pipes, logical fields,
// bad regular expressions and bad times, what is accepted.
package cql
