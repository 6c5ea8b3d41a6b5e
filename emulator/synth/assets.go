package synth

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// host is one endpoint of a tenant, from which its endpoint events are generated.
type host struct {
	id       string
	hostname string
	platform string // windows, linux or macos
	ip       string
	mac      string
	users    []string
	sensor   string
	first    time.Time
	programs []program
	// weightSum is the total weight of programs, cached for picking.
	weightSum int
	// boxed holds the fields every event on the host repeats, boxed once (see boxedTypeNames).
	boxed struct{ id, hostname, sensor, resource, ip any }
}

// osVariant is one operating system an asset can run.
type osVariant struct {
	platform, family, version, distributor, release, arch, kernel string
}

var osVariants = []osVariant{
	{"windows", "WINDOWS", "10.0.22631", "Microsoft", "Windows 11 Enterprise", "AMD64", ""},
	{"windows", "WINDOWS", "10.0.19045", "Microsoft", "Windows 10 Enterprise", "AMD64", ""},
	{"windows", "WINDOWS", "10.0.20348", "Microsoft", "Windows Server 2022 Datacenter", "AMD64", ""},
	{"windows", "WINDOWS", "10.0.17763", "Microsoft", "Windows Server 2019 Standard", "AMD64", ""},
	{"linux", "LINUX", "22.04", "Ubuntu", "jammy", "x86_64", "5.15.0-126-generic"},
	{"linux", "LINUX", "9.4", "Red Hat", "Plow", "x86_64", "5.14.0-427.el9.x86_64"},
	{"macos", "MACOS", "14.6.1", "Apple", "Sonoma", "arm64", "23.6.0"},
}

var sensors = []string{"ENDPOINT_TAEGIS", "ENDPOINT_TAEGIS", "ENDPOINT_REDCLOAK",
	"ENDPOINT_CROWD_STRIKE", "ENDPOINT_MICROSOFT_ATP"}

func (d *Dataset) buildHosts(t *tenant) {
	cfg := d.Config
	r := keyed(cfg.Seed, label("hosts"), t.num)
	n := r.between(14, 40)
	// Host names carry the tenant's number so that they stay apart in a multi-tenant hunt.
	prefix := fmt.Sprintf("%s%02d", strings.ToUpper(strings.ReplaceAll(t.name, " ", "")[:3]),
		t.num%100)
	seenUsers := map[string]bool{}
	for i := 0; i < n; i++ {
		// Two thirds Windows, the rest Linux servers and Macs, as in a typical estate.
		v := osVariants[weighted(&r, len(osVariants), func(k int) int {
			return []int{8, 6, 3, 2, 4, 2, 3}[k]
		})]
		switch i {
		case 0: // every tenant has a Windows workstation and server for the planted scenarios
			v = osVariants[0]
		case 1:
			v = osVariants[2]
		}
		h := &host{id: r.uuid(), platform: v.platform, sensor: pick(&r, sensors),
			first: cfg.Now.Add(-time.Duration(r.between(8*24, 400*24)) * time.Hour)}
		h.ip = fmt.Sprintf("10.%d.%d.%d", t.netA, r.between(0, 31), 10+i)
		h.mac = fmt.Sprintf("00:50:56:%02x:%02x:%02x", r.intn(256), r.intn(256), r.intn(256))
		first, last := pick(&r, firstNames), pick(&r, lastNames)
		owner := first[:1] + last
		switch {
		case v.platform == "windows" && strings.Contains(v.release, "Server"):
			h.hostname = fmt.Sprintf("%s-SRV-%02d", prefix, i+1)
			h.users = []string{"CORP\\svc_backup", "CORP\\" + owner + "_adm"}
		case v.platform == "windows":
			h.hostname = fmt.Sprintf("%s-WKS-%03d", prefix, i+1)
			h.users = []string{"CORP\\" + owner}
		case v.platform == "linux":
			h.hostname = fmt.Sprintf("%s-app-%02d", strings.ToLower(prefix), i+1)
			h.users = []string{"deploy", owner}
		default:
			h.hostname = fmt.Sprintf("mbp-%s-%02d", owner, i+1)
			h.users = []string{owner}
		}
		for _, u := range h.users {
			seenUsers[bareUser(u)] = true
		}
		switch v.platform {
		case "windows":
			h.programs = windowsPrograms
		case "linux":
			h.programs = linuxPrograms
		default:
			h.programs = macPrograms
		}
		for _, p := range h.programs {
			h.weightSum += p.weight
		}
		h.boxed.id, h.boxed.hostname, h.boxed.sensor, h.boxed.ip = h.id, h.hostname, h.sensor, h.ip
		h.boxed.resource = "rn:asset:" + t.id + ":" + h.id
		t.hosts = append(t.hosts, h)
		t.assets = append(t.assets, assetRecord(cfg, &r, t, h, v))
	}
	for u := range seenUsers {
		t.cloudIDs = append(t.cloudIDs, u)
	}
	sort.Strings(t.cloudIDs)
	if len(t.cloudIDs) > 6 {
		t.cloudIDs = t.cloudIDs[:6]
	}
	sortRecords(t.assets, func(a, b map[string]any) bool {
		return a["hostnames"].([]any)[0].(map[string]any)["hostname"].(string) <
			b["hostnames"].([]any)[0].(map[string]any)["hostname"].(string)
	})
	for _, a := range t.assets {
		d.Assets = append(d.Assets, a)
		d.assetByHost[a["hostId"].(string)] = a
	}
}

