// Package evidence is the local staging database for investigation evidence: the alerts,
// events, assets and search queries a hunter marks while hunting, kept in SQLite until they
// are filed with an investigation.
//
// The file uses the tables and keys of taegis-magic's staging database, so one file can be
// shared between that tool and gotaegis:
//
//	investigation_evidence (evidence_type, id, tenant_id, investigation_id)
//	    primary key (id, investigation_id), WITHOUT ROWID
//	search_queries (id, tenant_id, query, results_returned, total_results, inserted_time)
//	    primary key (id), WITHOUT ROWID
//	llm_queries (id, query, ql, reason, types, status, inserted_time)
//	    primary key (id), WITHOUT ROWID; types comma-joined
//
// The last keeps natural-language searches ([DB.AddNLQuery]): the request, the query the
// service made of it and its explanation, as alerts search --ai and events search --ai
// store them.
//
// Evidence not yet filed carries the investigation id [New]. Staging the same id twice under
// one investigation id keeps one row. Every change is one transaction taken with a write lock
// up front, in WAL mode with a busy timeout, so several processes (kernels, fan-out runs)
// staging into one file wait for each other instead of failing or losing rows.
//
// Records are rows as maps of column name to value, as a DataFrame's rows or a JSON file's
// objects are; [ReadRecords] reads the JSON layouts pandas and the gotaegis CLI write. Which
// column holds the evidence id and which the tenant follows taegis-magic's rules (see
// [IDColumns] and [TenantColumns]).
//
// The package only stores rows. Talking to Taegis (creating investigations, adding or
// removing evidence) is for its callers, which use [DB.Staged] before a create and
// [DB.Attach] after one succeeded.
package evidence
