//go:build !unix

package kernel

import "os/exec"

// killGroupOnCancel leaves cmd as it is: without process groups, cancelling kills the shell
// alone.
func killGroupOnCancel(*exec.Cmd) {}
