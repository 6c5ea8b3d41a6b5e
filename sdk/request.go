package sdk

import (
	"context"
	"encoding/json"
)

// Gateway names one of Taegis' GraphQL endpoints; a Region maps each to a URL.
type Gateway string

// The gateways, as named by the SDL files under schema/.
const (
	GatewayGraphQL Gateway = "graphql" // https://api.<region>/graphql
	GatewayEvents  Gateway = "events"  // https://api.<region>/events/query (HTTP and websockets)
	GatewayTenants Gateway = "tenants" // the legacy tenants host, /public/query
)

// Kind is a GraphQL operation type.
type Kind string

// The operation types.
const (
	Query        Kind = "query"
	Mutation     Kind = "mutation"
	Subscription Kind = "subscription"
)

// Request is one GraphQL operation as a generated service method builds it.
type Request struct {
	Gateway   Gateway
	Kind      Kind
	Field     string         // the root field, e.g. "alertsServiceSearch"
	Document  string         // the whole document, with its selection set already in place
	Variables map[string]any // variable values, marshalled with encoding/json
}

// Option changes one call: its selection set, tenant, and so on.
type Option func(*CallOptions)

// CallOptions are the per-call settings that Options produce.
type CallOptions struct {
	// Selection replaces the operation's default selection set when not empty.
	Selection string
	// Tenant sets X-Tenant-Context for this call, overriding the client's default tenant.
	Tenant string
	// Headers are extra HTTP headers for this call.
	Headers map[string]string
	// Peek, when not nil, sees the data object of each message of a subscription as it came,
	// before the handler decodes it; see WithPeek.
	Peek func(data json.RawMessage)
}

// WithSelection replaces a call's default selection set, e.g. "id metadata { title severity }".
func WithSelection(selection string) Option {
	return func(o *CallOptions) { o.Selection = selection }
}

// WithPeek has a subscription call peek with the data object of each data message before the
// handler decodes it, on the goroutine that reads the stream, so that a caller can act on what
// a large message says (such as the token of the next page) before the whole of it is decoded.
// peek must not keep data or change it.
func WithPeek(peek func(data json.RawMessage)) Option {
	return func(o *CallOptions) { o.Peek = peek }
}

// WithTenant sends the call in the context of tenant id.
func WithTenant(id string) Option {
	return func(o *CallOptions) { o.Tenant = id }
}

// WithHeader adds an HTTP header to the call.
func WithHeader(name, value string) Option {
	return func(o *CallOptions) {
		if o.Headers == nil {
			o.Headers = map[string]string{}
		}
		o.Headers[name] = value
	}
}

// Options applies opts in order and returns the result.
func Options(opts []Option) CallOptions {
	var o CallOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return o
}

// SelectionOr returns the call's selection set, or def when the caller did not replace it.
func (o CallOptions) SelectionOr(def string) string {
	if o.Selection != "" {
		return o.Selection
	}
	return def
}

// Do runs one query or mutation and decodes the response's data object into out (a pointer to
// a struct with a field per root field). When the server returns data and errors together, out
// holds the partial data and the returned error is an *Errors. Errors do not repeat the
// operation's name; callers wrap them with it.
func (c *Client) Do(ctx context.Context, r Request, out any, opts ...Option) error {
	return c.do(ctx, r, out, opts)
}

// Subscribe runs a subscription over graphql-ws websockets and calls handle with each payload's
// data object until the server completes, handle returns an error, or ctx ends. Errors that
// arrive beside data do not end the stream: they are returned as *Errors once it completes.
func (c *Client) Subscribe(ctx context.Context, r Request, handle func(data json.RawMessage) error,
	opts ...Option) error {
	return c.subscribe(ctx, r, handle, opts)
}
