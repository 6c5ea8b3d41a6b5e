package magics

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"

	"github.com/spf13/cobra"
)

// loadSettingsOrZero returns the tree's settings, or empty settings when they cannot be read;
// configure macros list and configure queries list report that error.
func loadSettingsOrZero() *magicsSettings {
	s, err := loadMagicsSettings()
	if err != nil {
		return &magicsSettings{}
	}
	return s
}

func (t *tree) configureGroup() *cobra.Command {
	g := group("configure",
		"Configure regions, credentials, the default region, tenant macros and searches",
		t.regionsGroup(), t.configureAuth(), t.defaultRegion(),
		group("macros", "Choose the tenant macros file",
			t.settingsLeaf(&cobra.Command{Use: "path FILE", Args: cobra.ExactArgs(1),
				Short: "Use the tenant macros in FILE (YAML)"},
				func(s *magicsSettings, args []string) (string, error) {
					path, err := filepath.Abs(args[0])
					if err != nil {
						return "", err
					}
					data, err := os.ReadFile(path)
					if err != nil {
						return "", fmt.Errorf("macros file: %w", err)
					}
					m, err := ParseMacros(data)
					if err != nil {
						return "", fmt.Errorf("%s: %w", path, err)
					}
					s.MacrosPath = path
					return fmt.Sprintf("tenant macros from %s: %d macros", path,
						len(m.Macros)), nil
				}),
			t.settingsLeaf(&cobra.Command{Use: "reset", Short: "Use the built-in macros"},
				func(s *magicsSettings, _ []string) (string, error) {
					s.MacrosPath = ""
					return "tenant macros: built-in", nil
				}),
			t.macrosList()),
		group("queries", "Defaults of alerts search and events search",
			t.settingsLeaf(&cobra.Command{Use: "track", Short: "Set the default of --track"},
				nil),
			t.settingsLeaf(&cobra.Command{Use: "callername NAME", Args: cobra.ExactArgs(1),
				Short: "Set the callerName searches send to Taegis"},
				func(s *magicsSettings, args []string) (string, error) {
					s.CallerName = args[0]
					return "callerName " + args[0], nil
				}),
			t.queriesSettingsList()))
	g.Long = `configure edits the settings: custom regions, the environment variables that hold
each region's client credentials and the default region, in
$GOTAEGIS_CONFIG_DIR/config.yaml (by default ~/.config/gotaegis/config.yaml); the tenant
macros file and the search defaults, in magics.yaml beside it.

The region of a command is its --region, else $TAEGIS_REGION, else the default region set here,
else charlie when CLIENT_ID and CLIENT_SECRET are set, else local (the embedded emulator).`
	return g
}

// settingsLeaf is a command that changes the settings with fn and saves them. The track
// command (fn nil) takes --status yes|no.
func (t *tree) settingsLeaf(c *cobra.Command,
	fn func(s *magicsSettings, args []string) (string, error)) *cobra.Command {
	if fn == nil {
		var status string
		c.Flags().StringVar(&status, "status", "no", "yes or no")
		fn = func(s *magicsSettings, _ []string) (string, error) {
			switch status {
			case "yes":
				s.Track = true
			case "no":
				s.Track = false
			default:
				return "", fmt.Errorf("--status %q: give yes or no", status)
			}
			return "track " + status, nil
		}
	}
	return t.leaf(c, "configure", func(_ context.Context, r *Result, args []string) error {
		s, err := loadMagicsSettings()
		if err != nil {
			return err
		}
		msg, err := fn(s, args)
		if err != nil {
			return err
		}
		if err := s.save(); err != nil {
			return err
		}
		r.Records, r.Total = []map[string]any{s.record()}, 1
		r.Message = msg
		return nil
	})
}

func (s *magicsSettings) record() map[string]any {
	return map[string]any{"macros_path": s.MacrosPath, "track": s.Track,
		"callername": s.caller(), "path": magicsSettingsPath()}
}

func (t *tree) queriesSettingsList() *cobra.Command {
	c := &cobra.Command{Use: "list", Short: "Show the search defaults"}
	return t.leaf(c, "configure", func(_ context.Context, r *Result, _ []string) error {
		s, err := loadMagicsSettings()
		if err != nil {
			return err
		}
		r.Records, r.Total = []map[string]any{s.record()}, 1
		return nil
	})
}

func (t *tree) macrosList() *cobra.Command {
	c := &cobra.Command{Use: "list", Short: "List the tenant macros and their filters"}
	return t.leaf(c, "configure", func(_ context.Context, r *Result, _ []string) error {
		m, source, err := LoadMacros(func(w string) { fmt.Fprintln(t.env.Stderr, "warning:", w) })
		if err != nil {
			return err
		}
		names := make([]string, 0, len(m.Macros))
		for n := range m.Macros {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			def, err := records(m.Macros[n])
			if err != nil {
				return err
			}
			r.Records = append(r.Records, map[string]any{"name": "@" + n,
				"definition": def[0], "resource_path": source})
		}
		r.Total = len(r.Records)
		return nil
	})
}

func (t *tree) versionLeaf() *cobra.Command {
	c := &cobra.Command{Use: "version", Short: "Show the versions of gotaegis and Go"}
	return t.leaf(c, "version", func(_ context.Context, r *Result, _ []string) error {
		v := t.env.Version
		if v == "" {
			v = "unknown"
		}
		r.Records = []map[string]any{{"gotaegis": v, "go": runtime.Version(),
			"platform": runtime.GOOS + "/" + runtime.GOARCH}}
		r.Total = 1
		return nil
	})
}
