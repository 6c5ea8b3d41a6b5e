package synth

import "time"

// ruleTemplate is a custom rule a tenant may have written.
type ruleTemplate struct {
	name, description, kind, eventType, query string // kind is QL or REGEX
	suppression                               bool
	filters                                   [][3]string // key, pattern, inverted
	severity                                  float64
	techniques                                []string
}

var ruleTemplates = []ruleTemplate{
	{name: "Encoded PowerShell command line", kind: "QL", eventType: "process",
		description: "PowerShell run with an encoded command.",
		query: "FROM process WHERE image_path MATCHES_REGEX '(?i)powershell\\.exe$' AND " +
			"commandline CONTAINS '-enc'",
		severity: 0.7, techniques: []string{"T1059.001"}},
	{name: "ProcDump against LSASS", kind: "QL", eventType: "process",
		description: "ProcDump writing a full memory dump of lsass.exe.",
		query: "FROM process WHERE commandline CONTAINS 'procdump' AND " +
			"commandline CONTAINS 'lsass'",
		severity: 0.9, techniques: []string{"T1003.001"}},
	{name: "Lookups of known bad CDN", kind: "QL", eventType: "dnsquery",
		description: "DNS queries for the badcdn command-and-control domain.",
		query:       "FROM dnsquery WHERE query_name = '" + BadDomain + "'",
		severity:    0.8, techniques: []string{"T1071.004"}},
	{name: "Console login without MFA", kind: "QL", eventType: "cloudaudit",
		description: "AWS console logins that did not use MFA.",
		query:       "FROM cloudaudit WHERE action = 'ConsoleLogin' AND mfa_used = false",
		severity:    0.5, techniques: []string{"T1078.004"}},
	{name: "SSH password logins", kind: "QL", eventType: "auth",
		description: "SSH logins that used a password instead of a key.",
		query:       "FROM auth WHERE logon_type = 'ssh' AND auth_method = 'password'",
		severity:    0.3, techniques: []string{"T1021.004"}},
	{name: "Mimikatz keywords", kind: "REGEX", eventType: "process",
		description: "Command lines with mimikatz module names.",
		filters:     [][3]string{{"commandline", `(?i)sekurlsa::|lsadump::|privilege::debug`, "false"}},
		severity:    0.9, techniques: []string{"T1003.001"}},
	{name: "Office spawning a shell", kind: "REGEX", eventType: "process",
		description: "Word or Excel starting cmd.exe or PowerShell.",
		filters: [][3]string{
			{"parent_image_path", `(?i)\\(winword|excel)\.exe$`, "false"},
			{"image_path", `(?i)\\(cmd|powershell)\.exe$`, "false"},
		},
		severity: 0.7, techniques: []string{"T1566.001", "T1204.002"}},
	{name: "Suppress IT inventory script", kind: "QL", suppression: true, eventType: "process",
		description: "The nightly inventory script is expected.",
		query:       "FROM process WHERE commandline CONTAINS 'inventory.ps1'"},
	{name: "Suppress backup service logons", kind: "REGEX", suppression: true,
		eventType: "auth", description: "The backup service account logs on everywhere.",
		filters: [][3]string{{"username", `(?i)svc_backup$`, "false"}}},
	{name: "Suppress jump host RDP", kind: "QL", suppression: true, eventType: "netflow",
		description: "Administrators reach servers over RDP from the jump hosts.",
		query:       "FROM netflow WHERE destination_port = 3389"},
}

func (d *Dataset) buildRules() {
	now := d.Config.Now
	for _, t := range d.leaves {
		r := keyed(d.Config.Seed, label("rules"), t.num)
		n := r.between(4, 8)
		for _, k := range perm(&r, len(ruleTemplates))[:n] {
			tpl := ruleTemplates[k]
			created := now.Add(-time.Duration(r.between(10*24, 300*24)) * time.Hour)
			updated := created.Add(time.Duration(r.between(0, int(now.Sub(created)/time.Hour))) *
				time.Hour)
			deleted := r.chance(0.12)
			var deletedAt, query any
			if deleted {
				deletedAt = rfc3339(updated)
			}
			if tpl.query != "" {
				query = tpl.query
			}
			var filters []any
			for _, f := range tpl.filters {
				filters = append(filters, map[string]any{"id": r.uuid(), "key": f[0],
					"pattern": f[1], "inverse": f[2] == "true"})
			}
			ruleType := tpl.kind
			if tpl.suppression {
				ruleType = "SUPPRESSION"
			}
			d.Rules = append(d.Rules, map[string]any{
				"id":               r.uuid(),
				"tenantId":         t.id,
				"name":             tpl.name,
				"description":      tpl.description,
				"severity":         tpl.severity,
				"ruleType":         ruleType,
				"eventType":        tpl.eventType,
				"enabled":          !deleted && !r.chance(0.15),
				"eventQL":          query,
				"attackCategories": categories(tpl.techniques),
				"attackTechniques": strList(tpl.techniques),
				"filters":          filters,
				"version":          int64(r.between(1, 6)),
				"createdAt":        rfc3339(created),
				"updatedAt":        rfc3339(updated),
				"deletedAt":        deletedAt,
				"createdBy":        "auth0|analyst-" + t.id,
				"updatedBy":        "auth0|analyst-" + t.id,
			})
		}
	}
}

// categories names the ATT&CK tactics of the techniques that the detectors know.
func categories(techniques []string) []any {
	seen := map[string]bool{}
	out := []any{}
	for _, det := range allDetectors() {
		for _, tech := range det.techniques {
			for _, want := range techniques {
				if tech == want && !seen[det.tactics[0]] {
					seen[det.tactics[0]] = true
					out = append(out, det.tactics[0])
				}
			}
		}
	}
	return out
}

