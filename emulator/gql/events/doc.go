// Package events is the local emulator's events gateway: a gqlgen server generated from
// schema/events/*.graphql, with resolvers over the emulator's state.
package events

//go:generate go tool gqlgen generate --config gqlgen.yml
