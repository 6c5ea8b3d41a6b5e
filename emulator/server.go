package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"gotaegis/emulator/auth"
	"gotaegis/emulator/gql/events"
	"gotaegis/emulator/gql/graphql"
	"gotaegis/emulator/gql/tenants"
	"gotaegis/emulator/state"
	"gotaegis/emulator/store"
	"gotaegis/emulator/synth"
)

// The emulator's HTTP paths.
const (
	PathGraphQL     = "/graphql"
	PathEvents      = "/events/query"
	PathTenants     = "/public/query"
	PathToken       = "/auth/api/v2/auth/token"
	PathDeviceAuth  = "/universal-auth/device/code/auth"
	PathDeviceToken = "/universal-auth/device/code/token"
	PathFaults      = "/_emulator/faults"
	PathAlerts      = "/_emulator/alerts"
	PathHealth      = "/_emulator/health"
)

// Server is a running emulator. Its methods are safe for concurrent use.
type Server struct {
	cfg    Config
	ln     net.Listener
	http   *http.Server
	store  *store.Store
	state  *state.State
	auth   *auth.Authority
	faults faults

	closeOnce  sync.Once
	closed     chan struct{}
	cancelBase context.CancelFunc
}

// Start generates the dataset, opens the state under cfg.DataDir and serves the emulator on
// cfg.Addr until Close is called or ctx ends.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	if err := checkAddr(cfg.Addr, cfg.AllowRemote); err != nil {
		return nil, fmt.Errorf("emulator: %w", err)
	}
	anchor := cfg.Now
	if anchor.IsZero() {
		var err error
		if anchor, err = datasetAnchor(cfg.DataDir, time.Now()); err != nil {
			return nil, fmt.Errorf("emulator: %w", err)
		}
	}
	scfg := synth.Config{Seed: cfg.Seed, Tenants: cfg.Tenants, Scale: cfg.Scale, Now: anchor}
	if err := scfg.Validate(); err != nil {
		return nil, fmt.Errorf("emulator: %w", err)
	}

	st, err := store.Open(filepath.Join(cfg.DataDir, "emulator.db"))
	if err != nil {
		return nil, fmt.Errorf("emulator: %w", err)
	}
	data := synth.Generate(scfg)
	granted := cfg.GrantedTenants
	if len(granted) == 0 {
		granted = data.TenantIDs()
	}
	a, err := auth.New(auth.Config{
		KeyFile:              filepath.Join(cfg.DataDir, "jwt.key"),
		ClientID:             cfg.ClientID,
		ClientSecret:         cfg.ClientSecret,
		TTL:                  cfg.TokenTTL,
		Tenants:              granted,
		ManualDeviceApproval: cfg.ManualDeviceApproval,
		Now:                  cfg.Clock,
	})
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("emulator: %w", err)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("emulator: listen on %s: %w", cfg.Addr, err)
	}

	s := &Server{cfg: cfg, ln: ln, store: st, state: state.New(data, st), auth: a,
		closed: make(chan struct{})}
	if !cfg.Now.IsZero() {
		// The data's clock starts at cfg.Now and ticks from there, so relative times in
		// queries (EARLIEST=-1d) find the data; tokens keep to the wall clock clients check.
		offset := time.Until(cfg.Now)
		s.state.Now = func() time.Time { return time.Now().Add(offset) }
	}
	// Requests, websockets included, live in a context that Close cancels: Shutdown does not
	// wait for hijacked connections, so this is what ends open subscriptions.
	base, cancelBase := context.WithCancel(context.WithoutCancel(ctx))
	s.cancelBase = cancelBase
	s.http = &http.Server{
		Handler:           s.handler(),
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return base },
	}
	go func() { _ = s.http.Serve(ln) }()
	go func() {
		select {
		case <-ctx.Done():
			_ = s.Close()
		case <-s.closed:
		}
	}()
	cfg.Logger.Info("emulator listening", "url", s.URL(), "data", cfg.DataDir,
		"tenants", len(granted), "alerts", len(data.Alerts))
	return s, nil
}

// URL is the emulator's base URL, e.g. http://127.0.0.1:8765; the gateways are under it.
func (s *Server) URL() string {
	return "http://" + s.ln.Addr().String()
}

// ClientID and ClientSecret return the credentials the token endpoint accepts.
func (s *Server) ClientID() string { return s.cfg.ClientID }

// ClientSecret returns the secret that goes with ClientID.
func (s *Server) ClientSecret() string { return s.cfg.ClientSecret }

// TenantIDs lists the tenants that hold data, which tokens grant unless configured otherwise.
func (s *Server) TenantIDs() []string { return s.state.Data.TenantIDs() }

// Dataset returns the synthetic data the emulator serves; it must not be modified.
func (s *Server) Dataset() *synth.Dataset { return s.state.Data }

// Token issues an access token valid for ttl (the configured lifetime when zero), as the token
// endpoint would; a negative ttl gives an already expired token, for tests.
func (s *Server) Token(ttl time.Duration) (string, error) {
	return s.auth.Issue("client:"+s.cfg.ClientID, ttl)
}

