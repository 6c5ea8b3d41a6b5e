// Package auth is the local emulator's identity provider: it issues HS256-signed JWT access
// tokens through the OAuth 2.0 client-credentials grant (POST /auth/api/v2/auth/token) and the
// device-code flow (/universal-auth/device/code/auth and /token), and checks them on every
// GraphQL request.
//
// Tokens carry the tenants they may act on in the claim TenantIDsClaim, as Taegis tokens do. A
// request names its tenant with the X-Tenant-Context header, the x-tenant-context cookie or the
// websocket sub-protocol x-tenant-context-<id>; its token comes from Authorization: Bearer, the
// access_token cookie or the sub-protocol access-token-<jwt>. The signing key lives in a file
// under the emulator's data directory, so tokens stay valid across restarts.
//
// It is not a general OAuth server: one client, no scopes, no refresh tokens, no revocation.
package auth