// perm returns a permutation of 0..n-1.
func perm(r *rng, n int) []int {
	p := make([]int, n)
	for i := range p {
		p[i] = i
	}
	for i := n - 1; i > 0; i-- {
		j := r.intn(i + 1)
		p[i], p[j] = p[j], p[i]
	}
	return p
}

// publication is one threat intelligence write-up.
type publication struct {
	name, summary string
	daysAgo       int
	tags          []string
	techniques    []string
	iocs          [][2]string // type, value
}

var publications = []publication{
	{name: "BadCDN loader beacons over HTTPS",
		summary: "A loader disguised as a CDN update service resolves " + BadDomain + " and checks " +
			"in with " + BadIP + " over HTTPS every five minutes.",
		daysAgo: 3, tags: []string{"loader", "c2", "beaconing"},
		techniques: []string{"T1071.001", "T1573.002"},
		iocs: [][2]string{{"domain", BadDomain}, {"ip", BadIP},
			{"file_path", ImplantImage}}},
	{name: "Invoice lures drop encoded PowerShell stagers",
		summary: "Macro-enabled invoices start PowerShell with -nop -w hidden -enc to download a " +
			"second stage from " + StagingDomain + ".",
		daysAgo: 9, tags: []string{"phishing", "powershell", "macro"},
		techniques: []string{"T1566.001", "T1059.001", "T1027"},
		iocs:       [][2]string{{"domain", StagingDomain}, {"ip", StagingIP}}},
	{name: "Hands-on-keyboard credential theft from LSASS",
		summary: "Intruders dump LSASS with ProcDump or comsvcs.dll MiniDump and run mimikatz " +
			"sekurlsa::logonpasswords before moving laterally with NTLM.",
		daysAgo: 14, tags: []string{"credential-access", "mimikatz", "lateral-movement"},
		techniques: []string{"T1003.001", "T1550.002"},
		iocs:       [][2]string{{"file_path", MimikatzImage}, {"file_name", "procdump64.exe"}}},
	{name: "Ransomware affiliates abuse remote management tools",
		summary: "Affiliates install legitimate remote management agents for persistence.",
		daysAgo: 21, tags: []string{"ransomware", "rmm"}, techniques: []string{"T1219"},
		iocs: [][2]string{{"domain", "rmm-relay.example"}, {"ip", "192.0.2.101"}}},
	{name: "Cloud access keys leaked in public repositories",
		summary: "Access keys committed to public code are used within minutes to list buckets.",
		daysAgo: 30, tags: []string{"cloud", "aws"}, techniques: []string{"T1552.001", "T1078.004"},
		iocs: [][2]string{{"ip", "192.0.2.117"}}},
	{name: "Password spraying against SSO portals",
		summary: "Low-and-slow password spraying from residential proxies.",
		daysAgo: 38, tags: []string{"credential-access", "sso"}, techniques: []string{"T1110.003"},
		iocs: [][2]string{{"ip", "192.0.2.130"}, {"ip", "192.0.2.131"}}},
	{name: "Fake browser updates deliver infostealers",
		summary: "Compromised sites prompt visitors to install a browser update.",
		daysAgo: 47, tags: []string{"infostealer", "drive-by"}, techniques: []string{"T1189"},
		iocs: [][2]string{{"domain", "browser-update-check.example"}}},
	{name: "DNS tunnelling in a data exfiltration toolkit",
		summary: "Long TXT queries to attacker-run name servers carry stolen data.",
		daysAgo: 60, tags: []string{"exfiltration", "dns"}, techniques: []string{"T1048.003"},
		iocs: [][2]string{{"domain", "t.exfil-ns.example"}}},
	{name: "Exploitation of an edge VPN appliance",
		summary: "Unauthenticated exploitation followed by web shell deployment.",
		daysAgo: 75, tags: []string{"vulnerability", "edge"}, techniques: []string{"T1190"},
		iocs: [][2]string{{"ip", "192.0.2.150"}}},
	{name: "Living off the land with scheduled tasks",
		summary: "Persistence through scheduled tasks that run signed binaries.",
		daysAgo: 90, tags: []string{"persistence", "lolbins"}, techniques: []string{"T1053.005"},
		iocs: [][2]string{{"file_name", "schtasks.exe"}}},
}

func (d *Dataset) buildPublications() {
	r := keyed(d.Config.Seed, label("publications"))
	for _, p := range publications {
		published := d.Config.Now.AddDate(0, 0, -p.daysAgo).Truncate(time.Hour)
		var iocs []any
		for _, ioc := range p.iocs {
			iocs = append(iocs, map[string]any{"type": ioc[0], "value": ioc[1]})
		}
		id := r.uuid()
		kind := "Threat Intelligence Report"
		if p.daysAgo < 15 {
			kind = "Threat Advisory"
		}
		d.Publications = append(d.Publications, map[string]any{
			"id":               id,
			"name":             p.name,
			"description":      p.summary,
			"tlp":              "TLP:AMBER",
			"type":             kind,
			"tags":             strList(p.tags),
			"url":              "https://ctu.taegis.local/publications/" + id,
			"published":        rfc3339(published),
			"updated":          rfc3339(published.Add(time.Duration(r.between(0, 48)) * time.Hour)),
			"attackTechniques": strList(p.techniques),
			"iocs":             iocs,
		})
	}
}
