package synth

import (
	"fmt"
	"testing"
	"time"
)

// kinds of field values, as the JSON-shaped records hold them.
const (
	str      = "string"
	num      = "int64"
	boo      = "bool"
	lst      = "list"
	nullable = "nullable" // present, possibly null
)

// eventFields lists what the package documentation promises for each event type.
var eventFields = map[string]map[string]string{
	"*": {"id": str, "tenant_id": str, "event_type": str, "timestamp": str,
		"event_time_usec": num, "ingest_time_usec": num},
	"endpoint": {"host_id": str, "hostname": str, "sensor_type": str, "resource_id": str},
	"process": {"commandline": str, "image_path": str, "program": str, "username": str,
		"process_id": num, "parent_process_id": num, "process_correlation_id": str,
		"parent_process_correlation_id": str, "parent_image_path": str, "sha256": str,
		"md5": str},
	"netflow": {"source_address": str, "source_port": num, "destination_address": str,
		"destination_port": num, "protocol": str, "direction": str, "bytes_sent": num,
		"bytes_received": num, "packets_sent": num, "packets_received": num, "image_path": str,
		"process_correlation_id": str, "process_id": num},
	"dnsquery": {"query_name": str, "query_type": str, "response_code": str, "answers": nullable,
		"source_address": str, "destination_address": str, "image_path": str},
	"auth": {"username": str, "target_username": str, "logon_type": str, "auth_method": str,
		"auth_result": str, "failure_reason": nullable, "source_address": str,
		"destination_address": str, "program": str},
	"http": {"url": str, "domain": str, "http_method": str, "http_status_code": num,
		"user_agent": str, "source_address": str, "destination_address": str,
		"destination_port": num, "bytes_received": num, "content_type": str},
	"filemod": {"file_path": str, "file_name": str, "action": str, "sha256": str, "md5": str,
		"file_size": num, "username": str, "image_path": str, "process_correlation_id": str},
	"cloudaudit": {"cloud_provider": str, "cloud_account_id": str, "cloud_region": str,
		"action": str, "service": str, "username": str, "user_arn": str, "source_address": str,
		"user_agent": str, "resource_id": str, "result": str},
}

func kindOf(v any) string {
	switch v.(type) {
	case string:
		return str
	case int64:
		return num
	case bool:
		return boo
	case []any:
		return lst
	default:
		return fmt.Sprintf("%T", v)
	}
}

func TestEventFields(t *testing.T) {
	d := shared()
	for _, typ := range EventTypes() {
		t.Run(typ, func(t *testing.T) {
			want := map[string]string{}
			for _, group := range []string{"*", typ} {
				for k, v := range eventFields[group] {
					want[k] = v
				}
			}
			if typ != "cloudaudit" {
				for k, v := range eventFields["endpoint"] {
					want[k] = v
				}
			}
			for _, id := range d.TenantIDs()[:4] {
				n := 0
				err := d.ScanEvents(id, typ, func(ev map[string]any) bool {
					for field, kind := range want {
						v, ok := ev[field]
						if !ok {
							t.Fatalf("%s event %v has no %s", typ, ev["id"], field)
						}
						if kind != nullable && kindOf(v) != kind {
							t.Fatalf("%s event %v: %s is %s, want %s", typ, ev["id"], field,
								kindOf(v), kind)
						}
					}
					for field, v := range ev {
						if _, ok := v.(int); ok {
							t.Fatalf("%s event %v: %s is an int, not int64", typ, ev["id"], field)
						}
					}
					n++
					return n < 500
				})
				if err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestActivityCurve(t *testing.T) {
	d := shared()
	evs, err := d.Events(d.TenantIDs()[0], "process")
	if err != nil {
		t.Fatal(err)
	}
	busy := 0
	for _, ev := range evs {
		if hourWeight(time.UnixMicro(usec(ev)).UTC()) == 3 {
			busy++
		}
	}
	// Weekday working hours carry 150 of the week's 212.55 units of weight.
	if share := float64(busy) / float64(len(evs)); share < 0.65 || share > 0.76 {
		t.Errorf("%.2f of events in weekday working hours, want about 0.71", share)
	}
	c := newActivityCurve(testNow)
	prev := int64(0)
	for i := 0; i <= 1000; i++ {
		at := c.at(float64(i) / 1001)
		if at < prev || at < testNow.Add(-Window).UnixMicro() || at >= testNow.UnixMicro() {
			t.Fatalf("at(%d/1001) = %d: out of order or outside the window", i, at)
		}
		prev = at
	}
}
