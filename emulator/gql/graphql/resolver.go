package graphql

import (
	"net/http"
	"sync"

	"gotaegis/emulator/gql"
	"gotaegis/emulator/state"
)

// Resolver resolves the main gateway's fields over the emulator's state.
type Resolver struct {
	st *state.State
	// decoded keeps alert models by id: records never change, and decoding them is most of
	// the cost of a large search.
	decoded sync.Map
	// invMu serializes the read-modify-write of investigations, so concurrent changes to one
	// investigation are all kept.
	invMu sync.Mutex
}

// New returns the main gateway's HTTP handler: GraphQL over POST, GET and graphql-ws.
func New(st *state.State) http.Handler {
	return gql.NewServer(NewExecutableSchema(Config{Resolvers: &Resolver{st: st}}))
}
