// Package e2e holds the end-to-end tests of gotaegis: they build the gotaegis binary, install
// its kernelspec with the binary itself into a scratch Jupyter path, and drive the kernel
// through Jupyter's own clients as a user would: nbconvert executing a notebook, jupyter console
// in a terminal (tmux), and the classic notebook server in headless Chromium. It also holds the
// benchmarks of the kernel through the Go client.
//
// The tools are Debian's: /usr/bin/python3 with nbconvert and nbformat, jupyter-console,
// jupyter-notebook, tmux and chromium. Locally a test whose tool is absent is skipped with the
// reason; with CI=true it fails, so that CI cannot pass by skipping.
//
// The package has no code outside its tests.
package e2e
