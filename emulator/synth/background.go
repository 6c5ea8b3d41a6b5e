package synth

import (
	"fmt"
	"strings"
)

// systemAccounts run the service programs instead of the host's interactive user.
var systemAccounts = map[string]string{
	`C:\Windows\System32\svchost.exe`:                           `NT AUTHORITY\SYSTEM`,
	`C:\Windows\System32\SearchIndexer.exe`:                     `NT AUTHORITY\SYSTEM`,
	`C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`: `NT AUTHORITY\SYSTEM`,
	"/usr/sbin/cron":    "root",
	"/usr/sbin/tcpdump": "root",
	"/usr/sbin/nginx":   "www-data",
	"/usr/bin/apt-get":  "root",
	"/usr/sbin/sshd":    "root",
	"/sbin/launchd":     "root",
}

// background builds background event index of type typ in tenant t. It depends on nothing but
// the seed, the tenant, the type and the index, so any event can be rebuilt on its own.
func (d *Dataset) background(t *tenant, typ, index int) map[string]any {
	at := d.eventTime(t, typ, index)
	r := keyed(d.Config.Seed, label("event"), t.num, uint64(typ), uint64(index))
	rec := d.common(t, typ, d.eventID(t, typ, index, false, at), at, r.between(1, 30))
	if typ == typeCloudAudit {
		d.cloudEvent(rec, &r, t)
		if det := t.triggers[typ][index]; det != nil {
			det.steer(rec, &r, t, nil)
		}
		return rec
	}
	h := t.hosts[r.intn(len(t.hosts))]
	det := t.triggers[typ][index]
	if det != nil && !det.runsOn(h) {
		h = t.hostWhere(det.runsOn)
	}
	onHost(rec, t, h)
	switch typ {
	case typeProcess:
		d.processEvent(rec, &r, t, h, at, det)
	case typeNetflow:
		d.netflowEvent(rec, &r, t, h)
	case typeDNS:
		dnsEvent(rec, &r, t, h)
	case typeAuth:
		authEvent(rec, &r, t, h)
	case typeHTTP:
		httpEvent(rec, &r, h)
	case typeFilemod:
		d.filemodEvent(rec, &r, h)
	}
	if det != nil && det.steer != nil {
		det.steer(rec, &r, t, h)
	}
	return rec
}

func (h *host) program(r *rng) program {
	x := r.intn(h.weightSum)
	for _, p := range h.programs {
		x -= p.weight
		if x < 0 {
			return p
		}
	}
	return h.programs[len(h.programs)-1]
}

func (h *host) user(r *rng) string { return pick(r, h.users) }

// fileHashes gives a binary or file the same hashes wherever it appears in one dataset.
func (d *Dataset) fileHashes(path string) (sha256, md5 string) {
	r := keyed(d.Config.Seed, label("file-hash"), label(strings.ToLower(path)))
	return r.hex(32), r.hex(16)
}

// imageInfo is what process events say about one program image, boxed for storing in
// records (see boxedTypeNames).
type imageInfo struct{ path, program, sha256, md5 any }

// image returns the info of a program image; images are few, so the dataset remembers them.
func (d *Dataset) image(path string) imageInfo {
	if v, ok := d.images.Load(path); ok {
		return v.(imageInfo)
	}
	sha, md5 := d.fileHashes(path)
	info := imageInfo{path: path, program: baseName(path), sha256: sha, md5: md5}
	d.images.Store(path, info)
	return info
}

// parentOf names the long-running parent process of a program on a host. Parents live for a
// day, so all of a day's children share one parent correlation id and process id.
func (d *Dataset) parentOf(t *tenant, h *host, image string, at int64) (string, int64) {
	day := uint64(at / 86_400_000_000)
	r := keyed(d.Config.Seed, label("parent"), t.num, label(h.id), label(image), day)
	return r.uuid(), int64(r.between(400, 9000))
}

// processEvent fills a process event; a detector that fires on it chooses the program.
func (d *Dataset) processEvent(rec map[string]any, r *rng, t *tenant, h *host, at int64,
	det *detector) {
	p := h.program(r)
	if det != nil {
		p = det.programOn(h, p)
	}
	login := h.user(r)
	user := login
	if acct, ok := systemAccounts[p.image]; ok {
		user = acct
	}
	img := d.image(strings.ReplaceAll(p.image, "%USER%", bareUser(login)))
	parentID, parentPID := d.parentOf(t, h, p.parent, at)
	rec["commandline"] = p.cmd(r, h, login)
	rec["image_path"] = img.path
	rec["program"] = img.program
	rec["username"] = user
	rec["process_id"] = int64(r.between(1000, 65000))
	rec["parent_process_id"] = parentPID
	rec["process_correlation_id"] = r.uuid()
	rec["parent_process_correlation_id"] = parentID
	rec["parent_image_path"] = d.image(p.parent).path
	rec["sha256"] = img.sha256
	rec["md5"] = img.md5
	rec["was_blocked"] = false
}

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `\/`); i >= 0 {
		return path[i+1:]
	}
	return path
}

