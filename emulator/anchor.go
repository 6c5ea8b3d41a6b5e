package emulator

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// anchorFile holds, under the data directory, the time the synthetic dataset is generated
// relative to. Every emulator on one data directory (the CLI, each kernel, a fan-out) then
// generates the same alert and event ids, and ids kept in the state (evidence, resolutions,
// share links) still resolve after a restart.
const anchorFile = "dataset-anchor"

// anchorLifetime is how long an anchor is kept. After it, the dataset moves to the present so
// that relative queries such as EARLIEST=-1d keep finding data.
//
// Limitation: ids recorded before the dataset moves no longer resolve; a day is the trade
// between stable ids and fresh data.
const anchorLifetime = 24 * time.Hour

// datasetAnchor returns the anchor recorded in dir, recording now as the anchor when there is
// none or it is older than anchorLifetime (or lies in the future).
func datasetAnchor(dir string, now time.Time) (time.Time, error) {
	path := filepath.Join(dir, anchorFile)
	if t, ok := readAnchor(path); ok && !t.After(now) && now.Sub(t) < anchorLifetime {
		return t, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return time.Time{}, fmt.Errorf("dataset anchor: %w", err)
	}
	now = now.UTC().Truncate(time.Second)
	// Write beside, then rename: emulators starting together each write a whole file, and
	// the last rename wins; each of them then reads back the winner.
	tmp, err := os.CreateTemp(dir, anchorFile+".*")
	if err != nil {
		return time.Time{}, fmt.Errorf("dataset anchor: %w", err)
	}
	_, werr := tmp.WriteString(now.Format(time.RFC3339) + "\n")
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return time.Time{}, fmt.Errorf("dataset anchor: write %s: %w", tmp.Name(), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return time.Time{}, fmt.Errorf("dataset anchor: %w", err)
	}
	if t, ok := readAnchor(path); ok {
		return t, nil
	}
	return now, nil
}

func readAnchor(path string) (time.Time, bool) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) || err != nil {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(string(b)))
	return t, err == nil
}
