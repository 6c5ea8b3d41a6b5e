// Package graphql is the local emulator's graphql gateway: a gqlgen server generated from
// schema/graphql/*.graphql, with resolvers over the emulator's state.
package graphql

//go:generate go tool gqlgen generate --config gqlgen.yml
