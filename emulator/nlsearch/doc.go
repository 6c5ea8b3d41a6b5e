// Package nlsearch is the local emulator's model of Taegis natural-language search (the
// llm_service nlSearchV2 operation): it turns a hunter's request in plain English into a CQL
// query that the emulator's own engine (emulator/cql) runs over the synthetic data.
//
// It is not a language model. Translate reads the request word by word against a small,
// fixed lexicon of the hunting phrasings the synthetic data supports, so the same request
// always gives the same query:
//
//   - what to search: alerts (alert, detection) or event types (process, netflow, dnsquery,
//     auth, http, filemod, cloudaudit, and words such as command, connection, dns, logon,
//     web, file, cloud); a condition may imply its type (powershell implies process);
//   - alert conditions: severity bands (critical >= 0.8, high >= 0.6, medium >= 0.4,
//     low >= 0.2, each "and above"; info < 0.2) or "severity above N", status (open,
//     unresolved), the planted behaviours by MITRE technique (powershell T1059.001,
//     credential dumping T1003.001, beaconing T1071.001), a technique id as written;
//   - event conditions: encoded commands (-enc), powershell, mimikatz, lsass, procdump,
//     credential dumping, discovery commands, failed or successful logons, NTLM, SMB, RDP,
//     port N, NXDOMAIN, temporary directories, console logins, MFA, access keys;
//   - values written in the request: IP addresses (@ip), domains (@domain), hashes
//     (@hash), "host NAME", "user NAME", and quoted text (the main text field of the type);
//   - a time window: "last/past N minutes|hours|days|weeks", "last hour|day|week|month",
//     "today" (EARLIEST=-Nm|h|d|w);
//   - pipes: "top N" or "first N" (| head N), "count by|per host|user|detector|severity"
//     (| aggregate count by ...).
//
// Words it does not know are listed in the reason and make the status PARTIAL; a request
// that names neither alerts nor an event type, nor anything that implies one, is FAILED
// with no query and a reason that says what to name.
package nlsearch
