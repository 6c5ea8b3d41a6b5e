// Package alertgen writes deterministic, alert-like Taegis records as JSON, for benchmarks
// that compare this module's flattening with pandas on the same input. The records have the
// shape of alertsServiceSearch results: nested metadata, lists of ids and entities, objects
// nested deeper than three levels, missing keys, nulls and the occasional odd type.
package alertgen

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
)

var (
	statuses   = []string{"OPEN", "RESOLVED", "SUPPRESSED", "MERGED"}
	reasons    = []string{"TRUE_POSITIVE_BENIGN", "FALSE_POSITIVE", "NOT_ACTIONABLE", "OTHER"}
	detectors  = []string{"app:detect:powershell", "app:detect:watchlist", "app:detect:nids"}
	sensors    = []string{"ENDPOINT_TAEGIS", "AZURE_AD", "OFFICE365", "NIDS", "FIREWALL"}
	techniques = []string{"T1059.001", "T1003", "T1566.002", "T1078", "T1110"}
	hosts      = []string{"WS-042", "SRV-DC01", "LAPTOP-7", "db-prod-3", "web-01"}
	users      = []string{"alice", "bob", "svc_backup", "admin", "carol"}
	cities     = []string{"Zürich", "北京", "São Paulo", "Austin", "Lagos"}
	titles     = []string{
		`Suspicious PowerShell -EncodedCommand`,
		`Login from unusual country`,
		`cmd.exe /c "whoami & net user" | findstr admin`,
		`Mimikatz credential dumping <lsass>`,
		`Password spray against Azure AD`,
	}
)

// Write writes n records as a JSON array to w. The same n always gives the same bytes.
func Write(w io.Writer, n int) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	rng := rand.New(rand.NewPCG(20240501, uint64(n)))
	bw.WriteString("[\n")
	var buf []byte
	for i := range n {
		buf = record(buf[:0], rng, i)
		if i < n-1 {
			buf = append(buf, ',')
		}
		buf = append(buf, '\n')
		if _, err := bw.Write(buf); err != nil {
			return fmt.Errorf("write alert records: %w", err)
		}
	}
	bw.WriteString("]\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write alert records: %w", err)
	}
	return nil
}

// obj writes one JSON object with keys in the order they are added.
type obj struct {
	b     []byte
	first bool
}

func (o *obj) key(k string) {
	if !o.first {
		o.b = append(o.b, ',')
	}
	o.first = false
	o.b = appendString(o.b, k)
	o.b = append(o.b, ':')
}

func (o *obj) str(k, v string)       { o.key(k); o.b = appendString(o.b, v) }
func (o *obj) int(k string, v int64) { o.key(k); o.b = strconv.AppendInt(o.b, v, 10) }
func (o *obj) raw(k, v string)       { o.key(k); o.b = append(o.b, v...) }
func (o *obj) float(k string, v float64) {
	o.key(k)
	o.b = strconv.AppendFloat(o.b, v, 'f', -1, 64)
	if v == float64(int64(v)) {
		o.b = append(o.b, ".0"...)
	}
}
func (o *obj) open(k string) { o.key(k); o.b = append(o.b, '{'); o.first = true }
func (o *obj) close()        { o.b = append(o.b, '}'); o.first = false }

func appendString(b []byte, s string) []byte {
	q, _ := json.Marshal(s) // a string always marshals
	return append(b, q...)
}

func pick(rng *rand.Rand, list []string) string { return list[rng.IntN(len(list))] }

func stringList(rng *rand.Rand, prefix string, n int) string {
	b := []byte{'['}
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, fmt.Sprintf("%s%016x", prefix, rng.Uint64()))
	}
	return string(append(b, ']'))
}

