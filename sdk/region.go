package sdk

import (
	"fmt"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
)

// Region is one Taegis deployment: where its gateways and its token endpoint are.
type Region struct {
	// Name is the canonical name, e.g. "charlie"; aliases resolve to it.
	Name string
	// Aliases are the other names of the region, e.g. "us1" and "production" for charlie.
	Aliases []string
	// API is the base URL of the graphql and events gateways, without a trailing slash.
	API string
	// Tenants is the base URL of the legacy tenants gateway.
	Tenants string
	// Auth is the base URL of the token endpoints.
	Auth string
	// Local marks the embedded emulator, whose URLs are known only once it runs.
	Local bool
	// Custom marks a region from the settings file.
	Custom bool
}

// The region names with a meaning of their own.
const (
	// RegionLocal is the emulator embedded in the binary.
	RegionLocal = "local"
	// RegionUniversal is the universal authentication host; it serves no GraphQL.
	RegionUniversal = "universal"
	// RegionDefault is the region used when credentials are set but no region is chosen.
	RegionDefault = "charlie"
)

// builtinRegions is the upstream table of Taegis regions.
var builtinRegions = []Region{
	{Name: "charlie", Aliases: []string{"production", "us1"},
		API: "https://api.ctpx.secureworks.com", Tenants: "https://api.tenants.ctpx.secureworks.com"},
	regionRow("delta", "us2"),
	regionRow("echo", "eu"),
	regionRow("foxtrot", "us3"),
	regionRow("golf", "euw1"),
	regionRow("hotel", "apse2"),
	regionRow("india", "aps1"),
	regionRow("juliet", "apne1"),
	regionRow("kilo", "sae1"),
	regionRow("quebec", "cac1"),
	{Name: RegionUniversal, API: "https://api.taegis.secureworks.com"},
	{Name: RegionLocal, Local: true},
}

func regionRow(name, alias string) Region {
	return Region{
		Name:    name,
		Aliases: []string{alias},
		API:     "https://api." + name + ".taegis.secureworks.com",
		Tenants: "https://api-tenants." + name + ".taegis.secureworks.com",
	}
}

// Regions returns the built-in regions followed by the custom ones of s (s may be nil), in a
// stable order.
func Regions(s *Settings) []Region {
	out := make([]Region, 0, len(builtinRegions))
	for _, r := range builtinRegions {
		out = append(out, r.withDefaults())
	}
	if s == nil {
		return out
	}
	names := make([]string, 0, len(s.Regions))
	for name := range s.Regions {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		out = append(out, s.Regions[name].region(name))
	}
	return out
}

// LookupRegion finds a region by name or alias, case-insensitively, among the built-in regions
// and the custom regions of s (s may be nil). A custom region may not shadow a built-in name.
func LookupRegion(s *Settings, name string) (Region, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	for _, r := range Regions(s) {
		if r.Name == key || slices.Contains(r.Aliases, key) {
			return r, nil
		}
	}
	return Region{}, &UnknownRegionError{Name: name, Known: regionNames(s)}
}

// UnknownRegionError is a region name that is neither built in nor configured.
type UnknownRegionError struct {
	Name  string
	Known []string
}

// Error lists the known regions and says how to add one.
func (e *UnknownRegionError) Error() string {
	return fmt.Sprintf("unknown region %q; known regions: %s (add one with: gotaegis "+
		"configure regions add NAME URL)", e.Name, strings.Join(e.Known, ", "))
}

func regionNames(s *Settings) []string {
	var names []string
	for _, r := range Regions(s) {
		names = append(names, r.Name)
	}
	return names
}

// ResolveRegion picks the region of a command: explicit when not empty, else the TAEGIS_REGION
// variable, else the settings' default region, else charlie when CLIENT_ID and CLIENT_SECRET (or
// the variables the settings name for charlie) are set, else local. getenv may be nil (then
// os.Getenv is used).
func ResolveRegion(s *Settings, explicit string, getenv func(string) string) (Region, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	name := explicit
	if name == "" {
		name = getenv("TAEGIS_REGION")
	}
	if name == "" && s != nil {
		name = s.DefaultRegion
	}
	if name == "" {
		def, _ := LookupRegion(s, RegionDefault)
		creds := s.credentialNames(def.Name)
		if getenv(creds.id) != "" && getenv(creds.secret) != "" {
			return def, nil
		}
		name = RegionLocal
	}
	return LookupRegion(s, name)
}

func (r Region) withDefaults() Region {
	r.API = strings.TrimRight(r.API, "/")
	r.Tenants = strings.TrimRight(r.Tenants, "/")
	r.Auth = strings.TrimRight(r.Auth, "/")
	if r.Tenants == "" {
		r.Tenants = r.API
	}
	if r.Auth == "" {
		r.Auth = r.API
	}
	return r
}

// withBase returns the local region with its URLs pointing at base.
func (r Region) withBase(base string) Region {
	r.API, r.Tenants, r.Auth = base, base, base
	return r.withDefaults()
}

// URL returns the HTTP endpoint of gateway g in the region.
func (r Region) URL(g Gateway) (string, error) {
	if r.Local && r.API == "" {
		return "", errLocalNotRunning
	}
	switch g {
	case GatewayGraphQL, "":
		return r.API + "/graphql", nil
	case GatewayEvents:
		return r.API + "/events/query", nil
	case GatewayTenants:
		return r.Tenants + "/public/query", nil
	}
	return "", fmt.Errorf("unknown gateway %q; the gateways are graphql, events and tenants", g)
}

// WebsocketURL returns the websocket endpoint of gateway g: its URL with ws or wss.
func (r Region) WebsocketURL(g Gateway) (string, error) {
	u, err := r.URL(g)
	if err != nil {
		return "", err
	}
	switch {
	case strings.HasPrefix(u, "https://"):
		return "wss://" + strings.TrimPrefix(u, "https://"), nil
	case strings.HasPrefix(u, "http://"):
		return "ws://" + strings.TrimPrefix(u, "http://"), nil
	}
	return u, nil
}

// TokenURL returns the client-credentials token endpoint of the region.
func (r Region) TokenURL() string { return r.Auth + "/auth/api/v2/auth/token" }

// checkBaseURL says whether s can be a region's base URL: absolute http(s), no query.
func checkBaseURL(what, s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("%s %q: %w", what, s, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("%s %q must be an absolute http or https URL, e.g. "+
			"https://api.example.com", what, s)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("%s %q must not have a query or fragment", what, s)
	}
	return nil
}
