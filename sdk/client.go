package sdk

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"time"

	graphql "github.com/hasura/go-graphql-client"
)

// Config says how to make a Client. The zero value is usable: it resolves the region as
// ResolveRegion does and takes credentials from the environment.
type Config struct {
	// Region is a region name or alias; empty means ResolveRegion's order.
	Region string
	// Tenant is the default X-Tenant-Context of every call; WithTenant overrides it per call.
	Tenant string

	// Token is a fixed bearer token: no token is fetched, cached or refreshed.
	Token string
	// ClientID and ClientSecret override the environment variables (CLIENT_ID and
	// CLIENT_SECRET, or the names the settings give for the region).
	ClientID, ClientSecret string
	// UniversalAuth fetches tokens from the universal authentication host instead of the
	// region's own; the settings can turn it on per region too.
	UniversalAuth bool
	// DeviceLogin, when set, runs the device-code flow when no other credentials exist: it is
	// called with where the person logs in and should show that to them.
	DeviceLogin func(DeviceAuthorization) error

	// Settings are the settings to use; nil loads them from ConfigDir.
	Settings *Settings
	// ConfigDir holds the settings and the token cache; empty means ConfigDir().
	ConfigDir string
	// NoTokenCache keeps tokens in memory only.
	NoTokenCache bool

	// HTTPClient sends the requests; nil means a client with sensible connection timeouts. Its
	// Transport is used for every attempt; its Timeout, if any, bounds a whole call, retries
	// included (a context deadline does the same per call).
	HTTPClient *http.Client
	// Version is the gotaegis release, sent in User-Agent and apollographql-client-version.
	Version string
	// UserAgent replaces the User-Agent "gotaegis/<Version>".
	UserAgent string
	// Headers are sent with every request; they replace the SDK's own headers except
	// Authorization and X-Tenant-Context (a call's WithHeader replaces any header).
	Headers map[string]string
	// Retry bounds the retries; the zero value is the default policy.
	Retry RetryPolicy
	// MaxMessageSize bounds one websocket message of a subscription; 0 means 64 MiB.
	MaxMessageSize int64

	// Getenv reads environment variables; nil means os.Getenv.
	Getenv func(string) string
}

// Client talks to one Taegis region with one set of credentials. It is safe for concurrent use.
// Copies made by WithTenant share its token and connections.
type Client struct {
	core   *core
	tenant string
}

// core is what all copies of a Client share.
type core struct {
	region   Region // URLs empty for local until first use
	names    credentialNames
	tokens   *tokenProvider
	plain    *http.Client // no auth, no retries: token endpoints and websocket upgrades
	exec     *http.Client // the transport with auth and retries
	headers  http.Header
	maxMsg   int64
	retry    RetryPolicy
	endpoint func(context.Context) (Region, error)

	mu   sync.Mutex
	gqls map[string]*graphql.Client // by URL

	// wsSize is the size of the last large websocket message read, the first guess at the
	// next one's: an event query reads page after page of about the same size, each on its own
	// connection.
	wsSize atomic.Int64
}

// New makes a Client for the region and credentials of cfg. It does no network I/O: tokens are
// fetched, and the local emulator started, on the first call.
func New(cfg Config) (*Client, error) {
	getenv := cfg.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	dir := cfg.ConfigDir
	if dir == "" {
		dir = ConfigDir()
	}
	settings := cfg.Settings
	if settings == nil {
		var err error
		if settings, err = LoadSettings(dir); err != nil {
			return nil, fmt.Errorf("sdk: %w", err)
		}
	}
	region, err := ResolveRegion(settings, cfg.Region, getenv)
	if err != nil {
		return nil, err
	}
	if region.Name == RegionUniversal {
		return nil, fmt.Errorf("sdk: region universal only issues tokens; choose a region such " +
			"as charlie and turn on universal auth with: gotaegis configure auth REGION " +
			"--universal")
	}

	names := settings.credentialNames(region.Name)
	clientID, secret := cfg.ClientID, cfg.ClientSecret
	if clientID == "" && secret == "" {
		clientID, secret = getenv(names.id), getenv(names.secret)
	}
	if (clientID == "") != (secret == "") {
		return nil, fmt.Errorf("sdk: region %s: set both %s and %s, or neither", region.Name,
			names.id, names.secret)
	}
	if clientID == "" && (region.Local || isLoopback(region.API)) {
		// An emulator's default credentials are no secret; a real server refuses them and
		// the error says which variables to set.
		clientID, secret = LocalClientID, LocalClientSecret
	}

	c := &core{region: region, names: names, maxMsg: cfg.MaxMessageSize,
		gqls: map[string]*graphql.Client{}}
	if c.maxMsg <= 0 {
		c.maxMsg = 64 << 20
	}
	c.plain = cfg.HTTPClient
	if c.plain == nil {
		c.plain = &http.Client{Transport: defaultTransport()}
	}
	c.endpoint = func(context.Context) (Region, error) { return region, nil }
	if region.Local {
		c.endpoint = func(ctx context.Context) (Region, error) {
			base, err := localBase(ctx)
			if err != nil {
				return Region{}, err
			}
			return region.withBase(base), nil
		}
	}

	universal := (cfg.UniversalAuth || settings.universal(region.Name)) && !region.Local
	cacheKey := region.Name
	authBase := func(ctx context.Context) (string, error) {
		r, err := c.endpoint(ctx)
		return r.Auth, err
	}
	if universal {
		u, _ := LookupRegion(nil, RegionUniversal)
		cacheKey = RegionUniversal
		authBase = func(context.Context) (string, error) { return u.API, nil }
	}
	c.tokens = &tokenProvider{
		static: cfg.Token, cacheKey: cacheKey, clientID: clientID, clientSecret: secret,
		authBase: authBase, httpClient: c.plain, device: cfg.DeviceLogin, names: names,
		region: region.Name, now: time.Now,
	}
	if !cfg.NoTokenCache {
		c.tokens.cache = NewTokenCache(dir)
	}

	c.headers = baseHeaders(cfg)
	base := c.plain.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	c.retry = cfg.Retry.withDefaults()
	c.exec = &http.Client{
		Transport: &transport{base: base, tokens: c.tokens, headers: c.headers,
			retry: c.retry, now: time.Now, sleep: sleep},
		Timeout: c.plain.Timeout,
		Jar:     c.plain.Jar,
	}
	return &Client{core: c, tenant: cfg.Tenant}, nil
}

