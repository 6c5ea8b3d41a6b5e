//go:build !unix

package client

import (
	"os"
	"os/exec"
)

// ownProcessGroup leaves the kernel in the caller's process group: there are no POSIX process
// groups here.
func ownProcessGroup(*exec.Cmd) {}

// interruptGroup sends an interrupt to the kernel process.
func interruptGroup(cmd *exec.Cmd) error {
	return cmd.Process.Signal(os.Interrupt)
}
