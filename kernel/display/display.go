package display

// Bundle is a MIME bundle: data keyed by MIME type ("text/plain" always present), and metadata.
// Binary types such as image/png hold base64 text.
type Bundle struct {
	Data     map[string]any `json:"data"`
	Metadata map[string]any `json:"metadata"`
}
