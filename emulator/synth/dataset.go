package synth

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"sync"
	"time"
)

// Defaults and limits of a Config.
const (
	DefaultTenants = 20
	DefaultScale   = 1.0
	MaxTenants     = 1000
	MaxScale       = 1000.0
	// MaxVolume bounds Tenants times Scale. Alerts are held in memory, about 1 MiB for each
	// unit of volume, so the largest dataset holds about 110,000 alerts in about 1 GiB.
	MaxVolume = 1000.0
)

// Window is how far back from Config.Now background events reach.
const Window = 7 * 24 * time.Hour

// Config says what to generate. Its zero value generates the default dataset for the current
// time; set Now for reproducible output.
type Config struct {
	// Seed selects the dataset: the same Seed and Now always give the same data.
	Seed int64
	// Tenants is the number of customer tenants that hold data (default 20). Partner and
	// organization tenants are added above them.
	Tenants int
	// Scale multiplies the number of background events and benign alerts (default 1).
	Scale float64
	// Now anchors every timestamp; zero means the current time, truncated to the second.
	Now time.Time
}

// Validate reports a Config that Generate would have to correct, with what to use instead.
func (c Config) Validate() error {
	var errs []error
	if c.Tenants < 0 || c.Tenants > MaxTenants {
		errs = append(errs, fmt.Errorf("tenants %d out of range: use 1 to %d (0 means %d)",
			c.Tenants, MaxTenants, DefaultTenants))
	}
	if math.IsNaN(c.Scale) || c.Scale < 0 || c.Scale > MaxScale {
		errs = append(errs, fmt.Errorf("scale %v out of range: use a number above 0 and at most %v"+
			" (0 means %v)", c.Scale, MaxScale, DefaultScale))
	}
	if len(errs) == 0 {
		tenants, scale := c.Tenants, c.Scale
		if tenants == 0 {
			tenants = DefaultTenants
		}
		if scale == 0 {
			scale = DefaultScale
		}
		if v := float64(tenants) * scale; v > MaxVolume {
			errs = append(errs, fmt.Errorf("tenants %d times scale %v is %v, above %v: the "+
				"dataset would hold about %d alerts in memory; lower the tenants or the scale",
				tenants, scale, v, MaxVolume, int(v*baseAlerts)))
		}
	}
	return errors.Join(errs...)
}

// normalized fills defaults and clamps out-of-range values.
func (c Config) normalized() Config {
	switch {
	case c.Tenants <= 0:
		c.Tenants = DefaultTenants
	case c.Tenants > MaxTenants:
		c.Tenants = MaxTenants
	}
	switch {
	case math.IsNaN(c.Scale) || c.Scale <= 0:
		c.Scale = DefaultScale
	case c.Scale > MaxScale:
		c.Scale = MaxScale
	}
	if v := float64(c.Tenants) * c.Scale; v > MaxVolume {
		c.Scale = MaxVolume / float64(c.Tenants)
	}
	if c.Now.IsZero() {
		c.Now = time.Now()
	}
	c.Now = c.Now.UTC().Truncate(time.Second)
	return c
}

// Scenario names a kind of planted attack activity.
type Scenario string

// The planted scenarios.
const (
	// ScenarioEncodedPowerShell is a document spawning cmd.exe and then
	// `powershell.exe -nop -w hidden -enc <base64 of a UTF-16LE download cradle>`.
	ScenarioEncodedPowerShell Scenario = "encoded-powershell"
	// ScenarioCredentialDumping is LSASS access through procdump, comsvcs.dll MiniDump and
	// mimikatz sekurlsa::logonpasswords, with the dump files written.
	ScenarioCredentialDumping Scenario = "credential-dumping"
	// ScenarioBeaconing is an implant resolving update-check.badcdn.example and connecting to
	// 203.0.113.66:443 at a regular interval.
	ScenarioBeaconing Scenario = "beaconing"
)

// Scenarios lists every planted scenario.
func Scenarios() []Scenario {
	return []Scenario{ScenarioEncodedPowerShell, ScenarioCredentialDumping, ScenarioBeaconing}
}

// Indicators planted by the scenarios; background activity never contains them.
const (
	BadDomain = "update-check.badcdn.example"
	BadIP     = "203.0.113.66"
)

// Planting is one planted scenario in one tenant: where it happened and what records it left.
type Planting struct {
	TenantID string
	Scenario Scenario
	HostID   string
	Hostname string
	Username string
	// Start and End bound the planted events' timestamps.
	Start, End time.Time
	// EventIDs are the planted events, in time order; AlertIDs the alerts raised from them.
	EventIDs []string
	AlertIDs []string
}