// internal picks another address on the tenant's network.
func internal(r *rng, t *tenant) string {
	return fmt.Sprintf("10.%d.%d.%d", t.netA, r.between(0, 31), r.between(10, 60))
}

func dnsServer(t *tenant) string { return fmt.Sprintf("10.%d.0.2", t.netA) }

func (d *Dataset) netflowEvent(rec map[string]any, r *rng, t *tenant, h *host) {
	proto, dst, port := "TCP", pick(r, pick(r, benignDomains).addrs), int64(443)
	switch x := r.intn(20); {
	case x < 2:
		dst, port = internal(r, t), 445
	case x < 4:
		proto, dst, port = "UDP", dnsServer(t), 53
	case x < 5:
		dst, port = internal(r, t), 22
	case x < 6:
		dst, port = internal(r, t), 3389
	case x < 8:
		port = 80
	}
	p := h.program(r)
	rec["source_address"] = h.boxed.ip
	rec["source_port"] = int64(r.between(49152, 65535))
	rec["destination_address"] = dst
	rec["destination_port"] = port
	rec["protocol"] = proto
	rec["direction"] = "OUTBOUND"
	rec["bytes_sent"] = int64(r.between(200, 40_000))
	rec["bytes_received"] = int64(r.between(500, 2_000_000))
	rec["packets_sent"] = int64(r.between(2, 200))
	rec["packets_received"] = int64(r.between(2, 1800))
	rec["image_path"] = strings.ReplaceAll(p.image, "%USER%", bareUser(h.user(r)))
	rec["process_correlation_id"] = r.uuid()
	rec["process_id"] = int64(r.between(1000, 65000))
}

var internalNames = []string{"intranet.corp.example", "fileserver01.corp.example",
	"dc01.corp.example", "printers.corp.example"}

func dnsEvent(rec map[string]any, r *rng, t *tenant, h *host) {
	var name string
	var answers []any
	code, qtype := "NOERROR", "A"
	switch x := r.intn(20); {
	case x < 3:
		name = pick(r, internalNames)
		answers = []any{internal(r, t)}
	case x < 4:
		name, code = "wpad.corp.example", "NXDOMAIN"
	default:
		dom := pick(r, benignDomains)
		name = dom.name
		for _, a := range dom.addrs {
			answers = append(answers, a)
		}
		if r.chance(0.1) {
			qtype, answers = "AAAA", []any{fmt.Sprintf("2606:4700::%x", r.intn(65536))}
		}
	}
	rec["query_name"] = name
	rec["query_type"] = qtype
	rec["response_code"] = code
	rec["answers"] = answers
	rec["source_address"] = h.ip
	rec["destination_address"] = dnsServer(t)
	rec["destination_port"] = int64(53)
	if h.platform == "windows" {
		rec["image_path"] = `C:\Windows\System32\svchost.exe`
	} else {
		rec["image_path"] = "/usr/lib/systemd/systemd-resolved"
	}
}

func authEvent(rec map[string]any, r *rng, t *tenant, h *host) {
	user := h.user(r)
	success := !r.chance(0.08)
	rec["username"] = user
	rec["target_username"] = user
	rec["source_address"] = internal(r, t)
	rec["destination_address"] = h.ip
	if h.platform == "windows" {
		rec["logon_type"] = pick(r, []string{"Interactive", "Network", "Network", "RemoteInteractive",
			"Unlock"})
		rec["auth_method"] = pick(r, []string{"Kerberos", "Kerberos", "NTLM"})
		rec["domain"] = "CORP"
		rec["program"] = `C:\Windows\System32\winlogon.exe`
	} else {
		rec["logon_type"] = "ssh"
		rec["auth_method"] = pick(r, []string{"publickey", "publickey", "password"})
		rec["program"] = "/usr/sbin/sshd"
		rec["destination_port"] = int64(22)
	}
	if success {
		rec["auth_result"] = "SUCCESS"
		rec["failure_reason"] = nil
	} else {
		rec["auth_result"] = "FAILURE"
		rec["failure_reason"] = pick(r, []string{"bad password", "account locked",
			"unknown user name"})
	}
}

