package sdk

// Client talks to one Taegis region with one set of credentials. It is safe for concurrent use.
type Client struct{}