// Dataset is one generated world. Its exported slices are in a stable order; its methods are
// safe for concurrent use. Records are shared and must not be modified.
type Dataset struct {
	// Config is the normalised configuration the data was generated from.
	Config Config
	// Tenants holds every tenant shaped like tenants4 TenantV4: partners, organizations and
	// the customer tenants that hold data, ordered by id.
	Tenants []map[string]any
	// LegacyTenants holds the same tenants shaped like the legacy tenants service's Tenant.
	LegacyTenants []map[string]any
	// Assets holds every tenant's hosts shaped like assets2 AssetV2, by tenant then hostname.
	Assets []map[string]any
	// Alerts holds every alert shaped like Alert2, by tenant then creation time.
	Alerts []map[string]any
	// Detectors lists the detectors that raise the alerts.
	Detectors []map[string]any
	// Rules holds custom alerting and suppression rules, some of them deleted.
	Rules []map[string]any
	// Publications holds threat intelligence publications, newest first.
	Publications []map[string]any
	// Planted lists the planted scenarios by tenant id, then scenario.
	Planted []Planting

	leaves      []*tenant
	leafByID    map[string]*tenant
	tenantByID  map[string]map[string]any
	assetByHost map[string]map[string]any
	alertByID   map[string]map[string]any
	plantedByID map[string]map[string]any
	cache       *eventCache
	activity    *activityCurve
	images      sync.Map // program image path to its imageInfo
}

// Generate builds the dataset that cfg describes. Zero fields take their defaults and
// out-of-range fields are clamped; call Config.Validate first to reject them instead.
func Generate(cfg Config) *Dataset {
	cfg = cfg.normalized()
	d := &Dataset{
		Config:      cfg,
		leafByID:    map[string]*tenant{},
		tenantByID:  map[string]map[string]any{},
		assetByHost: map[string]map[string]any{},
		alertByID:   map[string]map[string]any{},
		plantedByID: map[string]map[string]any{},
		cache:       newEventCache(defaultCacheEvents),
		activity:    newActivityCurve(cfg.Now),
	}
	d.buildTenants()
	for _, t := range d.leaves {
		d.buildHosts(t)
	}
	d.Detectors = detectorRecords()
	d.plant()
	for _, t := range d.leaves {
		d.benignAlerts(t)
	}
	for _, t := range d.leaves {
		sortByCreation(t.alerts)
		d.Alerts = append(d.Alerts, t.alerts...)
	}
	for _, a := range d.Alerts {
		d.alertByID[a["id"].(string)] = a
	}
	d.buildRules()
	d.buildPublications()
	return d
}

// TenantIDs lists the customer tenants that hold data, in id order.
func (d *Dataset) TenantIDs() []string {
	out := make([]string, len(d.leaves))
	for i, t := range d.leaves {
		out[i] = t.id
	}
	return out
}

// Tenant returns the TenantV4 record of any tenant: partner, organization or customer.
func (d *Dataset) Tenant(id string) (map[string]any, bool) {
	rec, ok := d.tenantByID[id]
	return rec, ok
}

// Asset returns the AssetV2 record of the host with this host_id.
func (d *Dataset) Asset(hostID string) (map[string]any, bool) {
	rec, ok := d.assetByHost[hostID]
	return rec, ok
}

// AssetsOf lists one tenant's assets; nil for a tenant without data.
func (d *Dataset) AssetsOf(tenantID string) []map[string]any {
	t := d.leafByID[tenantID]
	if t == nil {
		return nil
	}
	return t.assets
}

// Alert returns the alert with this id.
func (d *Dataset) Alert(id string) (map[string]any, bool) {
	rec, ok := d.alertByID[id]
	return rec, ok
}

// AlertsOf lists one tenant's alerts by creation time; nil for a tenant without data.
func (d *Dataset) AlertsOf(tenantID string) []map[string]any {
	t := d.leafByID[tenantID]
	if t == nil {
		return nil
	}
	return t.alerts
}

// PlantedIn lists the tenants where scenario s was planted, in id order.
func (d *Dataset) PlantedIn(s Scenario) []string {
	var out []string
	for _, p := range d.Planted {
		if p.Scenario == s {
			out = append(out, p.TenantID)
		}
	}
	return out
}

// sortByCreation orders one tenant's alerts by creation time, then id.
func sortByCreation(alerts []map[string]any) {
	type entry struct {
		at  int64
		id  string
		rec map[string]any
	}
	ks := make([]entry, len(alerts))
	for i, a := range alerts {
		ks[i] = entry{createdSeconds(a), a["id"].(string), a}
	}
	sort.Slice(ks, func(i, j int) bool {
		if ks[i].at != ks[j].at {
			return ks[i].at < ks[j].at
		}
		return ks[i].id < ks[j].id
	})
	for i, k := range ks {
		alerts[i] = k.rec
	}
}

func createdSeconds(alert map[string]any) int64 {
	md := alert["metadata"].(map[string]any)
	return md["created_at"].(map[string]any)["seconds"].(int64)
}
