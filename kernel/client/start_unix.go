//go:build unix

package client

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup starts the kernel in a process group of its own, as Jupyter does, so that a
// terminal's Ctrl-C meant for the caller does not reach it and an interrupt reaches the
// processes its cells start.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// interruptGroup sends SIGINT to the kernel's process group.
func interruptGroup(cmd *exec.Cmd) error {
	return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
}