func baseHeaders(cfg Config) http.Header {
	version := cfg.Version
	if version == "" {
		version = "dev"
	}
	ua := cfg.UserAgent
	if ua == "" {
		ua = "gotaegis/" + version
	}
	h := http.Header{}
	h.Set("Accept", "application/json")
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("User-Agent", ua)
	h.Set("apollographql-client-name", "gotaegis")
	h.Set("apollographql-client-version", version)
	for name, value := range cfg.Headers {
		h.Set(name, value)
	}
	return h
}

func defaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.ResponseHeaderTimeout = 5 * time.Minute
	return t
}

// Region returns the canonical name of the client's region, e.g. "charlie" or "local", for
// results' provenance.
func (c *Client) Region() string { return c.core.region.Name }

// Tenant returns the client's default tenant id; "" when it has none.
func (c *Client) Tenant() string { return c.tenant }

// WithTenant returns a copy of the client whose calls default to tenant id. The copy is cheap:
// it shares the token, the connections and the settings.
func (c *Client) WithTenant(id string) *Client {
	return &Client{core: c.core, tenant: id}
}

// URL returns the endpoint of gateway g, starting the local emulator if the region is local.
func (c *Client) URL(ctx context.Context, g Gateway) (string, error) {
	r, err := c.core.endpoint(ctx)
	if err != nil {
		return "", err
	}
	return r.URL(g)
}

// Token returns a bearer token for the client's region, fetching one if needed. Callers that
// show it anywhere leak a credential; it is meant for other clients of the same API.
func (c *Client) Token(ctx context.Context) (string, error) {
	return c.core.tokens.Token(ctx)
}

// TokenTenants returns the tenant ids the client's token is granted, fetching a token if
// needed.
func (c *Client) TokenTenants(ctx context.Context) ([]string, error) {
	tok, err := c.Token(ctx)
	if err != nil {
		return nil, err
	}
	return TokenTenants(tok), nil
}

// Login runs the device-code flow for the client's region, calls show with where the person
// logs in, and caches the token it gets.
func (c *Client) Login(ctx context.Context, show func(DeviceAuthorization) error) error {
	base, err := c.core.tokens.authBase(ctx)
	if err != nil {
		return err
	}
	tok, err := DeviceLogin(ctx, c.core.plain, base, show)
	if err != nil {
		return err
	}
	if err := c.core.tokens.Set(tok); err != nil {
		return fmt.Errorf("login worked but the token could not be cached: %w", err)
	}
	return nil
}

// Logout forgets the client's cached token, in memory and on disk.
func (c *Client) Logout() error {
	p := c.core.tokens
	p.mu.Lock()
	defer p.mu.Unlock()
	p.current = CachedToken{}
	if p.cache == nil {
		return nil
	}
	return p.cache.Remove(p.cacheKey)
}

// graphqlClient returns the executor for url, made once.
func (c *core) graphqlClient(url string) *graphql.Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	g, ok := c.gqls[url]
	if !ok {
		g = graphql.NewClient(url, c.exec)
		c.gqls[url] = g
	}
	return g
}

// isLoopback reports whether base is on this machine (a gotaegis emulator, usually).
func isLoopback(base string) bool {
	u, err := url.Parse(base)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

var errNilClient = errors.New("sdk: nil Client; make one with sdk.New")
