// Package client is a Go Jupyter client: it starts a kernel process from its argv with a fresh
// connection file, or connects to a running kernel's connection file, and speaks Jupyter
// messaging 5.3 to it over ZeroMQ (go-zeromq/zmq4, no libzmq).
//
// A Client runs cells with Execute, which returns the execute_reply together with every IOPub
// message the cell caused, in order, and can show them live through a callback and answer the
// kernel's input requests. KernelInfo, Complete, Inspect, IsComplete, History, CommInfo,
// Interrupt, Shutdown and Heartbeat cover the other requests; Request sends any other.
//
// It works with any kernel that follows the protocol, and is what gotaegis's own tests,
// benchmarks and notebook executor use to drive the gotaegis kernel. It is not a notebook
// runner: reading and writing notebooks lives elsewhere.
package client
