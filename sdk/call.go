package sdk

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sync"

	graphql "github.com/hasura/go-graphql-client"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
)

// do runs one query or mutation; see Do.
func (c *Client) do(ctx context.Context, r Request, out any, opts []Option) error {
	if c == nil || c.core == nil {
		return errNilClient
	}
	o := Options(opts)
	name, err := operationName(r)
	if err != nil {
		return err
	}
	region, err := c.core.endpoint(ctx)
	if err != nil {
		return err
	}
	endpoint, err := region.URL(r.Gateway)
	if err != nil {
		return err
	}
	var gopts []graphql.Option
	if name != "" {
		gopts = append(gopts, graphql.OperationName(name))
	}

	ci := &callInfo{kind: r.Kind, tenant: c.tenant, headers: o.Headers}
	if o.Tenant != "" {
		ci.tenant = o.Tenant
	}
	if ci.kind == "" {
		ci.kind = Query
	}
	gql := c.core.graphqlClient(endpoint)
	for {
		data, execErr := gql.ExecRaw(withCall(ctx, ci), r.Document, r.Variables, gopts...)
		data, err := c.result(ctx, r, endpoint, ci, data, execErr)

		// A token refused inside a 200 answer is replaced once, like an HTTP 401.
		var errs *Errors
		if errors.As(err, &errs) && errs.onlyUnauthenticated() && !ci.refreshed && isNull(data) {
			ci.refreshed = true
			if c.core.tokens.Invalidate(ci.token) {
				continue
			}
		}

		if out != nil && !isNull(data) {
			if derr := json.Unmarshal(data, out); derr != nil && err == nil {
				return fmt.Errorf("decode the response from %s: %w", endpoint, derr)
			}
		}
		if err == nil && isNull(data) {
			return fmt.Errorf("the response from %s has neither data nor errors", endpoint)
		}
		return err
	}
}

// result turns the executor's answer into the data to decode and the error to return.
func (c *Client) result(ctx context.Context, r Request, endpoint string, ci *callInfo,
	data []byte, execErr error) ([]byte, error) {
	if execErr == nil {
		return data, nil
	}
	var gerrs graphql.Errors
	if !errors.As(execErr, &gerrs) || len(gerrs) == 0 {
		return data, execErr
	}

	var list []GraphQLError
	for _, g := range gerrs {
		inner := g.Unwrap()
		if inner == nil {
			list = append(list, convertError(g))
			continue
		}
		// The executor's own error: the request did not get a GraphQL answer.
		var nerr graphql.NetworkError
		if errors.As(inner, &nerr) {
			return c.httpFailure(r, endpoint, ci, nerr)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var terr *tokenError
		if errors.As(inner, &terr) {
			return nil, terr.err
		}
		var uerr *url.Error
		if errors.As(inner, &uerr) {
			inner = uerr.Err
		}
		if code, _ := g.Extensions["code"].(string); code == graphql.ErrJsonDecode {
			return nil, fmt.Errorf("the answer from %s is not a GraphQL response: %w",
				endpoint, inner)
		}
		return nil, fmt.Errorf("%s: %w", endpoint, inner)
	}
	return data, c.newErrors(r.Field, 200, list, ci.tenant)
}

// httpFailure turns a non-success HTTP answer into *Errors when its body is a GraphQL errors
// envelope (its data is decoded too), else into *HTTPError.
func (c *Client) httpFailure(r Request, endpoint string, ci *callInfo,
	nerr graphql.NetworkError) ([]byte, error) {
	var env struct {
		Data   json.RawMessage `json:"data"`
		Errors []GraphQLError  `json:"errors"`
	}
	if json.Unmarshal([]byte(nerr.Body()), &env) == nil && len(env.Errors) > 0 {
		return env.Data, c.newErrors(r.Field, nerr.StatusCode(), env.Errors, ci.tenant)
	}
	e := &HTTPError{Status: nerr.StatusCode(), Body: excerpt(nerr.Body()), URL: endpoint,
		Field: r.Field, Region: c.core.region.Name, RetryAfter: ci.retryAfter}
	e.hint = c.core.hint(sentinelForStatus(e.Status), ci.tenant)
	return nil, e
}

func (c *Client) newErrors(field string, status int, list []GraphQLError, tenant string) *Errors {
	e := &Errors{List: list, Field: field, Region: c.core.region.Name, Status: status}
	e.hint = c.core.hint(e.sentinel(), tenant)
	return e
}

func convertError(g graphql.Error) GraphQLError {
	out := GraphQLError{Message: g.Message, Path: g.Path, Extensions: g.Extensions}
	for _, l := range g.Locations {
		out.Locations = append(out.Locations, Location{Line: l.Line, Column: l.Column})
	}
	return out
}

func isNull(data []byte) bool {
	d := bytes.TrimSpace(data)
	return len(d) == 0 || bytes.Equal(d, []byte("null"))
}

// operationName parses r's document and returns its operation's name ("" for an anonymous
// one). It fails, saying where, when the document does not parse, holds other than one
// operation, or the operation's type is not r.Kind.
func operationName(r Request) (string, error) {
	key := opKey{r.Document, r.Kind}
	opCache.Lock()
	name, ok := opCache.names[key]
	opCache.Unlock()
	if ok {
		return name, nil
	}
	name, err := parseOperationName(r)
	if err != nil {
		return "", err
	}
	opCache.Lock()
	if len(opCache.names) >= maxCachedOps {
		clear(opCache.names)
	}
	opCache.names[key] = name
	opCache.Unlock()
	return name, nil
}

// opCache remembers the documents that parsed: generated methods send the same few documents
// again and again (every page of a search), and parsing a large selection costs more than
// sending it to a server on this machine.
var opCache = struct {
	sync.Mutex
	names map[opKey]string
}{names: map[opKey]string{}}

type opKey struct {
	doc  string
	kind Kind
}

// maxCachedOps bounds the cache; custom selections are few, so emptying it when full is enough.
const maxCachedOps = 128

func parseOperationName(r Request) (string, error) {
	doc, err := parser.ParseQuery(&ast.Source{Name: r.Field, Input: r.Document})
	if err != nil {
		return "", fmt.Errorf("the operation document does not parse: %w (check the "+
			"selection set)", err)
	}
	if len(doc.Operations) != 1 {
		return "", fmt.Errorf("the document must hold exactly one operation, it holds %d",
			len(doc.Operations))
	}
	op := doc.Operations[0]
	if r.Kind != "" && string(op.Operation) != string(r.Kind) {
		return "", fmt.Errorf("the document is a %s, the request says %s", op.Operation, r.Kind)
	}
	return op.Name, nil
}
