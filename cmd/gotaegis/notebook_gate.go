package main

import (
	"fmt"
	"net/http"
	"os"

	"gotaegis/notebook"
)

// A kernel started by a fan-out finds the fan-out's rate gate in its environment and puts every
// request to the region's hosts behind it, so that all the runs of the fan-out together keep to
// one request rate per region. The SDK's transports are clones of http.DefaultTransport, made
// when a client is first built, so changing the default transport here, before any command
// runs, reaches them all: GraphQL calls, token requests and websocket upgrades alike.
func init() {
	v := os.Getenv(notebook.RateGateEnv)
	if v == "" {
		return
	}
	if err := gateDefaultTransport(v); err != nil {
		fmt.Fprintf(os.Stderr, "warning: %v; requests are not rate limited\n", err)
	}
}

// gateDefaultTransport makes http.DefaultTransport ask the gate v for a permit before each
// request to a gated host. HTTP/2 is turned off: on an HTTP/2 connection the transport sends
// the requests after the first without asking its Proxy function, which is where the permit
// is taken.
func gateDefaultTransport(v string) error {
	g, err := notebook.ParseGate(v)
	if err != nil {
		return err
	}
	t, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return fmt.Errorf("%s: the default HTTP transport is a %T", notebook.RateGateEnv,
			http.DefaultTransport)
	}
	t.Proxy = g.Proxy(t.Proxy)
	var p http.Protocols
	p.SetHTTP1(true)
	t.Protocols = &p
	return nil
}
