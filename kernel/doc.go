// Package kernel is the gotaegis Jupyter kernel: the wire protocol of Jupyter messaging 5.3
// (https://jupyter-client.readthedocs.io/en/latest/messaging.html) over the five ZeroMQ sockets
// of a connection file, a dispatcher that answers every shell and control request, the input
// history kept in SQLite across kernel restarts, and the Engine that runs Go cells with yaegi.
//
// A Kernel replies on the socket a request came in on, publishes busy and idle around every
// request, serves control (interrupt, shutdown) while a cell runs, and drops messages that are
// malformed or badly signed without stopping. Package kernel/client is the matching client.
//
// It is not a Jupyter server: starting kernels, kernelspecs and notebooks live elsewhere.
package kernel