func record(b []byte, rng *rand.Rand, i int) []byte {
	o := &obj{b: append(b, '{'), first: true}
	tenant := strconv.Itoa(5000 + rng.IntN(20))
	secs := int64(1700000000 + i*7)
	o.str("id", fmt.Sprintf("alert://priv:%s:%s:%d:%016x", pick(rng, detectors), tenant,
		secs*1000, rng.Uint64()))
	o.str("tenant_id", tenant)
	if rng.IntN(4) == 0 {
		o.raw("group_key", "null")
	} else {
		o.str("group_key", fmt.Sprintf("gk-%d", rng.IntN(1000)))
	}
	status := pick(rng, statuses)
	o.str("status", status)
	o.raw("suppressed", strconv.FormatBool(status == "SUPPRESSED"))
	if status == "RESOLVED" {
		o.str("resolution_reason", pick(rng, reasons))
	}
	o.raw("resolution_history", "[]")

	o.open("metadata")
	o.str("title", pick(rng, titles))
	o.str("description", "Observed activity matching detector logic on "+pick(rng, hosts))
	o.float("severity", float64(rng.IntN(100))/100)
	if rng.IntN(5) != 0 {
		o.float("confidence", float64(rng.IntN(100))/100)
	} else {
		o.raw("confidence", "null")
	}
	for _, k := range []string{"created_at", "began_at", "ended_at", "inserted_at"} {
		o.open(k)
		o.int("seconds", secs+int64(rng.IntN(60)))
		if rng.IntN(3) != 0 {
			o.int("nanos", int64(rng.IntN(1e9)))
		}
		o.close()
	}
	o.open("creator")
	o.open("detector")
	o.str("detector_id", pick(rng, detectors))
	o.str("version", fmt.Sprintf("1.%d.%d", rng.IntN(5), rng.IntN(20)))
	o.close()
	if rng.IntN(2) == 0 {
		o.open("rule")
		o.str("rule_id", fmt.Sprintf("%08x", rng.Uint32()))
		o.int("version", int64(rng.IntN(9)))
		o.close()
	}
	o.close()
	o.open("engine")
	o.str("name", "taegis-"+pick(rng, sensors))
	o.close()
	o.str("origin", pick(rng, sensors))
	o.str("full_title", pick(rng, titles)+" on "+pick(rng, hosts))
	o.close()

	o.raw("investigation_ids", stringList(rng, "inv-", rng.IntN(2)))
	o.raw("event_ids", stringList(rng, "event://priv:scwx.process:"+tenant+":", 1+rng.IntN(3)))
	o.open("entities")
	host, user := pick(rng, hosts), pick(rng, users)
	o.raw("entities", fmt.Sprintf(`["hostName:%s","userName:%s","ipAddress:10.%d.%d.%d"]`,
		host, user, rng.IntN(255), rng.IntN(255), rng.IntN(255)))
	o.raw("relationships", fmt.Sprintf(
		`[{"from_entity":"hostName:%s","to_entity":"userName:%s","type":"ranOn"}]`, host, user))
	o.close()
	o.raw("sensor_types", fmt.Sprintf(`[%q]`, pick(rng, sensors)))
	o.raw("attack_technique_ids", fmt.Sprintf(`[%q]`, pick(rng, techniques)))
	if rng.IntN(3) == 0 {
		o.raw("third_party_details", `[{"generic":{"generic":{"record":[{"key":"vendor",`+
			`"value":"acme"},{"key":"score","value":"`+strconv.Itoa(rng.IntN(100))+`"}]}}}]`)
	}
	o.open("tenant")
	o.str("id", tenant)
	o.str("name", "Tenant "+tenant)
	o.close()
	if rng.IntN(2) == 0 {
		o.open("enrichment_details")
		o.open("business_email_compromise")
		o.str("user_name", user+"@example.com")
		o.open("source_address_geo_summary")
		o.open("city")
		o.str("name", pick(rng, cities))
		o.int("confidence", int64(rng.IntN(100)))
		o.close()
		o.open("location")
		o.float("latitude", float64(rng.IntN(18000))/100-90)
		o.float("longitude", float64(rng.IntN(36000))/100-180)
		o.close()
		o.close()
		o.close()
		o.close()
	}
	o.raw("key_value_pairs", fmt.Sprintf(`[{"key":"host","value":%q}]`, host))
	if rng.IntN(2) == 0 {
		o.open("priority")
		o.float("value", float64(rng.IntN(100))/10)
		o.str("rationale", "model v2")
		o.close()
	}
	o.raw("reference_details", "null")
	if rng.IntN(10) == 0 {
		o.str("count", "n/a") // a field that is sometimes not a number
	} else {
		o.int("count", int64(rng.IntN(50)))
	}
	o.close()
	return o.b
}
