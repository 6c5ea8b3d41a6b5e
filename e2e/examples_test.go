package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"gotaegis/emulator/synth"
)

// exampleHunts says, for each procedure in examples/, which planted scenarios of region local's
// dataset it finds. The ioc-sweep's default indicators are the beaconing campaign's domain and
// address and the hash of the mimikatz.exe that credential dumping runs.
var exampleHunts = map[string][]synth.Scenario{
	"encoded-powershell.md": {synth.ScenarioEncodedPowerShell},
	"ioc-sweep.md":          {synth.ScenarioBeaconing, synth.ScenarioCredentialDumping},
	"credential-dumping.md": {synth.ScenarioCredentialDumping},
}

// localData is region local's dataset, from which the tests tell planted tenants from clean ones.
func localData() *synth.Dataset { return synth.Generate(synth.Config{}) }

// examplePaths lists examples/*.md and fails when one has no entry in exampleHunts, so that a new
// procedure cannot go untested.
func examplePaths(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(harness.root, "examples", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 3 {
		t.Fatalf("examples/ holds %d MyST procedures, want at least 3", len(paths))
	}
	for _, p := range paths {
		if _, ok := exampleHunts[filepath.Base(p)]; !ok {
			t.Errorf("%s: no expectations in exampleHunts; say which planted scenarios it finds",
				filepath.Base(p))
		}
	}
	return paths
}

// plantedFor returns the tenants holding any of scenarios, sorted.
func plantedFor(d *synth.Dataset, scenarios []synth.Scenario) []string {
	var out []string
	for _, s := range scenarios {
		for _, id := range d.PlantedIn(s) {
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
		}
	}
	sort.Strings(out)
	return out
}

// searchRows sums the rows of the search results in an executed notebook, read from the
// provenance the %taegis magics keep in each result's output metadata.
func searchRows(t *testing.T, path string) (rows, searches int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []struct {
			Outputs []struct {
				OutputType string `json:"output_type"`
				Ename      string `json:"ename"`
				Evalue     string `json:"evalue"`
				Metadata   struct {
					Taegis *struct {
						Command string `json:"command"`
						Rows    int    `json:"rows"`
					} `json:"taegis"`
				} `json:"metadata"`
			} `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(b, &nb); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			if o.OutputType == "error" {
				t.Errorf("%s: a cell failed: %s: %s", path, o.Ename, o.Evalue)
			}
			p := o.Metadata.Taegis
			if p != nil && strings.HasSuffix(p.Command, " search") {
				rows += p.Rows
				searches++
			}
		}
	}
	return rows, searches
}

func TestExamplesLint(t *testing.T) {
	setupBinary(t)
	for _, p := range examplePaths(t) {
		t.Run(filepath.Base(p), func(t *testing.T) {
			out := run(t, time.Minute, harness.root, harness.bin, "notebook", "lint", p)
			if strings.TrimSpace(out) != "" {
				t.Errorf("lint printed findings for a passing file:\n%s", out)
			}
		})
	}
}

func TestExamplesExecute(t *testing.T) {
	setup(t)
	data := localData()
	clean := data.CleanTenants()
	if len(clean) == 0 {
		t.Fatal("region local's dataset has no clean tenant")
	}
	for _, p := range examplePaths(t) {
		name := filepath.Base(p)
		planted := plantedFor(data, exampleHunts[name])
		if len(planted) == 0 {
			t.Fatalf("%s: no tenant of region local holds %v", name, exampleHunts[name])
		}
		for _, tc := range []struct {
			tenant string
			finds  bool
		}{{planted[0], true}, {clean[0], false}} {
			t.Run(name+"/"+tc.tenant, func(t *testing.T) {
				dir := t.TempDir()
				executed := filepath.Join(dir, strings.TrimSuffix(name, ".md")+".ipynb")
				run(t, 3*time.Minute, dir, harness.bin, "notebook", "execute", p, executed,
					"--tenant", tc.tenant, "--region", "local")
				rows, searches := searchRows(t, executed)
				if searches == 0 {
					t.Fatalf("%s ran no %%taegis search", executed)
				}
				if tc.finds && rows == 0 {
					t.Errorf("tenant %s holds %v, but the searches returned no rows", tc.tenant,
						exampleHunts[name])
				}
				if !tc.finds && rows != 0 {
					t.Errorf("clean tenant %s: the searches returned %d rows, want none",
						tc.tenant, rows)
				}
				// %generate_report wrote the report beside the executed notebook.
				report, err := os.ReadFile(filepath.Join(dir,
					strings.TrimSuffix(name, ".md")+".report.md"))
				if err != nil {
					t.Fatalf("no report from %%generate_report: %v", err)
				}
				for _, section := range []string{"## Executive Summary", "## Technical Analysis",
					"## Findings", "## Recommendations"} {
					if !strings.Contains(string(report), section) {
						t.Errorf("report lacks %q", section)
					}
				}
				if got := strings.Contains(string(report), "**No findings.**"); got == tc.finds {
					t.Errorf("report says no findings: %v, want %v:\n%s", got, !tc.finds, report)
				}
				if strings.Contains(string(report), "%%taegis") {
					t.Errorf("report holds code cells:\n%s", report)
				}
				validate(t, python(t, "nbformat"), executed)
			})
		}
	}
}

func TestExamplesFanout(t *testing.T) {
	setup(t)
	data := localData()
	clean := data.CleanTenants()
	for _, p := range examplePaths(t) {
		name := filepath.Base(p)
		t.Run(name, func(t *testing.T) {
			planted := plantedFor(data, exampleHunts[name])
			if len(planted) < 2 || len(clean) < 2 {
				t.Fatalf("want two planted and two clean tenants, have %v and %v", planted,
					clean)
			}
			tenants := []string{planted[0], clean[0], planted[len(planted)-1], clean[1]}
			out := t.TempDir()
			run(t, 5*time.Minute, out, harness.bin, "notebook", "fanout", p, "--tenants",
				strings.Join(tenants, ","), "--region", "local", "--parallel", "2", "--out", out)
			b, err := os.ReadFile(filepath.Join(out, "summary.json"))
			if err != nil {
				t.Fatal(err)
			}
			var summary []struct {
				Tenant          string `json:"tenant"`
				Status          string `json:"status"`
				Notebook        string `json:"notebook"`
				ResultsReturned int    `json:"results_returned"`
				Error           string `json:"error"`
			}
			if err := json.Unmarshal(b, &summary); err != nil {
				t.Fatalf("summary.json: %v\n%s", err, b)
			}
			if len(summary) != len(tenants) {
				t.Fatalf("summary has %d runs, want %d:\n%s", len(summary), len(tenants), b)
			}
			var found, empty []string
			for _, r := range summary {
				if r.Status != "ok" {
					t.Errorf("tenant %s: status %s: %s", r.Tenant, r.Status, r.Error)
					continue
				}
				if rows, _ := searchRows(t, r.Notebook); rows != r.ResultsReturned {
					t.Errorf("tenant %s: results_returned %d, its notebook's searches %d",
						r.Tenant, r.ResultsReturned, rows)
				}
				if r.ResultsReturned > 0 {
					found = append(found, r.Tenant)
				} else {
					empty = append(empty, r.Tenant)
				}
			}
			sort.Strings(found)
			sort.Strings(empty)
			wantFound := []string{planted[0], planted[len(planted)-1]}
			wantEmpty := []string{clean[0], clean[1]}
			sort.Strings(wantFound)
			sort.Strings(wantEmpty)
			if !slices.Equal(found, wantFound) || !slices.Equal(empty, wantEmpty) {
				t.Errorf("findings in %v and none in %v, want findings in %v and none in %v",
					found, empty, wantFound, wantEmpty)
			}
		})
	}
}
