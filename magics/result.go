package magics

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"gotaegis/evidence"
	"gotaegis/sdk"
)

// Env is where a command runs: a shell or a kernel. The front end fills it once and reuses it
// for every command; a nil function field means the front end cannot provide that thing, and a
// command that needs it returns an error saying so.
type Env struct {
	// Client returns a client for region ("" means the default region: TAEGIS_REGION, the
	// configured default, else local). Front ends cache one client per region.
	Client func(ctx context.Context, region string) (*sdk.Client, error)

	// Evidence opens the staging database at path ("" means evidence.DefaultPath(),
	// ":memory:" is allowed). Front ends open each path once, lazily, and keep it open.
	Evidence func(path string) (*evidence.DB, error)

	// Frame returns the records of a named DataFrame for options such as
	// "evidence stage --dataframe NAME". In a kernel it reads the interpreter's variable; in a
	// shell NAME is the path of a JSON or NDJSON file ("-" for standard input).
	Frame func(name string) ([]map[string]any, error)

	// Cell is the query text: a %%taegis cell body, or the --cell option in a shell.
	Cell string

	// Stdout receives help and messages; Stderr progress and warnings.
	Stdout io.Writer
	Stderr io.Writer

	// Now is the clock used to resolve relative time windows once per command.
	Now func() time.Time

	// Getenv reads the environment (TAEGIS_REGION and friends); nil means os.Getenv.
	Getenv func(string) string
}

// Result is one command's outcome. Records keep the GraphQL response's field names so that
// dataframe.FromRecords flattens them exactly as the upstream json_normalize does.
type Result struct {
	Command    string           // the command path without "taegis": "alerts search"
	Service    string           // the Taegis service: "alerts"
	Region     string           // the region the records came from
	Tenants    []string         // the tenants asked, in order; empty means the token's default
	Records    []map[string]any // GraphQL field names, JSON-shaped values
	Total      int              // the server's total, -1 when unknown
	QueryID    string           // the server's query id when it has one (alerts, events)
	Message    string           // for commands without records ("staged 3 alerts")
	Provenance Provenance
}

// Provenance says where a Result came from, precisely enough to reproduce or audit it.
type Provenance struct {
	Query     string    // the rendered query as sent (CQL, or the GraphQL operation name)
	Region    string    // the region the command ran in
	Tenants   []string  // the tenants the command ran against
	Earliest  time.Time // the absolute window; relative times resolved once; zero if none
	Latest    time.Time
	Rows      int      // len(Records)
	Pages     int      // GraphQL requests that returned records
	Truncated bool     // a limit cut the result short of the server's total
	Partial   bool     // a part or a tenant failed; Errors says which
	Errors    []string // one line per failed part: "tenant 11772: forbidden ..."
	Hash      string   // hex sha256 of the canonical JSON of Records
}

// Hash returns the hex sha256 of the canonical JSON of records: encoding/json with object keys
// sorted, which is what Provenance.Hash holds.
func Hash(records []map[string]any) (string, error) {
	if records == nil {
		records = []map[string]any{}
	}
	b, err := json.Marshal(records)
	if err != nil {
		return "", fmt.Errorf("hash records: %w", err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// seal fills the Provenance fields that follow from the Result itself: rows, region, tenants
// and the content hash.
func (r *Result) seal() error {
	if r.Records == nil {
		r.Records = []map[string]any{}
	}
	r.Provenance.Rows = len(r.Records)
	if r.Provenance.Region == "" {
		r.Provenance.Region = r.Region
	}
	if r.Provenance.Tenants == nil {
		r.Provenance.Tenants = r.Tenants
	}
	h, err := Hash(r.Records)
	if err != nil {
		return err
	}
	r.Provenance.Hash = h
	return nil
}
