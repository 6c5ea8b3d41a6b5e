package synth

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
)

var testNow = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// shared is the default dataset, generated once for the tests that only read it.
var shared = sync.OnceValue(func() *Dataset { return Generate(Config{Seed: 1, Now: testNow}) })

// allEvents returns every event of every tenant and type, by tenant.
func allEvents(t testing.TB, d *Dataset, tenantID string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, typ := range EventTypes() {
		err := d.ScanEvents(tenantID, typ, func(rec map[string]any) bool {
			out = append(out, rec)
			return true
		})
		if err != nil {
			t.Fatalf("scan %s %s: %v", tenantID, typ, err)
		}
	}
	return out
}

func TestDeterminism(t *testing.T) {
	cfg := Config{Seed: 42, Tenants: 3, Scale: 0.05, Now: testNow}
	snapshot := func(d *Dataset) []byte {
		var evs []map[string]any
		for _, id := range d.TenantIDs() {
			evs = append(evs, allEvents(t, d, id)...)
		}
		b, err := json.Marshal([]any{d.Tenants, d.LegacyTenants, d.Assets, d.Alerts, d.Detectors,
			d.Rules, d.Publications, d.Planted, evs})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b := snapshot(Generate(cfg)), snapshot(Generate(cfg))
	if string(a) != string(b) {
		t.Fatal("two generations from the same config differ")
	}
	cfg.Seed = 43
	if c := snapshot(Generate(cfg)); string(a) == string(c) {
		t.Fatal("seeds 42 and 43 generated the same data")
	}
	cfg.Seed, cfg.Now = 42, testNow.Add(time.Hour)
	if c := snapshot(Generate(cfg)); string(a) == string(c) {
		t.Fatal("a later now generated the same timestamps")
	}
}

func TestHierarchy(t *testing.T) {
	for _, n := range []int{1, 2, 20, 100} {
		d := Generate(Config{Seed: 3, Tenants: n, Scale: 0.05, Now: testNow})
		if got := len(d.TenantIDs()); got != n {
			t.Fatalf("tenants=%d: %d customer tenants", n, got)
		}
		byID := map[string]map[string]any{}
		for _, rec := range d.Tenants {
			id := rec["id"].(string)
			if byID[id] != nil {
				t.Fatalf("tenant id %s twice", id)
			}
			byID[id] = rec
		}
		names := map[string]bool{}
		for _, rec := range d.Tenants {
			name := rec["name"].(string)
			if names[name] {
				t.Errorf("tenants=%d: name %q twice", n, name)
			}
			names[name] = true
			partner := byID[rec["partnerTenantID"].(string)]
			if partner == nil || partner["isPartner"] != true {
				t.Errorf("tenant %s: partner %v is not a partner tenant", rec["id"],
					rec["partnerTenantID"])
			}
			if rec["isPartner"] == true {
				continue
			}
			parent := byID[rec["parentTenantID"].(string)]
			if parent == nil {
				t.Errorf("tenant %s: parent %v missing", rec["id"], rec["parentTenantID"])
				continue
			}
			if parent["partnerTenantID"] != rec["partnerTenantID"] {
				t.Errorf("tenant %s: partner %v differs from its parent's %v", rec["id"],
					rec["partnerTenantID"], parent["partnerTenantID"])
			}
			if rec["isOrganization"] != true {
				org := byID[rec["organizationTenantID"].(string)]
				if org == nil || org["isOrganization"] != true || org["id"] != parent["id"] {
					t.Errorf("tenant %s: organization %v is not its parent organization",
						rec["id"], rec["organizationTenantID"])
				}
			}
		}
		for _, id := range d.TenantIDs() {
			if _, ok := d.Tenant(id); !ok {
				t.Errorf("customer tenant %s has no record", id)
			}
			if len(d.AssetsOf(id)) < 14 {
				t.Errorf("tenant %s: only %d assets", id, len(d.AssetsOf(id)))
			}
		}
		if len(d.LegacyTenants) != len(d.Tenants) {
			t.Errorf("%d legacy tenants for %d tenants", len(d.LegacyTenants), len(d.Tenants))
		}
	}
}

// decodePowerShell reverses EncodePowerShell.
func decodePowerShell(t *testing.T, enc string) string {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(enc)
	if err != nil || len(raw)%2 != 0 {
		t.Fatalf("encoded command %q: %v", enc, err)
	}
	units := make([]uint16, len(raw)/2)
	for i := range units {
		units[i] = binary.LittleEndian.Uint16(raw[2*i:])
	}
	return string(utf16.Decode(units))
}

// scenarioSeen says whether an event shows the scenario's indicators.
var scenarioSeen = map[Scenario]func(ev map[string]any) bool{
	ScenarioEncodedPowerShell: func(ev map[string]any) bool {
		c, _ := ev["commandline"].(string)
		return strings.Contains(c, " -enc ") || ev["query_name"] == StagingDomain ||
			ev["destination_address"] == StagingIP
	},
	ScenarioCredentialDumping: func(ev map[string]any) bool {
		c, _ := ev["commandline"].(string)
		c = strings.ToLower(c)
		return strings.Contains(c, "lsass") || strings.Contains(c, "sekurlsa::") ||
			strings.Contains(c, "comsvcs.dll") || strings.Contains(c, "procdump") ||
			ev["target_process_image_path"] != nil
	},
	ScenarioBeaconing: func(ev map[string]any) bool {
		return ev["query_name"] == BadDomain || ev["destination_address"] == BadIP ||
			strings.Contains(asString(ev["url"]), BadDomain)
	},
}

func asString(v any) string { s, _ := v.(string); return s }

func TestPlantedOnlyWhereListed(t *testing.T) {
	// Planting does not depend on the scale, and a smaller scale keeps the scan quick.
	d := Generate(Config{Seed: 1, Scale: 0.1, Now: testNow})
	if !reflect.DeepEqual(d.Planted, shared().Planted) {
		t.Fatal("planting changed with the scale")
	}
	clean := 0
	for _, id := range d.TenantIDs() {
		planted := map[Scenario]bool{}
		for _, p := range d.Planted {
			if p.TenantID == id {
				planted[p.Scenario] = true
			}
		}
		if len(planted) == 0 {
			clean++
		}
		seen := map[Scenario]int{}
		for _, ev := range allEvents(t, d, id) {
			for s, match := range scenarioSeen {
				if match(ev) {
					seen[s]++
				}
			}
		}
		for _, s := range Scenarios() {
			if planted[s] != (seen[s] > 0) {
				t.Errorf("tenant %s: %s planted=%v but %d events show it", id, s, planted[s], seen[s])
			}
		}
	}
	for _, s := range Scenarios() {
		if len(d.PlantedIn(s)) == 0 {
			t.Errorf("%s planted nowhere", s)
		}
	}
	if clean < len(d.TenantIDs())/3 {
		t.Errorf("only %d of %d tenants are clean", clean, len(d.TenantIDs()))
	}
}

func TestPlantedScenarios(t *testing.T) {
	d := shared()
	for _, p := range d.Planted {
		t.Run(p.TenantID+"/"+string(p.Scenario), func(t *testing.T) {
			var evs []map[string]any
			for _, id := range p.EventIDs {
				ev, ok := d.Event(id)
				if !ok {
					t.Fatalf("planted event %s not found", id)
				}
				if ev["tenant_id"] != p.TenantID || ev["host_id"] != p.HostID {
					t.Fatalf("planted event %s is in tenant %v host %v", id, ev["tenant_id"],
						ev["host_id"])
				}
				evs = append(evs, ev)
			}
			if len(p.AlertIDs) == 0 {
				t.Fatal("no alert raised")
			}
			checkLinked(t, d, evs)
			switch p.Scenario {
			case ScenarioEncodedPowerShell:
				checkEncodedPowerShell(t, evs)
			case ScenarioCredentialDumping:
				checkCredentialDumping(t, evs)
			case ScenarioBeaconing:
				checkBeaconing(t, evs)
			}
		})
	}
}

// checkLinked verifies that every non-process event was caused by a planted process and that
// every planted process's parent is either planted too or the host's explorer or svchost.
func checkLinked(t *testing.T, d *Dataset, evs []map[string]any) {
	t.Helper()
	procs := map[any]map[string]any{}
	for _, ev := range evs {
		if ev["event_type"] == "process" {
			procs[ev["process_correlation_id"]] = ev
		}
	}
	for _, ev := range evs {
		switch ev["event_type"] {
		case "process":
			if procs[ev["parent_process_correlation_id"]] == nil {
				parent := asString(ev["parent_image_path"])
				if !strings.HasSuffix(parent, `\explorer.exe`) && !strings.HasSuffix(parent,
					`\svchost.exe`) {
					t.Errorf("process %s has an unplanted parent %s", ev["id"], parent)
				}
				// A long-running parent is the same process as the background's.
				h := d.leafByID[ev["tenant_id"].(string)].hostByID(ev["host_id"].(string))
				pcid, ppid := d.parentOf(d.leafByID[ev["tenant_id"].(string)], h, parent, usec(ev))
				if ev["parent_process_correlation_id"] != pcid || ev["parent_process_id"] != ppid {
					t.Errorf("process %s: parent %s is not the host's %s of that day", ev["id"],
						ev["parent_process_correlation_id"], parent)
				}
			}
		case "auth":
		default:
			proc := procs[ev["process_correlation_id"]]
			if proc == nil {
				t.Errorf("%s event %s is linked to no planted process", ev["event_type"], ev["id"])
			} else if proc["image_path"] != ev["image_path"] {
				t.Errorf("event %s: image %v, its process %v", ev["id"], ev["image_path"],
					proc["image_path"])
			}
		}
	}
}

func checkEncodedPowerShell(t *testing.T, evs []map[string]any) {
	for _, ev := range evs {
		c := asString(ev["commandline"])
		if ev["program"] != "powershell.exe" {
			continue
		}
		const prefix = "powershell.exe -nop -w hidden -enc "
		if !strings.HasPrefix(c, prefix) {
			t.Fatalf("powershell command line %q", c)
		}
		if got := decodePowerShell(t, strings.TrimPrefix(c, prefix)); got != StagerScript {
			t.Fatalf("decoded %q, want %q", got, StagerScript)
		}
		parent := findProcess(evs, ev["parent_process_correlation_id"])
		if parent == nil || parent["program"] != "cmd.exe" {
			t.Fatalf("powershell's parent is %v, want cmd.exe", parent)
		}
		if gp := findProcess(evs, parent["parent_process_correlation_id"]); gp == nil ||
			gp["program"] != "WINWORD.EXE" {
			t.Fatalf("cmd.exe's parent is %v, want WINWORD.EXE", gp)
		}
		return
	}
	t.Fatal("no powershell process planted")
}

func findProcess(evs []map[string]any, pcid any) map[string]any {
	for _, ev := range evs {
		if ev["event_type"] == "process" && ev["process_correlation_id"] == pcid {
			return ev
		}
	}
	return nil
}

func checkCredentialDumping(t *testing.T, evs []map[string]any) {
	want := []string{"procdump64.exe -accepteula -ma lsass.exe", "comsvcs.dll, MiniDump",
		"sekurlsa::logonpasswords"}
	for _, w := range want {
		found := false
		for _, ev := range evs {
			if strings.Contains(asString(ev["commandline"]), w) {
				found = true
				if !strings.HasSuffix(asString(ev["target_process_image_path"]), `\lsass.exe`) {
					t.Errorf("%q does not record its access to lsass.exe", w)
				}
			}
		}
		if !found {
			t.Errorf("no process event with %q", w)
		}
	}
	dumps := 0
	for _, ev := range evs {
		if ev["event_type"] == "filemod" && ev["action"] == "CREATE" {
			dumps++
		}
	}
	if dumps != 2 {
		t.Errorf("%d dump files written, want 2", dumps)
	}
}

func checkBeaconing(t *testing.T, evs []map[string]any) {
	var flows []int64
	pcids := map[any]bool{}
	for _, ev := range evs {
		if ev["event_type"] == "netflow" && ev["destination_address"] == BadIP {
			flows = append(flows, usec(ev))
			pcids[ev["process_correlation_id"]] = true
		}
	}
	if len(flows) != BeaconCount || len(pcids) != 1 {
		t.Fatalf("%d flows to %s from %d processes, want %d from one", len(flows), BadIP,
			len(pcids), BeaconCount)
	}
	for i := 1; i < len(flows); i++ {
		gap := time.Duration(flows[i]-flows[i-1]) * time.Microsecond
		if gap < BeaconInterval-5*time.Second || gap > BeaconInterval+5*time.Second {
			t.Fatalf("beacon %d came %v after the previous one, want about %v", i, gap,
				BeaconInterval)
		}
	}
}

func TestAlertEventsResolve(t *testing.T) {
	d := shared()
	dets := map[string]*detector{}
	for _, det := range allDetectors() {
		dets[det.id] = det
	}
	seen := map[string]bool{}
	for _, a := range d.Alerts {
		id := a["id"].(string)
		if seen[id] {
			t.Fatalf("alert id %s twice", id)
		}
		seen[id] = true
		if got, ok := d.Alert(id); !ok || !reflect.DeepEqual(got, a) {
			t.Fatalf("Alert(%s) does not return the alert", id)
		}
		md := a["metadata"].(map[string]any)
		detID := md["creator"].(map[string]any)["detector"].(map[string]any)["detector_id"]
		det := dets[detID.(string)]
		if det == nil {
			t.Fatalf("alert %s: unknown detector %v", id, detID)
		}
		if !strings.HasPrefix(id, "alert://priv:"+det.id+":"+a["tenant_id"].(string)+":") {
			t.Fatalf("alert id %s does not name its detector and tenant", id)
		}
		ids := a["event_ids"].([]any)
		if len(ids) == 0 {
			t.Fatalf("alert %s has no events", id)
		}
		for i, ref := range ids {
			evID := ref.(map[string]any)["id"].(string)
			ev, ok := d.Event(evID)
			if !ok {
				t.Fatalf("alert %s: event %s not found", id, evID)
			}
			if ev["tenant_id"] != a["tenant_id"] {
				t.Fatalf("alert %s of tenant %v has event %s of tenant %v", id, a["tenant_id"],
					evID, ev["tenant_id"])
			}
			if i == 0 && det.match != nil && !det.match(ev) {
				t.Fatalf("alert %s: detector %s does not match its event %v", id, det.id, ev)
			}
		}
		created := time.Unix(createdSeconds(a), 0)
		if created.After(testNow) || created.Before(testNow.Add(-Window-time.Hour)) {
			t.Fatalf("alert %s created at %v, outside the window", id, created)
		}
	}
	for _, id := range d.TenantIDs() {
		alerts := d.AlertsOf(id)
		for i := 1; i < len(alerts); i++ {
			if createdSeconds(alerts[i]) < createdSeconds(alerts[i-1]) {
				t.Fatalf("tenant %s: alerts out of time order", id)
			}
		}
	}
}

func TestSeverityBands(t *testing.T) {
	bands := map[string]int{}
	for _, a := range shared().Alerts {
		sev := a["metadata"].(map[string]any)["severity"].(float64)
		if sev < 0 || sev > 1 {
			t.Fatalf("severity %v out of range", sev)
		}
		bands[SeverityName(sev)]++
	}
	for _, b := range []string{"INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL"} {
		if bands[b] == 0 {
			t.Errorf("no %s alerts: %v", b, bands)
		}
	}
	t.Logf("alerts by severity: %v", bands)
}

func TestEventsOrderAndWindow(t *testing.T) {
	d := shared()
	start := testNow.Add(-Window).UnixMicro()
	for _, id := range d.TenantIDs()[:2] {
		for _, typ := range EventTypes() {
			evs, err := d.Events(id, typ)
			if err != nil {
				t.Fatal(err)
			}
			n, _ := d.EventCount(id, typ)
			if len(evs) != n {
				t.Fatalf("%s %s: %d events, EventCount %d", id, typ, len(evs), n)
			}
			for i, ev := range evs {
				at := usec(ev)
				if at < start || at > testNow.UnixMicro() {
					t.Fatalf("%s %s event %v at %v is outside the window", id, typ, ev["id"],
						ev["timestamp"])
				}
				if i > 0 && at < usec(evs[i-1]) {
					t.Fatalf("%s %s: event %d out of time order", id, typ, i)
				}
				ts, err := time.Parse(time.RFC3339Nano, ev["timestamp"].(string))
				if err != nil || ts.UnixMilli() != at/1000 {
					t.Fatalf("timestamp %v disagrees with event_time_usec %d", ev["timestamp"], at)
				}
				if ev["event_type"] != typ || ev["tenant_id"] != id {
					t.Fatalf("event %v filed under %s %s", ev["id"], id, typ)
				}
			}
		}
	}
}

func TestEventLookup(t *testing.T) {
	d := shared()
	id := d.TenantIDs()[1]
	evs, err := d.Events(id, "process")
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range []int{0, 1, len(evs) / 2, len(evs) - 1} {
		got, ok := d.Event(evs[i]["id"].(string))
		if !ok || !reflect.DeepEqual(got, evs[i]) {
			t.Fatalf("Event(%v) does not rebuild the event", evs[i]["id"])
		}
		if h, ok := d.Asset(got["host_id"].(string)); !ok || h["tenantId"] != id {
			t.Fatalf("event host %v is not an asset of tenant %s", got["host_id"], id)
		}
	}
	ref, err := ParseEventID(evs[3]["id"].(string))
	if err != nil {
		t.Fatal(err)
	}
	bad := []EventRef{ref, ref, ref, ref}
	bad[0].Check = "00000000"
	bad[1].Index = 1 << 30
	bad[2].Millis++
	bad[3].TenantID = "99999"
	for _, r := range bad {
		if _, ok := d.Event(r.String()); ok {
			t.Errorf("forged id %s was found", r)
		}
	}
	if _, ok := d.Event("not an id"); ok {
		t.Error("a malformed id was found")
	}
}

func TestEventErrors(t *testing.T) {
	d := shared()
	if _, err := d.Events(d.TenantIDs()[0], "registry"); !errors.Is(err, ErrUnknownEventType) ||
		!strings.Contains(err.Error(), "process, netflow") {
		t.Errorf("unknown type: %v", err)
	}
	if _, err := d.Events("12", "process"); !errors.Is(err, ErrUnknownTenant) {
		t.Errorf("unknown tenant: %v", err)
	}
	partner := d.Tenants[0]["id"].(string)
	if evs, err := d.Events(partner, "process"); err != nil || len(evs) != 0 {
		t.Errorf("partner tenant: %d events, %v", len(evs), err)
	}
	n := 0
	err := d.ScanEvents(d.TenantIDs()[0], "dnsquery", func(map[string]any) bool {
		n++
		return n < 10
	})
	if err != nil || n != 10 {
		t.Errorf("scan stopped after %d events (%v), want 10", n, err)
	}
}

func TestCountsPerScale(t *testing.T) {
	base := Generate(Config{Seed: 9, Now: testNow})
	double := Generate(Config{Seed: 9, Scale: 2, Now: testNow})
	for _, id := range base.TenantIDs() {
		for typ, name := range eventTypeNames {
			n1, _ := base.EventCount(id, name)
			n2, _ := double.EventCount(id, name)
			p := len(base.leafByID[id].planted[typ])
			if b1, b2 := n1-p, n2-p; b2 < 2*b1-1 || b2 > 2*b1+1 {
				t.Errorf("%s %s: %d background events at scale 1, %d at scale 2", id, name, b1, b2)
			}
		}
	}
	total := 0
	for _, id := range base.TenantIDs() {
		for _, name := range EventTypes() {
			n, _ := base.EventCount(id, name)
			total += n
		}
	}
	perTenant := total / len(base.TenantIDs())
	if perTenant < 10_000 || perTenant > 30_000 {
		t.Errorf("%d events per tenant at scale 1, want 10k to 30k", perTenant)
	}
	ratio := float64(len(double.Alerts)) / float64(len(base.Alerts))
	if ratio < 1.8 || ratio > 2.1 {
		t.Errorf("alerts: %d at scale 1, %d at scale 2", len(base.Alerts), len(double.Alerts))
	}
	t.Logf("scale 1: %d events per tenant, %d alerts", perTenant, len(base.Alerts))
}

// TestLargeScales checks the sizes the emulator's benchmarks rely on: 10,000 alerts at scale 5
// and 100,000 process events in every tenant at scale 20.
func TestLargeScales(t *testing.T) {
	if testing.Short() {
		t.Skip("generates scale 5")
	}
	if n := len(Generate(Config{Seed: 1, Scale: 5, Now: testNow}).Alerts); n < 10_000 {
		t.Errorf("%d alerts at scale 5, want at least 10,000", n)
	}
	d := Generate(Config{Seed: 1, Tenants: 2, Scale: 20, Now: testNow})
	for _, id := range d.TenantIDs() {
		if n, _ := d.EventCount(id, "process"); n < 100_000 {
			t.Errorf("tenant %s: %d process events at scale 20, want at least 100,000", id, n)
		}
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		cfg  Config
		want string
	}{
		{Config{}, ""},
		{Config{Tenants: 100, Scale: 0.5}, ""},
		{Config{Tenants: -1}, "tenants -1 out of range"},
		{Config{Tenants: MaxTenants + 1}, "out of range"},
		{Config{Scale: -2}, "scale -2 out of range"},
		{Config{Scale: MaxScale * 2}, "out of range"},
		{Config{Tenants: 100, Scale: 20}, "tenants 100 times scale 20 is 2000"},
		{Config{Tenants: 1, Scale: MaxScale}, ""},
	}
	for _, c := range cases {
		err := c.cfg.Validate()
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("Validate(%+v) = %v, want %q", c.cfg, err, c.want)
		}
	}
	d := Generate(Config{Tenants: -5, Scale: -1, Now: testNow})
	if d.Config.Tenants != DefaultTenants || d.Config.Scale != DefaultScale {
		t.Errorf("bad config normalised to %+v", d.Config)
	}
	if n := (Config{Tenants: 200, Scale: 50}).normalized(); float64(n.Tenants)*n.Scale > MaxVolume {
		t.Errorf("oversized config normalised to %+v", n)
	}
}

