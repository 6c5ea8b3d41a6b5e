package kernelspec

import (
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// Defaults of the gotaegis kernelspec.
const (
	// DefaultName is the kernel name Jupyter knows the kernel by (its directory name).
	DefaultName = "gotaegis"
	// DefaultDisplayName is the name Jupyter shows in its launcher and kernel menus.
	DefaultDisplayName = "Go (Taegis)"
	// Language is the kernel's language as Jupyter records it in notebook metadata.
	Language = "go"
	// ConnectionFileArg is the placeholder Jupyter replaces with the connection file's path.
	ConnectionFileArg = "{connection_file}"
)

// ErrInvalid reports a kernel.json or an option that Jupyter would not accept.
var ErrInvalid = errors.New("invalid kernelspec")

// Spec is the content of one kernel.json. Its JSON form is what Jupyter reads.
type Spec struct {
	// Argv is the command Jupyter runs, with ConnectionFileArg standing for the connection file.
	Argv []string `json:"argv"`
	// DisplayName is what Jupyter shows for the kernel.
	DisplayName string `json:"display_name"`
	// Language is the language of the code the kernel runs.
	Language string `json:"language"`
	// InterruptMode is "message" (interrupt_request on the control channel) or "signal".
	InterruptMode string `json:"interrupt_mode,omitempty"`
	// Env is added to the kernel's environment by Jupyter when it starts the kernel.
	Env map[string]string `json:"env,omitempty"`
	// Metadata is free-form; gotaegis records its version under the "gotaegis" key.
	Metadata map[string]any `json:"metadata,omitempty"`
}

// New returns the gotaegis kernelspec that starts binary, an absolute path, as
// `binary kernel {connection_file}`. version is recorded in the metadata.
func New(binary, version string, env map[string]string) (Spec, error) {
	if !filepath.IsAbs(binary) {
		return Spec{}, fmt.Errorf("%w: kernel binary %q is not an absolute path", ErrInvalid, binary)
	}
	s := Spec{
		Argv:          []string{binary, "kernel", ConnectionFileArg},
		DisplayName:   DefaultDisplayName,
		Language:      Language,
		InterruptMode: "message",
		Env:           env,
		Metadata: map[string]any{
			"debugger": false,
			"gotaegis": map[string]any{"version": version},
		},
	}
	return s, nil
}

// IsGotaegis reports whether s starts a gotaegis kernel: its metadata says so, or its command
// is a gotaegis binary run with the kernel subcommand.
func (s Spec) IsGotaegis() bool {
	if _, ok := s.Metadata["gotaegis"]; ok {
		return true
	}
	return len(s.Argv) >= 2 && strings.HasPrefix(filepath.Base(s.Argv[0]), "gotaegis") &&
		s.Argv[1] == "kernel"
}

// Marshal returns s as indented kernel.json text with a final newline.
func (s Spec) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode kernel.json: %w", err)
	}
	return append(b, '\n'), nil
}

// Parse reads kernel.json text. It fails with ErrInvalid when the text is not a JSON object,
// has no argv, argv does not pass the connection file, or a field has the wrong type.
func Parse(data []byte) (Spec, error) {
	var s Spec
	if err := json.Unmarshal(data, &s); err != nil {
		return Spec{}, fmt.Errorf("%w: kernel.json: %v", ErrInvalid, err)
	}
	if len(s.Argv) == 0 || s.Argv[0] == "" {
		return Spec{}, fmt.Errorf("%w: kernel.json has no argv (the command to start)", ErrInvalid)
	}
	found := false
	for _, a := range s.Argv {
		if strings.Contains(a, ConnectionFileArg) {
			found = true
		}
	}
	if !found {
		return Spec{}, fmt.Errorf("%w: kernel.json argv never passes %s", ErrInvalid,
			ConnectionFileArg)
	}
	switch s.InterruptMode {
	case "", "message", "signal":
	default:
		return Spec{}, fmt.Errorf("%w: interrupt_mode %q is neither \"message\" nor \"signal\"",
			ErrInvalid, s.InterruptMode)
	}
	return s, nil
}

var namePattern = regexp.MustCompile(`^[a-z0-9._-]+$`)

// CheckName reports whether name may name a kernelspec: Jupyter accepts ASCII letters, digits,
// '-', '.' and '_' and lowers the case, so name must already be lower case.
func CheckName(name string) error {
	if name == "" || name == "." || name == ".." || !namePattern.MatchString(name) {
		return fmt.Errorf("%w: kernel name %q: use lower-case ASCII letters, digits, '-', '.' "+
			"and '_' only, such as %q", ErrInvalid, name, DefaultName)
	}
	return nil
}

var envKeyPattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ParseEnv turns KEY=VALUE pairs into a map. The value may be empty or hold '='; the key must
// be a shell variable name. A key given twice takes its last value.
func ParseEnv(pairs []string) (map[string]string, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	env := make(map[string]string, len(pairs))
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			return nil, fmt.Errorf("%w: environment setting %q has no '='; write it as KEY=VALUE, "+
				"such as TAEGIS_REGION=charlie", ErrInvalid, p)
		}
		if !envKeyPattern.MatchString(k) {
			return nil, fmt.Errorf("%w: environment variable name %q: use letters, digits and "+
				"'_', not starting with a digit", ErrInvalid, k)
		}
		env[k] = v
	}
	return env, nil
}
