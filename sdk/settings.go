package sdk

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// SettingsFile is the name of the settings file inside the config directory.
const SettingsFile = "config.yaml"

// Settings is the content of the settings file: custom regions, the default region and the
// per-region credential variable names. The zero value is empty settings. Settings are not safe
// for concurrent modification.
type Settings struct {
	DefaultRegion string                  `yaml:"default_region,omitempty"`
	Regions       map[string]RegionConfig `yaml:"regions,omitempty"`
	Auth          map[string]AuthConfig   `yaml:"auth,omitempty"`

	// path is where Load read the settings and Save writes them.
	path string
}

// RegionConfig is a custom region in the settings file.
type RegionConfig struct {
	URL        string `yaml:"url"`
	TenantsURL string `yaml:"tenants_url,omitempty"`
	AuthURL    string `yaml:"auth_url,omitempty"`
}

// AuthConfig names, for one region, the environment variables that hold its client credentials
// and whether it authenticates at the universal host.
type AuthConfig struct {
	ClientIDEnv     string `yaml:"client_id_env,omitempty"`
	ClientSecretEnv string `yaml:"client_secret_env,omitempty"`
	Universal       bool   `yaml:"universal,omitempty"`
}

// ConfigDir returns $GOTAEGIS_CONFIG_DIR, else ~/.config/gotaegis (or the platform's user
// config directory when the home directory is unknown).
func ConfigDir() string {
	if d := os.Getenv("GOTAEGIS_CONFIG_DIR"); d != "" {
		return d
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".config", "gotaegis")
	}
	if d, err := os.UserConfigDir(); err == nil {
		return filepath.Join(d, "gotaegis")
	}
	return filepath.Join(os.TempDir(), "gotaegis")
}

// LoadSettings reads dir/config.yaml. A missing file is empty settings, not an error; a file
// that does not parse, or names a region badly, is an error that says where.
func LoadSettings(dir string) (*Settings, error) {
	path := filepath.Join(dir, SettingsFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Settings{path: path}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read settings: %w", err)
	}
	s, err := ParseSettings(data)
	if err != nil {
		return nil, fmt.Errorf("settings %s: %w", path, err)
	}
	s.path = path
	return s, nil
}

// ParseSettings decodes and checks the YAML (or JSON, which is YAML) text of a settings file.
func ParseSettings(data []byte) (*Settings, error) {
	var s Settings
	if err := yaml.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	for name, rc := range s.Regions {
		if err := checkCustomRegion(name, rc); err != nil {
			return nil, err
		}
	}
	for name, ac := range s.Auth {
		if err := checkAuth(name, ac); err != nil {
			return nil, err
		}
	}
	return &s, nil
}

// Path is the file the settings were loaded from and are saved to.
func (s *Settings) Path() string { return s.path }

// Save writes the settings to their file, creating the directory (0700) when needed.
func (s *Settings) Save() error {
	if s.path == "" {
		return errors.New("save settings: no path; load them with LoadSettings first")
	}
	var buf bytes.Buffer
	buf.WriteString("# gotaegis settings; edit with gotaegis configure.\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	if err := writeFileAtomic(s.path, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("save settings: %w", err)
	}
	return nil
}

var regionNameRE = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,62}$`)

// AddRegion adds or replaces the custom region name. tenantsURL and authURL may be empty.
func (s *Settings) AddRegion(name, url, tenantsURL, authURL string) error {
	name = strings.ToLower(name)
	rc := RegionConfig{URL: url, TenantsURL: tenantsURL, AuthURL: authURL}
	if err := checkCustomRegion(name, rc); err != nil {
		return err
	}
	if s.Regions == nil {
		s.Regions = map[string]RegionConfig{}
	}
	s.Regions[name] = rc
	return nil
}

// RemoveRegion removes the custom region name, its auth settings, and the default region when
// it was name.
func (s *Settings) RemoveRegion(name string) error {
	name = strings.ToLower(name)
	if _, ok := s.Regions[name]; !ok {
		if isBuiltinName(name) {
			return fmt.Errorf("region %q is built in and cannot be removed", name)
		}
		return fmt.Errorf("no custom region %q; see gotaegis configure regions list", name)
	}
	delete(s.Regions, name)
	delete(s.Auth, name)
	if s.DefaultRegion == name {
		s.DefaultRegion = ""
	}
	return nil
}

// SetDefaultRegion makes name (a known region or alias) the default; "" clears it.
func (s *Settings) SetDefaultRegion(name string) error {
	if name == "" {
		s.DefaultRegion = ""
		return nil
	}
	r, err := LookupRegion(s, name)
	if err != nil {
		return err
	}
	s.DefaultRegion = r.Name
	return nil
}

// SetAuth sets the auth settings of region name (a known region or alias).
func (s *Settings) SetAuth(name string, ac AuthConfig) error {
	r, err := LookupRegion(s, name)
	if err != nil {
		return err
	}
	if err := checkAuth(r.Name, ac); err != nil {
		return err
	}
	if s.Auth == nil {
		s.Auth = map[string]AuthConfig{}
	}
	if ac == (AuthConfig{}) {
		delete(s.Auth, r.Name)
		return nil
	}
	s.Auth[r.Name] = ac
	return nil
}

// credentialNames are the environment variables holding a region's client id and secret.
type credentialNames struct{ id, secret string }

// credentialNames returns the variable names for region (canonical name); s may be nil.
func (s *Settings) credentialNames(region string) credentialNames {
	n := credentialNames{id: "CLIENT_ID", secret: "CLIENT_SECRET"}
	if s == nil {
		return n
	}
	ac := s.Auth[region]
	if ac.ClientIDEnv != "" {
		n.id = ac.ClientIDEnv
	}
	if ac.ClientSecretEnv != "" {
		n.secret = ac.ClientSecretEnv
	}
	return n
}

func (s *Settings) universal(region string) bool {
	return s != nil && s.Auth[region].Universal
}

func (rc RegionConfig) region(name string) Region {
	return Region{Name: name, API: rc.URL, Tenants: rc.TenantsURL, Auth: rc.AuthURL,
		Custom: true}.withDefaults()
}

func isBuiltinName(name string) bool {
	for _, r := range builtinRegions {
		if r.Name == name || slices.Contains(r.Aliases, name) {
			return true
		}
	}
	return false
}

func checkCustomRegion(name string, rc RegionConfig) error {
	if !regionNameRE.MatchString(name) {
		return fmt.Errorf("region name %q: use lower-case letters, digits, '-' and '_', "+
			"starting with a letter", name)
	}
	if isBuiltinName(name) {
		return fmt.Errorf("region name %q is built in; choose another name", name)
	}
	if err := checkBaseURL("region "+name+" url", rc.URL); err != nil {
		return err
	}
	if rc.TenantsURL != "" {
		if err := checkBaseURL("region "+name+" tenants_url", rc.TenantsURL); err != nil {
			return err
		}
	}
	if rc.AuthURL != "" {
		if err := checkBaseURL("region "+name+" auth_url", rc.AuthURL); err != nil {
			return err
		}
	}
	return nil
}

var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func checkAuth(region string, ac AuthConfig) error {
	for _, v := range []string{ac.ClientIDEnv, ac.ClientSecretEnv} {
		if v != "" && !envNameRE.MatchString(v) {
			return fmt.Errorf("auth for region %s: %q is not an environment variable name",
				region, v)
		}
	}
	return nil
}

// writeFileAtomic writes data to path through a temporary file in the same directory, so a
// reader never sees half a file; the directory is created with mode 0700.
func writeFileAtomic(path string, data []byte, mode fs.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
