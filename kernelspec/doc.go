// Package kernelspec installs, lists and removes the Jupyter kernelspec of the gotaegis kernel.
//
// A kernelspec is a directory kernels/NAME holding kernel.json (how to start the kernel) and
// the logos Jupyter shows in its launcher. The format is Jupyter's, described at
// https://jupyter-client.readthedocs.io/en/stable/kernels.html#kernel-specs. The directories
// follow jupyter_core's rules on Linux: a user's data directory ($JUPYTER_DATA_DIR, else
// $XDG_DATA_HOME/jupyter, else ~/.local/share/jupyter), a Python prefix's share/jupyter, and the
// search path $JUPYTER_PATH, user directory, /usr/local/share/jupyter, /usr/share/jupyter.
//
// The package writes and reads files only; it does not start kernels or ask Jupyter anything.
package kernelspec
