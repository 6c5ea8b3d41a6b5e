package graphql

import (
	"net/http"

	"gotaegis/emulator/gql"
	"gotaegis/emulator/state"
)

// Resolver resolves the main gateway's fields over the emulator's state.
type Resolver struct {
	st *state.State
}

// New returns the main gateway's HTTP handler: GraphQL over POST, GET and graphql-ws.
func New(st *state.State) http.Handler {
	return gql.NewServer(NewExecutableSchema(Config{Resolvers: &Resolver{st: st}}))
}
