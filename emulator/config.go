package emulator

import (
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"
)

// The emulator's defaults.
const (
	DefaultAddr         = "127.0.0.1:8765"
	DefaultClientID     = "gotaegis-local"
	DefaultClientSecret = "gotaegis-local-secret"
	DefaultTokenTTL     = time.Hour
)

// Config says how to run an emulator. Its zero value serves the default dataset on an
// ephemeral loopback port with the default credentials and data directory.
type Config struct {
	// Addr is the TCP address to listen on; empty means 127.0.0.1:0 (an ephemeral port). A
	// non-loopback address is refused unless AllowRemote is set.
	Addr        string
	AllowRemote bool
	// DataDir holds the SQLite state and the token signing key; empty means DefaultDataDir().
	DataDir string
	// Seed, Tenants and Scale select the synthetic dataset (see emulator/synth); zero values
	// mean the generator's defaults. Now anchors its timestamps, and the emulator's clock for
	// queries and new records starts there; zero means the anchor recorded in DataDir, kept
	// for a day so that ids stay the same across restarts and across processes sharing it.
	Seed    int64
	Tenants int
	Scale   float64
	Now     time.Time
	// ClientID and ClientSecret are the client credentials the token endpoint accepts; empty
	// means DefaultClientID and DefaultClientSecret.
	ClientID     string
	ClientSecret string
	// TokenTTL is the lifetime of access tokens; zero means one hour.
	TokenTTL time.Duration
	// GrantedTenants are the tenants tokens grant; empty means every tenant that holds data.
	GrantedTenants []string
	// ManualDeviceApproval makes device-code logins wait for someone to open the verification
	// URL; by default they are approved when first polled.
	ManualDeviceApproval bool
	// Clock is the time the token authority checks expiry against; nil means time.Now. Tests
	// move it forward to expire tokens.
	Clock func() time.Time
	// Logger receives one line per request at debug level and lifecycle events at info; nil
	// discards them.
	Logger *slog.Logger
}

// DefaultDataDir is $GOTAEGIS_DATA_DIR/emulator, or ~/.local/share/gotaegis/emulator.
func DefaultDataDir() string {
	if d := os.Getenv("GOTAEGIS_DATA_DIR"); d != "" {
		return filepath.Join(d, "emulator")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "gotaegis", "emulator")
	}
	return filepath.Join(os.TempDir(), "gotaegis", "emulator")
}

func (c Config) withDefaults() Config {
	if c.Addr == "" {
		c.Addr = "127.0.0.1:0"
	}
	if c.DataDir == "" {
		c.DataDir = DefaultDataDir()
	}
	if c.ClientID == "" {
		c.ClientID = DefaultClientID
	}
	if c.ClientSecret == "" {
		c.ClientSecret = DefaultClientSecret
	}
	if c.TokenTTL <= 0 {
		c.TokenTTL = DefaultTokenTTL
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// checkAddr refuses an address that is not on loopback unless remote use is allowed.
func checkAddr(addr string, allowRemote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen address %q: %v; use HOST:PORT such as %s", addr, err,
			DefaultAddr)
	}
	if allowRemote {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("listen address %q is not on loopback; the emulator accepts its "+
			"default credentials from anyone who can reach it, so use 127.0.0.1, or pass "+
			"--allow-remote to serve %s anyway", addr, host)
	}
	return nil
}
