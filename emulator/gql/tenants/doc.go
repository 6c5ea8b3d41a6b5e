// Package tenants is the local emulator's tenants gateway: a gqlgen server generated from
// schema/tenants/*.graphql, with resolvers over the emulator's state.
package tenants

//go:generate go tool gqlgen generate --config gqlgen.yml