// assetRecord shapes a host as assets2 AssetV2.
func assetRecord(cfg Config, r *rng, t *tenant, h *host, v osVariant) map[string]any {
	created := rfc3339(h.first)
	seen := rfc3339(cfg.Now.Add(-time.Duration(r.between(1, 3600)) * time.Second))
	child := func(extra map[string]any) map[string]any {
		rec := map[string]any{"id": r.uuid(), "hostId": h.id, "createdAt": created, "updatedAt": seen}
		for k, v := range extra {
			rec[k] = v
		}
		return rec
	}
	var users []any
	for _, u := range h.users {
		users = append(users, child(map[string]any{"username": u}))
	}
	role := "workstation"
	if strings.Contains(v.release, "Server") || v.platform == "linux" {
		role = "server"
	}
	var kernel any
	if v.kernel != "" {
		kernel = v.kernel
	}
	return map[string]any{
		"id":                h.id,
		"hostId":            h.id,
		"rn":                fmt.Sprintf("rn:asset:%s:%s", t.id, h.id),
		"tenantId":          t.id,
		"sensorTenant":      t.id,
		"sensorId":          r.hex(16),
		"sensorVersion":     fmt.Sprintf("2.%d.%d", r.between(8, 12), r.between(0, 40)),
		"endpointType":      h.sensor,
		"endpointPlatform":  v.platform,
		"architecture":      v.arch,
		"osFamily":          v.family,
		"osVersion":         v.version,
		"osDistributor":     v.distributor,
		"osRelease":         v.release,
		"kernelRelease":     kernel,
		"systemType":        role,
		"ingestTime":        seen,
		"createdAt":         created,
		"updatedAt":         seen,
		"lastSeenAt":        seen,
		"deletedAt":         nil,
		"isolationStatus":   "NotIsolated",
		"biosSerial":        strings.ToUpper(r.hex(6)),
		"connectionStatus":  "Online",
		"hostnames":         []any{child(map[string]any{"hostname": h.hostname})},
		"ipAddresses":       []any{child(map[string]any{"ip": h.ip})},
		"ethernetAddresses": []any{child(map[string]any{"mac": h.mac})},
		"users":             users,
		"tags": []any{child(map[string]any{"tenantId": t.id, "tag": "role:" + role,
			"key": "role", "value": role, "isVendorTag": false})},
		"endpointGroup": map[string]any{"id": "grp-" + t.id + "-" + role, "name": role + "s"},
	}
}

// sortRecords sorts records stably by less.
func sortRecords(recs []map[string]any, less func(a, b map[string]any) bool) {
	sort.SliceStable(recs, func(i, j int) bool { return less(recs[i], recs[j]) })
}
