package synth

import (
	"fmt"
	"math"
	"strings"
	"sync"
	"time"
)

// detector is a named detection that raises alerts.
type detector struct {
	id          string
	name        string
	description string
	techniques  []string
	tactics     []string
	eventType   int
	severity    float64 // typical severity of its alerts, 0 to 1
	// weight is how often it fires in background activity; zero for the planted detectors.
	weight int
	// match is the detector's condition on an event.
	match func(ev map[string]any) bool
	// platforms limits the hosts it fires on; images lists the programs it fires on, first
	// found on the host wins.
	platforms []string
	images    []string
	// steer shapes a background event it fires on so that match holds.
	steer func(rec map[string]any, r *rng, t *tenant, h *host)
}

// detectorParts are the parts of a detector's alerts that never vary. Alerts share them,
// which is safe because records are read-only, and saves a third of an alert's memory.
type detectorParts struct {
	creator    map[string]any
	techniques []any
	mitre      []any
}

var alertEngine = map[string]any{"name": "taegis-detect", "version": detectorVersion}

var (
	partsMu sync.Mutex
	parts   = map[*detector]*detectorParts{}
)

func (det *detector) shared() *detectorParts {
	partsMu.Lock()
	defer partsMu.Unlock()
	p := parts[det]
	if p == nil {
		p = &detectorParts{
			creator: map[string]any{
				"detector": map[string]any{"detector_id": det.id, "detector_name": det.name,
					"version": detectorVersion},
				"rule": nil,
			},
			techniques: strList(det.techniques),
			mitre:      mitreInfo(det),
		}
		parts[det] = p
	}
	return p
}

func (det *detector) runsOn(h *host) bool {
	if len(det.platforms) == 0 {
		return true
	}
	for _, p := range det.platforms {
		if h.platform == p {
			return true
		}
	}
	return false
}

// programOn picks the program the detector fires on among the host's, else keeps p.
func (det *detector) programOn(h *host, p program) program {
	for _, img := range det.images {
		for _, q := range h.programs {
			if q.image == img {
				return q
			}
		}
	}
	return p
}

const detectorVersion = "3.2.1"

var (
	detEncodedPowerShell = &detector{id: "encoded-powershell", name: "Encoded PowerShell Execution",
		description: "PowerShell started with an encoded command and a hidden window, a common way " +
			"to run a download cradle without leaving the script on disk.",
		techniques: []string{"T1059.001", "T1027"}, tactics: []string{"Execution", "Defense Evasion"},
		eventType: typeProcess, severity: 0.74}
	detCredentialDumping = &detector{id: "lsass-credential-dumping", name: "LSASS Credential Dumping",
		description: "A process read the memory of lsass.exe or wrote an LSASS dump (procdump, " +
			"comsvcs.dll MiniDump, mimikatz), exposing credentials of logged-on users.",
		techniques: []string{"T1003.001"}, tactics: []string{"Credential Access"},
		eventType: typeProcess, severity: 0.92}
	detBeaconing = &detector{id: "beaconing-known-bad", name: "Beaconing to Known Bad Infrastructure",
		description: "A process resolved a known command-and-control domain and connected to its " +
			"address at a regular interval.",
		techniques: []string{"T1071.001", "T1573.002"}, tactics: []string{"Command and Control"},
		eventType: typeNetflow, severity: 0.78}
)

