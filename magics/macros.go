package magics

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"gotaegis/sdk"
	"gotaegis/sdk/tenants4"
)

//go:embed macros/default.yaml
var defaultMacros []byte

// Macro is one tenant macro: the tenants4 filters that select its tenants.
type Macro struct {
	IDs           []string     `yaml:"ids,omitempty" json:"ids,omitempty"`
	Names         []string     `yaml:"names,omitempty" json:"names,omitempty"`
	Partners      []string     `yaml:"partners,omitempty" json:"partners,omitempty"`
	Organizations []string     `yaml:"organizations,omitempty" json:"organizations,omitempty"`
	Hierarchies   []string     `yaml:"hierarchies,omitempty" json:"hierarchies,omitempty"`
	MDRProviders  []string     `yaml:"mdr_providers,omitempty" json:"mdr_providers,omitempty"`
	Labels        []MacroLabel `yaml:"labels,omitempty" json:"labels,omitempty"`
	Enabled       *bool        `yaml:"enabled,omitempty" json:"enabled,omitempty"`
	// Services are subscription names; a tenant with any of them matches.
	Services []string `yaml:"services,omitempty" json:"services,omitempty"`
}

// MacroLabel is a tenant label a macro requires; an empty Value matches any value.
type MacroLabel struct {
	Name  string `yaml:"name" json:"name"`
	Value string `yaml:"value,omitempty" json:"value,omitempty"`
}

// Macros is a macros file: macro names (without the @) to their definitions.
type Macros struct {
	Macros map[string]Macro `yaml:"macros"`
}

// ParseMacros reads a macros file. Unknown keys are errors, so a misspelt filter is not
// silently ignored.
func ParseMacros(data []byte) (*Macros, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var m Macros
	if err := dec.Decode(&m); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("parse macros: %w", err)
	}
	for name, def := range m.Macros {
		if name == "" || strings.ContainsAny(name, " \t@") {
			return nil, fmt.Errorf("parse macros: bad macro name %q: use letters, digits, "+
				"'-' and '_'", name)
		}
		for _, l := range def.Labels {
			if l.Name == "" {
				return nil, fmt.Errorf("parse macros: macro %s: a label needs a name", name)
			}
		}
	}
	return &m, nil
}

// Names returns the macro names, sorted, each with its leading @.
func (m *Macros) Names() []string {
	var names []string
	for n := range m.Macros {
		names = append(names, "@"+n)
	}
	sort.Strings(names)
	return names
}

// magicsSettings is the part of the settings the command tree keeps itself, in
// $GOTAEGIS_CONFIG_DIR/magics.yaml.
type magicsSettings struct {
	// MacrosPath is the macros file set with configure macros path.
	MacrosPath string `yaml:"macros_path,omitempty"`
	// Track is the default of --track on alerts search and events search.
	Track bool `yaml:"track,omitempty"`
	// CallerName is sent as metadata.callerName with searches; empty means gotaegis.
	CallerName string `yaml:"caller_name,omitempty"`
}

// caller returns the callerName searches send.
func (s *magicsSettings) caller() string {
	if s == nil || s.CallerName == "" {
		return callerName
	}
	return s.CallerName
}

func magicsSettingsPath() string { return filepath.Join(sdk.ConfigDir(), "magics.yaml") }

func loadMagicsSettings() (*magicsSettings, error) {
	var s magicsSettings
	data, err := os.ReadFile(magicsSettingsPath())
	if errors.Is(err, fs.ErrNotExist) {
		return &s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read settings: %w", err)
	}
	if err := yaml.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("read settings %s: %w", magicsSettingsPath(), err)
	}
	return &s, nil
}

func (s *magicsSettings) save() error {
	data, err := yaml.Marshal(s)
	if err != nil {
		return fmt.Errorf("write settings: %w", err)
	}
	path := magicsSettingsPath()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("write settings: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("write settings: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write settings: %w", err)
	}
	return nil
}