// InjectFault queues a fault: the next matching requests fail with its status.
func (s *Server) InjectFault(f Fault) error { return s.faults.add(f) }

// Faults reports how many injected failures are pending and how many were served.
func (s *Server) Faults() FaultStats { return s.faults.stats() }

// AddAlert adds an alert record (shaped like Alert2, with tenant_id and id) to what searches
// and lookups return, e.g. one with a status clients do not know yet.
func (s *Server) AddAlert(rec map[string]any) error { return s.state.AddAlert(rec) }

// Close stops serving, ends open websockets and closes the state database.
func (s *Server) Close() error {
	var err error
	s.closeOnce.Do(func() {
		close(s.closed)
		s.cancelBase()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if e := s.http.Shutdown(ctx); e != nil {
			_ = s.http.Close()
		}
		err = s.store.Close()
		s.cfg.Logger.Info("emulator stopped", "url", s.URL())
	})
	return err
}

// handler routes the emulator's paths; faults come first so they can stand in for anything.
func (s *Server) handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle(PathToken, s.auth.TokenHandler())
	mux.Handle(PathDeviceAuth, s.auth.DeviceAuthHandler())
	mux.Handle(PathDeviceToken, s.auth.DeviceTokenHandler())
	mux.Handle(auth.ActivatePath, s.auth.ActivateHandler())
	mux.Handle(PathGraphQL, s.auth.Require(graphql.New(s.state)))
	mux.Handle(PathEvents, s.auth.Require(events.New(s.state)))
	mux.Handle(PathTenants, s.auth.Require(tenants.New(s.state)))
	mux.HandleFunc(PathFaults, s.serveFaults)
	mux.HandleFunc(PathAlerts, s.serveAlerts)
	mux.HandleFunc(PathHealth, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok",
			"tenants": s.state.Data.TenantIDs()})
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.cfg.Logger.Debug("request", "method", r.Method, "path", r.URL.Path)
		if r.URL.Path != PathFaults && r.URL.Path != PathHealth && r.URL.Path != PathAlerts {
			body, err := peekBody(r)
			if err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
				return
			}
			if f, ok := s.faults.take(r.URL.Path, body); ok {
				f.write(w)
				return
			}
		}
		mux.ServeHTTP(w, r)
	})
}

// peekBody reads a request body (up to 32 MiB) and leaves it readable again.
func peekBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, 32<<20+1))
	if err != nil {
		return nil, fmt.Errorf("read request body: %w", err)
	}
	if len(b) > 32<<20 {
		return nil, errors.New("request body over 32 MiB")
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b, nil
}

// fromLoopback refuses, and reports false for, a request that does not come from loopback.
func fromLoopback(w http.ResponseWriter, r *http.Request) bool {
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		writeJSON(w, http.StatusForbidden, map[string]any{
			"error": "the emulator's admin endpoints answer loopback clients only"})
		return false
	}
	return true
}

// serveAlerts plants alerts: POST a JSON array of Alert2-shaped records, each with id and
// tenant_id, and searches and lookups return them from then on. It answers only loopback
// clients, for tests written in other languages than Go.
func (s *Server) serveAlerts(w http.ResponseWriter, r *http.Request) {
	if !fromLoopback(w, r) {
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": "use POST"})
		return
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<20))
	dec.UseNumber()
	var recs []map[string]any
	if err := dec.Decode(&recs); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "the body is not a JSON " +
			`array of alerts: send [{"id":"alert://…","tenant_id":"…"}]: ` + err.Error()})
		return
	}
	for i, rec := range recs {
		if err := s.state.AddAlert(numbers(rec).(map[string]any)); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": fmt.Sprintf(
				"alert %d: %v", i, err), "added": i})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"added": len(recs)})
}

// numbers turns the json.Numbers of a decoded record into int64 or float64, as records hold.
func numbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	case map[string]any:
		for k, e := range x {
			x[k] = numbers(e)
		}
	case []any:
		for i, e := range x {
			x[i] = numbers(e)
		}
	}
	return v
}

// serveFaults is the fault admin endpoint: POST a Fault as JSON to queue it, GET to read the
// counts, DELETE to drop pending faults. It answers only loopback clients.
func (s *Server) serveFaults(w http.ResponseWriter, r *http.Request) {
	if !fromLoopback(w, r) {
		return
	}
	switch r.Method {
	case http.MethodGet:
	case http.MethodPost:
		var f Fault
		if err := json.NewDecoder(r.Body).Decode(&f); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": "the body is not a " +
				`fault: send {"status":429,"count":2,"retry_after":1}: ` + err.Error()})
			return
		}
		if err := s.faults.add(f); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": err.Error()})
			return
		}
	case http.MethodDelete:
		s.faults.clear()
	default:
		w.Header().Set("Allow", "GET, POST, DELETE")
		writeJSON(w, http.StatusMethodNotAllowed, map[string]any{"error": "use GET, POST or DELETE"})
		return
	}
	writeJSON(w, http.StatusOK, s.faults.stats())
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
