package notebook

import (
	_ "embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

//go:embed templates/procedure.md
var starterMyST []byte

// Starter returns the starter hunting procedure: hunting metadata, a parameters cell tagged
// parameters and remove_cell (TENANT_ID, REGION, INVESTIGATION_TITLE, LOOKBACK), the sections
// Title, Executive Summary, Technical Analysis, Findings and Recommendations, an alerts search,
// a staging cell, %generate_report and an investigations create cell. It passes Lint with the
// default rules. Its jupytext.notebook_metadata_filter keeps the hunting metadata when jupytext
// (in JupyterLab, say) rewrites the file, which by default it would drop.
func Starter() (*Notebook, error) {
	nb, err := ParseMyST(starterMyST)
	if err != nil {
		return nil, fmt.Errorf("starter procedure: %w", err)
	}
	return nb, nil
}

// Create writes the starter procedure to path, as MyST markdown for .md and nbformat JSON
// otherwise. It refuses to replace an existing file unless overwrite is set.
func Create(path string, overwrite bool) error {
	if !overwrite {
		if _, err := os.Stat(path); err == nil {
			return fmt.Errorf("create %s: the file exists; choose another name or pass "+
				"--force to replace it", path)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("create %s: %w", path, err)
		}
	}
	nb, err := Starter()
	if err != nil {
		return err
	}
	return nb.WriteFile(path)
}