// LoadMacros returns the macros in use and where they came from: the file set with
// `configure macros path`, else the built-in defaults (the mdr macro). A configured file that
// has gone missing falls back to the defaults with a warning on warn; one that does not parse
// is an error.
func LoadMacros(warn func(string)) (*Macros, string, error) {
	s, err := loadMagicsSettings()
	if err != nil {
		return nil, "", err
	}
	if s.MacrosPath != "" {
		data, err := os.ReadFile(s.MacrosPath)
		switch {
		case err == nil:
			m, err := ParseMacros(data)
			if err != nil {
				return nil, "", fmt.Errorf("%s: %w", s.MacrosPath, err)
			}
			return m, s.MacrosPath, nil
		case errors.Is(err, fs.ErrNotExist):
			if warn != nil {
				warn(fmt.Sprintf("macros file %s is missing; using the built-in macros "+
					"(set another with: configure macros path FILE)", s.MacrosPath))
			}
		default:
			return nil, "", fmt.Errorf("read macros: %w", err)
		}
	}
	m, err := ParseMacros(defaultMacros)
	if err != nil {
		return nil, "", fmt.Errorf("built-in macros: %w", err)
	}
	return m, "built-in", nil
}

// queries returns the tenants4 queries that together select the macro's tenants: one, or
// one per service.
func (m Macro) queries() []tenants4.TenantsQuery {
	base := tenants4.TenantsQuery{
		IDs: m.IDs, Names: m.Names, Partners: m.Partners, Organizations: m.Organizations,
		Hierarchies: m.Hierarchies, MDRProviders: m.MDRProviders, Enabled: m.Enabled,
	}
	for _, l := range m.Labels {
		lm := tenants4.TenantLabelMatcher{Name: l.Name}
		if l.Value != "" {
			v := l.Value
			lm.Value = &v
		}
		base.LabelsMatch = append(base.LabelsMatch, lm)
	}
	if len(m.Services) == 0 {
		return []tenants4.TenantsQuery{base}
	}
	qs := make([]tenants4.TenantsQuery, 0, len(m.Services))
	for _, svc := range m.Services {
		q := base
		name := svc
		q.SubscriptionsMatch = []tenants4.SubscriptionMatcher{{Name: &name}}
		qs = append(qs, q)
	}
	return qs
}

// resolveTenants turns a --tenant value into tenant ids: "" gives none (the token's own
// tenant), "@name" the tenants the macro selects in the order the server lists them (each
// once), a comma-separated list its ids, anything else that one tenant.
func (t *tree) resolveTenants(ctx context.Context, c *sdk.Client, flag string) ([]string,
	error) {
	flag = strings.TrimSpace(flag)
	if flag == "" {
		return nil, nil
	}
	if !strings.HasPrefix(flag, "@") {
		var ids []string
		for _, id := range strings.Split(flag, ",") {
			if id = strings.TrimSpace(id); id != "" && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		return ids, nil
	}
	macros, source, err := LoadMacros(func(w string) { fmt.Fprintln(t.env.Stderr, "warning:", w) })
	if err != nil {
		return nil, err
	}
	def, ok := macros.Macros[strings.TrimPrefix(flag, "@")]
	if !ok {
		return nil, fmt.Errorf("unknown tenant macro %s; macros in %s: %s (add one with: "+
			"configure macros path FILE)", flag, source, strings.Join(macros.Names(), ", "))
	}
	svc := tenants4.New(c)
	var ids []string
	for _, q := range def.queries() {
		list, err := svc.TenantsAll(ctx, q, 0, nil)
		if err != nil {
			return nil, fmt.Errorf("tenant macro %s: %w", flag, err)
		}
		for _, tn := range list {
			if !slices.Contains(ids, tn.ID) {
				ids = append(ids, tn.ID)
			}
		}
	}
	if len(ids) == 0 {
		fmt.Fprintf(t.env.Stderr, "warning: tenant macro %s selects no tenant\n", flag)
		return []string{}, nil
	}
	return ids, nil
}