// benignDetectors fire on ordinary activity, mostly at info and low severity.
var benignDetectors = []*detector{
	{id: "failed-logon-burst", name: "Failed Logon Burst",
		description: "Several failed logons for one account in a short time.",
		techniques:  []string{"T1110.001"}, tactics: []string{"Credential Access"},
		eventType: typeAuth, severity: 0.3, weight: 6,
		match: func(ev map[string]any) bool { return ev["auth_result"] == "FAILURE" },
		steer: func(rec map[string]any, r *rng, _ *tenant, _ *host) {
			rec["auth_result"] = "FAILURE"
			rec["failure_reason"] = pick(r, []string{"bad password", "account locked"})
		}},
	{id: "smb-lateral-connection", name: "Lateral SMB Connection",
		description: "A workstation opened an SMB session to another internal host.",
		techniques:  []string{"T1021.002"}, tactics: []string{"Lateral Movement"},
		eventType: typeNetflow, severity: 0.25, weight: 4, platforms: []string{"windows"},
		match: func(ev map[string]any) bool { return ev["destination_port"] == int64(445) },
		steer: func(rec map[string]any, r *rng, t *tenant, _ *host) {
			rec["destination_address"], rec["destination_port"] = internal(r, t), int64(445)
			rec["protocol"] = "TCP"
		}},
	{id: "rdp-connection", name: "Remote Desktop Connection",
		description: "An internal Remote Desktop session was opened.",
		techniques:  []string{"T1021.001"}, tactics: []string{"Lateral Movement"},
		eventType: typeNetflow, severity: 0.1, weight: 4, platforms: []string{"windows"},
		match: func(ev map[string]any) bool { return ev["destination_port"] == int64(3389) },
		steer: func(rec map[string]any, r *rng, t *tenant, _ *host) {
			rec["destination_address"], rec["destination_port"] = internal(r, t), int64(3389)
			rec["protocol"] = "TCP"
		}},
	{id: "dns-nxdomain", name: "DNS Lookup Failure",
		description: "A host looked up a name that does not exist, as misconfigured proxies and " +
			"some malware do.",
		techniques: []string{"T1071.004"}, tactics: []string{"Command and Control"},
		eventType: typeDNS, severity: 0.05, weight: 4,
		match: func(ev map[string]any) bool { return ev["response_code"] == "NXDOMAIN" },
		steer: func(rec map[string]any, _ *rng, _ *tenant, _ *host) {
			rec["query_name"], rec["query_type"] = "wpad.corp.example", "A"
			rec["response_code"], rec["answers"] = "NXDOMAIN", []any(nil)
		}},
	{id: "script-interpreter", name: "Scripting Interpreter Execution",
		description: "A script ran through PowerShell or Python outside an interactive session.",
		techniques:  []string{"T1059"}, tactics: []string{"Execution"},
		eventType: typeProcess, severity: 0.15, weight: 6, platforms: []string{"windows", "linux"},
		images: []string{`C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`,
			"/usr/bin/python3"},
		match: func(ev map[string]any) bool {
			c, _ := ev["commandline"].(string)
			return strings.Contains(c, ".ps1") || strings.HasPrefix(c, "python3 ")
		}},
	{id: "shell-discovery", name: "Command Shell Discovery",
		description: "A command shell ran host or network discovery commands.",
		techniques:  []string{"T1033", "T1016"}, tactics: []string{"Discovery"},
		eventType: typeProcess, severity: 0.35, weight: 5, platforms: []string{"windows"},
		images: []string{`C:\Windows\System32\cmd.exe`},
		match: func(ev map[string]any) bool {
			c, _ := ev["commandline"].(string)
			return strings.Contains(c, "whoami") || strings.Contains(c, "ipconfig")
		},
		steer: func(rec map[string]any, r *rng, _ *tenant, _ *host) {
			rec["commandline"] = `C:\Windows\system32\cmd.exe /c ` +
				pick(r, []string{"whoami /all", "ipconfig /all"})
		}},
	{id: "tool-user-agent", name: "Download with Command-Line Tool",
		description: "An HTTP download used a command-line tool's user agent.",
		techniques:  []string{"T1105"}, tactics: []string{"Command and Control"},
		eventType: typeHTTP, severity: 0.12, weight: 4,
		match: func(ev map[string]any) bool {
			a, _ := ev["user_agent"].(string)
			return !strings.HasPrefix(a, "Mozilla/")
		},
		steer: func(rec map[string]any, r *rng, _ *tenant, _ *host) {
			rec["user_agent"] = pick(r, toolAgents)
		}},
	{id: "console-login-no-mfa", name: "Cloud Console Login Without MFA",
		description: "A cloud console login did not use multi-factor authentication.",
		techniques:  []string{"T1078.004"}, tactics: []string{"Initial Access", "Persistence"},
		eventType: typeCloudAudit, severity: 0.5, weight: 3,
		match: func(ev map[string]any) bool {
			return ev["action"] == "ConsoleLogin" && ev["mfa_used"] == false
		},
		steer: func(rec map[string]any, r *rng, t *tenant, _ *host) {
			cloudAs(rec, t, "ConsoleLogin", "signin.amazonaws.com")
			rec["mfa_used"], rec["user_agent"] = false, pick(r, browserAgents)
		}},
	{id: "access-key-created", name: "Cloud Access Key Created",
		description: "A long-lived access key was created for a cloud user.",
		techniques:  []string{"T1098.001"}, tactics: []string{"Persistence"},
		eventType: typeCloudAudit, severity: 0.45, weight: 2,
		match: func(ev map[string]any) bool { return ev["action"] == "CreateAccessKey" },
		steer: func(rec map[string]any, _ *rng, t *tenant, _ *host) {
			cloudAs(rec, t, "CreateAccessKey", "iam.amazonaws.com")
		}},
	{id: "temp-file-write", name: "File Written to Temporary Directory",
		description: "A process wrote a file to a temporary directory.",
		techniques:  []string{"T1105"}, tactics: []string{"Command and Control"},
		eventType: typeFilemod, severity: 0.08, weight: 4, platforms: []string{"windows", "linux"},
		match: func(ev map[string]any) bool {
			p, _ := ev["file_path"].(string)
			return strings.Contains(p, `\Temp\`) || strings.HasPrefix(p, "/tmp/")
		},
		steer: func(rec map[string]any, r *rng, _ *tenant, h *host) {
			path := "/tmp/worker-" + r.hex(3) + ".lock"
			if h.platform == "windows" {
				path = `C:\Windows\Temp\MpCmdRun.log`
			}
			rec["file_path"], rec["file_name"], rec["action"] = path, baseName(path), "CREATE"
		}},
}

// cloudAs turns a cloudaudit event into one of the given action, keeping its user.
func cloudAs(rec map[string]any, t *tenant, action, service string) {
	rec["action"], rec["service"], rec["result"] = action, service, "SUCCESS"
	rec["resource_id"] = fmt.Sprintf("arn:aws:iam::%s:user/%s", t.account, rec["username"])
	delete(rec, "mfa_used")
}

func allDetectors() []*detector {
	return append([]*detector{detEncodedPowerShell, detCredentialDumping, detBeaconing},
		benignDetectors...)
}

// detectorRecords lists the detectors as the detector registry shows them.
func detectorRecords() []map[string]any {
	var out []map[string]any
	for _, det := range allDetectors() {
		sensors := []any{"ENDPOINT_TAEGIS", "ENDPOINT_REDCLOAK", "ENDPOINT_CROWD_STRIKE",
			"ENDPOINT_MICROSOFT_ATP"}
		if det.eventType == typeCloudAudit {
			sensors = []any{"AWS_CLOUDTRAIL"}
		}
		out = append(out, map[string]any{
			"id":               det.id,
			"name":             det.name,
			"description":      det.description,
			"category":         det.tactics[0],
			"version":          detectorVersion,
			"enabled":          true,
			"status":           "GENERALLY_AVAILABLE",
			"sensorTypes":      sensors,
			"attackTechniques": strList(det.techniques),
			"tactics":          strList(det.tactics),
			"eventTypes":       []any{eventTypeNames[det.eventType]},
			"severity":         det.severity,
		})
	}
	return out
}

func strList(xs []string) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// SeverityName gives the band Taegis shows for a severity between 0 and 1.
func SeverityName(sev float64) string {
	switch {
	case sev >= 0.8:
		return "CRITICAL"
	case sev >= 0.6:
		return "HIGH"
	case sev >= 0.4:
		return "MEDIUM"
	case sev >= 0.2:
		return "LOW"
	default:
		return "INFO"
	}
}

// alertSpec is what an alert is raised from.
type alertSpec struct {
	det        *detector
	t          *tenant
	host       *host // nil for cloud alerts
	user       string
	title      string
	at         time.Time
	severity   float64
	confidence float64
	events     []map[string]any
	// totalEvents counts all the events behind the alert when events lists only a sample.
	totalEvents int
	status      string
	reason      string
	entities    []string
}

var resolutions = []struct{ status, reason string }{
	{"TRUE_POSITIVE_BENIGN", "Authorised administrator activity"},
	{"FALSE_POSITIVE", "Known application behaviour"},
	{"NOT_ACTIONABLE", "Duplicate of an investigated alert"},
	{"AUTO_CLOSE", "Closed by a suppression rule"},
}

// alert shapes one alert as Alert2 and files it under its tenant; Generate collects them.
func (d *Dataset) alert(r *rng, s alertSpec) map[string]any {
	created := s.at
	if now := d.Config.Now; created.After(now) {
		created = now
	}
	ms := created.UnixMilli()
	id := fmt.Sprintf("alert://priv:%s:%s:%d:%s", s.det.id, s.t.id, ms, r.uuid())
	ts := func(t time.Time) map[string]any {
		return map[string]any{"seconds": t.Unix(), "nanos": int64(t.Nanosecond())}
	}
	first, last := s.events[0], s.events[len(s.events)-1]
	began := time.UnixMicro(usec(first)).UTC()
	ended := time.UnixMicro(usec(last)).UTC()

	var eventIDs []any
	for _, ev := range s.events {
		eventIDs = append(eventIDs, map[string]any{"id": ev["id"]})
	}
	entities := append([]string(nil), s.entities...)
	var keyEntities, sensorTypes []any
	groupKey := []any{s.det.id + ":" + s.t.id}
	if s.host != nil {
		entities = append([]string{"hostName:" + s.host.hostname, "hostId:" + s.host.id,
			"ipAddress:" + s.host.ip}, entities...)
		keyEntities = append(keyEntities, map[string]any{"entity": "hostName:" + s.host.hostname,
			"label": "host"})
		sensorTypes = []any{s.host.sensor}
		groupKey = []any{s.det.id + ":" + s.host.id}
	} else {
		sensorTypes = []any{"AWS_CLOUDTRAIL"}
	}
	if s.user != "" {
		entities = append(entities, "userName:"+s.user)
		keyEntities = append(keyEntities, map[string]any{"entity": "userName:" + s.user,
			"label": "user"})
	}
	var relationships []any
	if s.host != nil && s.user != "" {
		relationships = []any{map[string]any{"from_entity": "userName:" + s.user,
			"relationship": "LOGGED_IN_TO", "to_entity": "hostName:" + s.host.hostname}}
	}
	title := s.title
	if title == "" {
		title = s.det.name
	}
	var reason any
	var history []any
	if s.status != "OPEN" {
		reason = s.reason
		at := created.Add(time.Duration(r.between(10, 600)) * time.Minute)
		if at.After(d.Config.Now) {
			at = d.Config.Now
		}
		history = []any{map[string]any{"id": r.uuid(), "user_id": "auth0|analyst-" + s.t.id,
			"reason": s.reason, "num_alerts_affected": int64(1), "status": s.status,
			"timestamp": ts(at)}}
	}
	total := s.totalEvents
	if total < len(s.events) {
		total = len(s.events)
	}
	sev := round3(math.Min(1, math.Max(0, s.severity)))
	// Equal times share one Timestamp map; records are read-only, so sharing is safe.
	createdTS, beganTS, endedTS := ts(created), ts(began), ts(ended)
	rec := map[string]any{
		"id":                   id,
		"tenant_id":            s.t.id,
		"tenant":               map[string]any{"id": s.t.id},
		"parent_tenant_id":     s.t.org,
		"group_key":            groupKey,
		"attack_technique_ids": s.det.shared().techniques,
		"suppressed":           s.status == "AUTO_CLOSE",
		"status":               s.status,
		"resolution_reason":    reason,
		"resolution_history":   history,
		"tags":                 []any{},
		"sensor_types":         sensorTypes,
		"threat_score":         round3(sev * s.confidence),
		"visibility":           "DEPLOYED",
		"metadata": map[string]any{
			"title":         title,
			"full_title":    title + " on " + entityName(s),
			"description":   s.det.description,
			"severity":      sev,
			"confidence":    round3(s.confidence),
			"creator":       s.det.shared().creator,
			"engine":        alertEngine,
			"origin":        "INTERNAL",
			"created_at":    createdTS,
			"inserted_at":   createdTS,
			"updated_at":    createdTS,
			"began_at":      beganTS,
			"ended_at":      endedTS,
			"first_seen_at": beganTS,
		},
		"entities": map[string]any{"entities": strList(entities),
			"relationships": relationships},
		"key_entities":      keyEntities,
		"event_ids":         eventIDs,
		"mitre_attack_info": s.det.shared().mitre,
		"insights": []any{map[string]any{"id": r.uuid(), "source": "taegis-detect",
			"title": s.det.name, "summary": insightSummary(s, total), "created_at": createdTS}},
		"investigation_ids": []any{},
		"events_metadata": map[string]any{
			"first_event_id": first["id"], "last_event_id": last["id"], "total_events": int64(total),
			"began_at": beganTS, "ended_at": endedTS,
		},
		"priority": map[string]any{"value": round3(sev), "prioritizer": "severity"},
	}
	s.t.alerts = append(s.t.alerts, rec)
	return rec
}

// techniqueNames are the MITRE ATT&CK names of the techniques the detectors cover.
var techniqueNames = map[string]string{
	"T1059.001": "PowerShell", "T1027": "Obfuscated Files or Information",
	"T1003.001": "LSASS Memory", "T1071.001": "Web Protocols",
	"T1573.002": "Asymmetric Cryptography", "T1110.001": "Password Guessing",
	"T1021.002": "SMB/Windows Admin Shares", "T1021.001": "Remote Desktop Protocol",
	"T1071.004": "DNS", "T1059": "Command and Scripting Interpreter",
	"T1033": "System Owner/User Discovery", "T1016": "System Network Configuration Discovery",
	"T1105": "Ingress Tool Transfer", "T1078.004": "Cloud Accounts",
	"T1098.001": "Additional Cloud Credentials",
}

func mitreInfo(det *detector) []any {
	var out []any
	for _, id := range det.techniques {
		kind := "technique"
		path := id
		if i := strings.IndexByte(id, '.'); i >= 0 {
			kind, path = "sub-technique", id[:i]+"/"+id[i+1:]
		}
		out = append(out, map[string]any{"technique_id": id, "technique": techniqueNames[id],
			"tactics": strList(det.tactics), "type": kind, "description": nil,
			"url": "https://attack.mitre.org/techniques/" + path + "/"})
	}
	return out
}

func insightSummary(s alertSpec, total int) string {
	return fmt.Sprintf("%s fired on %s (%d event(s)); techniques %s.", s.det.name,
		entityName(s), total, strings.Join(s.det.techniques, ", "))
}

func entityName(s alertSpec) string {
	if s.host != nil {
		return s.host.hostname
	}
	if s.user != "" {
		return s.user
	}
	return s.t.name
}

// baseAlerts is how many benign alerts an average tenant has at scale 1.
const baseAlerts = 110

// benignAlerts chooses the background events that benign detectors fire on and raises an
// alert for each. The choice is recorded in t.triggers before any event is built, so that the
// same event comes out whenever it is regenerated.
func (d *Dataset) benignAlerts(t *tenant) {
	r := keyed(d.Config.Seed, label("benign-alerts"), t.num)
	n := max(1, int(math.Round(baseAlerts*t.factor*d.Config.Scale)))
	type trigger struct {
		det   *detector
		index int
	}
	var chosen []trigger
	for i := 0; i < n; i++ {
		det := benignDetectors[weighted(&r, len(benignDetectors), func(k int) int {
			return benignDetectors[k].weight
		})]
		typ := det.eventType
		if t.triggers[typ] == nil {
			t.triggers[typ] = map[int]*detector{}
		}
		index := r.intn(t.counts[typ])
		if t.triggers[typ][index] != nil {
			continue // one alert per event: a tiny tenant may get fewer alerts than n
		}
		t.triggers[typ][index] = det
		chosen = append(chosen, trigger{det, index})
	}
	for _, c := range chosen {
		ev := d.background(t, c.det.eventType, c.index)
		var h *host
		if hid, ok := ev["host_id"].(string); ok {
			h = t.hostByID(hid)
		}
		user, _ := ev["username"].(string)
		sev := c.det.severity + 0.1*r.float() - 0.05
		if r.chance(0.06) {
			sev += 0.3 // occasionally a detection scores higher than its usual band
		}
		status, reason := "OPEN", ""
		if r.chance(0.35) {
			res := pick(&r, resolutions)
			status, reason = res.status, res.reason
		}
		at := time.UnixMicro(usec(ev)).UTC().Add(time.Duration(r.between(30, 900)) * time.Second)
		d.alert(&r, alertSpec{det: c.det, t: t, host: h, user: user, at: at, severity: sev,
			confidence: 0.5 + 0.4*r.float(), events: []map[string]any{ev}, status: status,
			reason: reason})
	}
}

func (t *tenant) hostByID(id string) *host {
	for _, h := range t.hosts {
		if h.id == id {
			return h
		}
	}
	return nil
}
