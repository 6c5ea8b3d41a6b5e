package cql

import (
	"reflect"
	"testing"
)

func TestPipesOrder(t *testing.T) {
	tests := []struct {
		query, want string
	}{
		{"FROM process | head 2", "p1 p2"},
		{"FROM process | HEAD 0", ""},
		{"FROM process | head 10", "p1 p2 p3"},
		{"FROM process | tail 2", "p2 p3"},
		{"FROM process | tail 10", "p1 p2 p3"},
		{"FROM process | tail 0", ""},
		// process_id holds 4242, "777" and 900: numeric strings sort as numbers
		{"FROM process | sort process_id", "p2 p3 p1"},
		{"FROM process | sort -process_id", "p1 p3 p2"},
		{"FROM process | sort process_id desc", "p1 p3 p2"},
		{"FROM process | sort process_id ASC", "p2 p3 p1"},
		{"FROM process | sort username, -process_id", "p1 p3 p2"},
		// text folds case; nulls last in both directions; ties keep their order
		{"FROM process, auth | sort username", "p1 p3 a1 p2 a2"},
		{"FROM process, auth | sort -username", "p2 p1 p3 a1 a2"},
		// timestamps: RFC 3339 text and epoch milliseconds (p2) in one field
		{"FROM process | sort timestamp", "p3 p2 p1"},
		{"FROM netflow | sort -bytes | head 1", "n1"},
		{"FROM process | sort -process_id | tail 1", "p2"},
		{"FROM process | head 2 | sort -process_id", "p1 p2"},
		{"| sort event_type, -timestamp | head 3", "a2 a1 d1"},
	}
	recs := loadRecords(t, "events")
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			if got := ids(mustParse(t, tt.query).Run(recs)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAggregate(t *testing.T) {
	type row = map[string]any
	tests := []struct {
		data, query string
		want        []row
	}{
		{"events", "FROM process | aggregate count by host_id", []row{
			{"host_id": "host-a", "count": int64(2)},
			{"host_id": "host-b", "count": int64(1)},
		}},
		{"events", "| aggregate count by event_type", []row{
			{"event_type": "process", "count": int64(3)},
			{"event_type": "netflow", "count": int64(2)},
			{"event_type": "dnsquery", "count": int64(2)},
			{"event_type": "auth", "count": int64(2)},
		}},
		{"events", "FROM process | aggregate count by host_id, username", []row{
			{"host_id": "host-a", "username": "alice", "count": int64(2)},
			{"host_id": "host-b", "username": "Bob", "count": int64(1)},
		}},
		{"events", "FROM dnsquery | aggregate count by response_ips", []row{
			{"response_ips": "203.0.113.9", "count": int64(1)},
			{"response_ips": "203.0.113.10", "count": int64(1)},
			{"response_ips": nil, "count": int64(1)},
		}},
		{"alerts", "FROM alert | aggregate count by metadata.title | head 1", []row{
			{"metadata.title": "Suspicious PowerShell", "count": int64(2)},
		}},
		{"alerts", "FROM alert | aggregate count by sensor_types", []row{
			{"sensor_types": "ENDPOINT_TAEGIS", "count": int64(2)},
			{"sensor_types": "NETWORK", "count": int64(2)},
		}},
		{"events", "FROM process | aggregate count", []row{{"count": int64(3)}}},
		{"events", "FROM process WHERE username = 'nobody' | aggregate count",
			[]row{{"count": int64(0)}}},
		{"events", "FROM process WHERE username = 'nobody' | aggregate count by host_id",
			[]row{}},
		{"events", "FROM process | aggregate count by host_id | sort host_id desc", []row{
			{"host_id": "host-b", "count": int64(1)},
			{"host_id": "host-a", "count": int64(2)},
		}},
		{"events", "FROM netflow, process | aggregate count by host_id | sort count", []row{
			{"host_id": "host-b", "count": int64(2)},
			{"host_id": "host-a", "count": int64(3)},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			got := mustParse(t, tt.query).Run(loadRecords(t, tt.data))
			if len(got) == 0 && len(tt.want) == 0 {
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %v\nwant %v", got, tt.want)
			}
		})
	}
}
