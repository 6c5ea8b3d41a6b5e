package magics

import (
	"fmt"
	"io"
	"sync"

	"gotaegis/kernel"
	"gotaegis/sdk"
)

// CellNotices writes to the stderr stream of the %taegis call running now, and to fallback
// when none runs. A kernel passes its DeviceLogin to sdk.Config, where the running cell is
// unknown; through CellNotices the person running the cell sees where to log in. It is safe
// for concurrent use.
type CellNotices struct {
	mu       sync.Mutex
	out      kernel.Output
	fallback io.Writer
}

// NewCellNotices returns a CellNotices that writes to fallback between calls.
func NewCellNotices(fallback io.Writer) *CellNotices {
	if fallback == nil {
		fallback = io.Discard
	}
	return &CellNotices{fallback: fallback}
}

// Write writes p to the running call's stderr, or to the fallback.
func (n *CellNotices) Write(p []byte) (int, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.out != nil {
		n.out.Stream("stderr", string(p))
		return len(p), nil
	}
	return n.fallback.Write(p)
}

// DeviceLogin is an sdk.Config.DeviceLogin that tells the person running the cell where to
// log in.
func (n *CellNotices) DeviceLogin(d sdk.DeviceAuthorization) error {
	msg := fmt.Sprintf("To log in to Taegis, open:\n\n    %s\n\n", d.URL())
	if d.VerificationURIComplete == "" && d.UserCode != "" {
		msg += fmt.Sprintf("and enter the code %s\n\n", d.UserCode)
	}
	_, err := io.WriteString(n, msg)
	return err
}

// attach routes notices to out until the returned function is called.
func (n *CellNotices) attach(out kernel.Output) func() {
	if n == nil {
		return func() {}
	}
	n.mu.Lock()
	n.out = out
	n.mu.Unlock()
	return func() {
		n.mu.Lock()
		n.out = nil
		n.mu.Unlock()
	}
}