func TestConcurrentReads(t *testing.T) {
	d := Generate(Config{Seed: 5, Tenants: 4, Scale: 0.3, Now: testNow})
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i, id := range d.TenantIDs() {
				typ := EventTypes()[(g+i)%numEventTypes]
				evs, err := d.Events(id, typ)
				if err != nil {
					t.Error(err)
					return
				}
				if _, ok := d.Event(evs[len(evs)/2]["id"].(string)); !ok {
					t.Errorf("event of %s %s not found", id, typ)
				}
			}
		}(g)
	}
	wg.Wait()
}

func TestEncodePowerShell(t *testing.T) {
	cases := map[string]string{
		"":       "",
		"dir":    "ZABpAHIA",
		"whoami": "dwBoAG8AYQBtAGkA",
	}
	for in, want := range cases {
		if got := EncodePowerShell(in); got != want {
			t.Errorf("EncodePowerShell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSummary(t *testing.T) {
	d := shared()
	s := d.Summary()
	for _, p := range d.Planted {
		if !strings.Contains(s, string(p.Scenario)+" in tenant "+p.TenantID+" on "+p.Hostname) {
			t.Errorf("summary does not mention %s in %s:\n%s", p.Scenario, p.TenantID, s)
		}
	}
	clean := d.CleanTenants()
	if len(clean) == 0 {
		t.Fatal("no clean tenants")
	}
	for _, id := range clean {
		for _, p := range d.Planted {
			if p.TenantID == id {
				t.Errorf("clean tenant %s has %s planted", id, p.Scenario)
			}
		}
	}
	total := 0
	for _, id := range d.TenantIDs() {
		for _, typ := range EventTypes() {
			n, _ := d.EventCount(id, typ)
			total += n
		}
	}
	if d.TotalEvents() != total {
		t.Errorf("TotalEvents %d, sum of counts %d", d.TotalEvents(), total)
	}
	t.Log("\n" + s)
}