func httpEvent(rec map[string]any, r *rng, h *host) {
	dom := pick(r, benignDomains)
	agent := pick(r, browserAgents)
	if h.platform == "linux" || r.chance(0.15) {
		agent = pick(r, toolAgents)
	}
	method := "GET"
	if r.chance(0.15) {
		method = "POST"
	}
	status := pick(r, []int64{200, 200, 200, 200, 204, 301, 304, 304, 404})
	rec["url"] = "https://" + dom.name + pick(r, httpPaths)
	rec["domain"] = dom.name
	rec["http_method"] = method
	rec["http_status_code"] = status
	rec["user_agent"] = agent
	rec["source_address"] = h.ip
	rec["destination_address"] = pick(r, dom.addrs)
	rec["destination_port"] = int64(443)
	rec["bytes_received"] = int64(r.between(300, 3_000_000))
	rec["content_type"] = pick(r, []string{"text/html", "application/json", "image/png",
		"application/javascript"})
}

func (d *Dataset) filemodEvent(rec map[string]any, r *rng, h *host) {
	user := bareUser(h.user(r))
	var path string
	switch h.platform {
	case "windows":
		path = pick(r, []string{
			`C:\Users\` + user + `\Downloads\report-` + fmt.Sprint(r.between(1, 40)) + `.pdf`,
			`C:\Users\` + user + `\Documents\notes.docx`,
			`C:\Users\` + user + `\AppData\Local\Temp\chrome_drag` + fmt.Sprint(r.between(100, 999)) +
				`.tmp`,
			`C:\Windows\Temp\MpCmdRun.log`,
			`C:\ProgramData\Microsoft\Windows Defender\Scans\History\Service\DetectionHistory.db`,
			`C:\Windows\SoftwareDistribution\Download\` + r.hex(8) + `.cab`,
		})
	case "linux":
		path = pick(r, []string{"/var/log/nginx/access.log", "/tmp/worker-" + r.hex(3) + ".lock",
			"/home/" + user + "/.bash_history", "/var/lib/apt/lists/partial/archive.ubuntu.com_InRelease",
			"/opt/app/cache/report.json"})
	default:
		path = pick(r, []string{"/Users/" + user + "/Downloads/slides.key",
			"/Users/" + user + "/Library/Caches/com.google.Chrome/Cache_Data/data_1",
			"/private/var/folders/tmp/TemporaryItems/" + r.hex(4)})
	}
	p := h.program(r)
	sha, md5 := d.fileHashes(path)
	rec["file_path"] = path
	rec["file_name"] = baseName(path)
	rec["action"] = pick(r, []string{"CREATE", "MODIFY", "MODIFY", "MODIFY", "DELETE", "RENAME"})
	rec["sha256"] = sha
	rec["md5"] = md5
	rec["file_size"] = int64(r.between(0, 8_000_000))
	rec["username"] = h.user(r)
	rec["image_path"] = strings.ReplaceAll(p.image, "%USER%", user)
	rec["process_correlation_id"] = r.uuid()
	rec["process_id"] = int64(r.between(1000, 65000))
}

func (d *Dataset) cloudEvent(rec map[string]any, r *rng, t *tenant) {
	a := cloudActions[weighted(r, len(cloudActions), func(i int) int {
		return cloudActions[i].weight
	})]
	user := pick(r, t.cloudIDs)
	resource := a.resource
	if strings.Contains(resource, "%") {
		resource = fmt.Sprintf(resource, t.account, user)
	}
	success := !r.chance(0.04)
	agent := "aws-cli/2.15.30 Python/3.11.8 Linux/5.15.0 exe/x86_64.ubuntu.22"
	if a.action == "ConsoleLogin" {
		agent = pick(r, browserAgents)
	}
	rec["cloud_provider"] = "aws"
	rec["cloud_account_id"] = t.account
	rec["cloud_region"] = pick(r, []string{"us-east-1", "us-east-1", "us-west-2", "eu-west-1"})
	rec["action"] = a.action
	rec["service"] = a.service
	rec["username"] = user
	rec["user_arn"] = fmt.Sprintf("arn:aws:iam::%s:user/%s", t.account, user)
	rec["source_address"] = fmt.Sprintf("198.51.100.%d", 10+t.netA%200)
	rec["user_agent"] = agent
	rec["resource_id"] = resource
	if success {
		rec["result"] = "SUCCESS"
	} else {
		rec["result"] = "FAILURE"
	}
	if a.action == "ConsoleLogin" {
		rec["mfa_used"] = r.chance(0.85)
	}
}
