// Package e2etest runs the generated SDK against the local emulator over real HTTP and
// websockets: OAuth client credentials, tenant headers, paging helpers, retries, token refresh
// and the emulator's refusals. It has no non-test code.
package e2etest
