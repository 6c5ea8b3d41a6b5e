// Package sdk is the client core of the Taegis XDR GraphQL SDK: regions and their gateway URLs,
// credentials and tokens, the HTTP transport with retries, graphql-ws subscriptions, and the
// errors callers branch on.
//
// The generated service packages (sdk/alerts, sdk/events, ...) build a Request per operation and
// run it with (*Client).Do or (*Client).Subscribe; this package knows nothing about any one
// service. A Client is made with New from a Config:
//
//	c, err := sdk.New(sdk.Config{Region: "charlie", Tenant: "12345"})
//
// # Regions
//
// A region names one Taegis deployment: the built-in table (charlie, delta, echo, foxtrot, golf,
// hotel, india, juliet, kilo, quebec and their aliases such as us1 or eu, plus universal for
// authentication), custom regions from the settings file, and local, the emulator that the
// binary embeds (see RegisterLocal). When Config.Region is empty the region is, in order, the
// TAEGIS_REGION environment variable, the settings file's default region, charlie when client
// credentials are set in the environment, else local.
//
// # Settings
//
// Settings live in $GOTAEGIS_CONFIG_DIR (default ~/.config/gotaegis) in config.yaml:
//
//	default_region: charlie
//	regions:
//	  staging:
//	    url: https://api.staging.example.com
//	    tenants_url: https://api-tenants.staging.example.com   # optional, default url
//	    auth_url: https://auth.staging.example.com             # optional, default url
//	auth:
//	  charlie:
//	    client_id_env: CHARLIE_CLIENT_ID          # variable that holds the client id
//	    client_secret_env: CHARLIE_CLIENT_SECRET  # variable that holds the secret
//	    universal: false                          # authenticate at the universal host
//
// # Credentials
//
// A call's token comes from Config.Token when set; else from the token cache
// ($GOTAEGIS_CONFIG_DIR/tokens/<region>.json, mode 0600) while it is valid for at least 15 more
// seconds; else from OAuth2 client credentials (CLIENT_ID and CLIENT_SECRET, or the variables the
// settings name for the region) at <auth base>/auth/api/v2/auth/token; else from the device-code
// flow when Config.DeviceLogin is set (gotaegis auth login runs it and fills the cache). Region
// local, and a custom region on a loopback address (a gotaegis emulator), fall back to the
// emulator's default credentials, LocalClientID and LocalClientSecret. A
// response with HTTP status 401 or an UNAUTHENTICATED error refreshes the token once and retries.
// Tokens are never logged and never part of an error.
//
// # Retries
//
// Queries are retried on HTTP 408, 429 and 5xx and on network errors; mutations only on 429 or
// when the request never reached the server (the connection was refused, DNS failed). Delays
// grow exponentially with jitter and honour Retry-After; all retries of one call fit in
// RetryPolicy.MaxTime (10 s by default). Cancelling the context stops a call at once.
//
// # Errors
//
// GraphQL errors come back as *Errors, HTTP failures as *HTTPError; both match the sentinels
// ErrUnauthorized, ErrForbiddenTenant, ErrNotFound and ErrRateLimited with errors.Is, by the
// GraphQL error's extensions.code (UNAUTHENTICATED, FORBIDDEN, NOT_FOUND, RATE_LIMITED) or the
// HTTP status (401, 403, 404, 429).
//
// HTTP operations are executed by github.com/hasura/go-graphql-client. Subscriptions speak the
// legacy Apollo graphql-ws protocol (subscriptions-transport-ws) directly over
// github.com/coder/websocket, treating each subscription as a finite stream that ends with the
// server's complete message. A subscription message's data reaches its handler as it came, and
// generated handlers decode it once with DecodeField, straight into the result type; event
// rows, the bulk of event query messages, are decoded by sdk/internal/jsonvalue rather than by
// reflection, with the values encoding/json would give.
package sdk
