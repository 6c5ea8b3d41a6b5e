package sdk

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// LocalStarter starts (or finds) the local emulator and returns its base URL, e.g.
// "http://127.0.0.1:41234". It is called at most once per process while it succeeds. ctx is
// the first call's context: it bounds the start, and the emulator must outlive it.
type LocalStarter func(ctx context.Context) (baseURL string, err error)

var local struct {
	mu      sync.Mutex
	starter LocalStarter
	base    string
}

// RegisterLocal makes start the way region local reaches its emulator. The binary registers
// its embedded emulator; the SDK itself never imports one. Registering again replaces the
// starter and forgets the URL it gave.
func RegisterLocal(start LocalStarter) {
	local.mu.Lock()
	defer local.mu.Unlock()
	local.starter = start
	local.base = ""
}

// errLocalNotRunning is what region local answers until a starter is registered.
var errLocalNotRunning = errors.New("region local: the embedded emulator is not available " +
	"in this program; start `gotaegis emulator` and add it with `gotaegis configure regions add " +
	"emulator http://127.0.0.1:8765`, then use --region emulator")

// localBase returns the base URL of the local emulator, starting it on first use.
func localBase(ctx context.Context) (string, error) {
	local.mu.Lock()
	defer local.mu.Unlock()
	if local.base != "" {
		return local.base, nil
	}
	if local.starter == nil {
		return "", errLocalNotRunning
	}
	base, err := local.starter(ctx)
	if err != nil {
		return "", fmt.Errorf("region local: start the embedded emulator: %w", err)
	}
	if err := checkBaseURL("local emulator URL", base); err != nil {
		return "", fmt.Errorf("region local: %w", err)
	}
	local.base = strings.TrimRight(base, "/")
	return local.base, nil
}
