package kernel_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gotaegis/kernel"
)

const vectorHeader = `{"msg_id":"1","msg_type":"kernel_info_request"}`

// The expected signatures were computed with Python's hmac module over the four frames.
func TestSignerVectors(t *testing.T) {
	tests := []struct{ scheme, want string }{
		{"hmac-sha256", "0fca6e189cdcc0095e523565e0900c86cd24e5e0bfab2105ab98d33a07a29a4e"},
		{"", "0fca6e189cdcc0095e523565e0900c86cd24e5e0bfab2105ab98d33a07a29a4e"},
		{"hmac-sha1", "b39fe536d54796af53d63c4cecc030945d107e09"},
		{"hmac-sha512", "e0e3ebc62853bbb9b80ce02cab0177b69f218781e2e99c891dde31f58c5f5eed" +
			"172fa0992c974855e59d7e705faab203396160173ebe43743f33b71e0b24d999"},
	}
	for _, tt := range tests {
		t.Run(tt.scheme, func(t *testing.T) {
			s, err := kernel.NewSigner(tt.scheme, "secret")
			if err != nil {
				t.Fatal(err)
			}
			h, e := []byte(vectorHeader), []byte("{}")
			if got := string(s.Sign(h, e, e, e)); got != tt.want {
				t.Errorf("Sign = %s, want %s", got, tt.want)
			}
			if !s.Verify([]byte(strings.ToUpper(tt.want)), h, e, e, e) {
				t.Error("Verify rejects the right signature in upper case")
			}
			if s.Verify([]byte(tt.want), h, e, e, []byte(`{"x":1}`)) {
				t.Error("Verify accepts a signature over other content")
			}
		})
	}
	if _, err := kernel.NewSigner("hmac-md5", "k"); err == nil {
		t.Error("hmac-md5 accepted")
	}
}

func frames(parts ...string) [][]byte {
	out := make([][]byte, len(parts))
	for i, p := range parts {
		out[i] = []byte(p)
	}
	return out
}

func TestParseMessageErrors(t *testing.T) {
	s, _ := kernel.NewSigner("hmac-sha256", "secret")
	good := string(s.Sign([]byte(vectorHeader), []byte("{}"), []byte("{}"), []byte("{}")))
	tests := []struct {
		name   string
		frames [][]byte
		want   string
	}{
		{"no delimiter", frames("id", good, vectorHeader, "{}", "{}", "{}"), "no <IDS|MSG>"},
		{"too few frames", frames("<IDS|MSG>", good, vectorHeader, "{}"), "frames after"},
		{"bad signature", frames("<IDS|MSG>", strings.Repeat("0", 64), vectorHeader, "{}",
			"{}", "{}"), "bad message signature"},
		{"no signature", frames("<IDS|MSG>", "", vectorHeader, "{}", "{}", "{}"),
			"bad message signature"},
		{"nothing", nil, "no <IDS|MSG>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := kernel.ParseMessage(tt.frames, s)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}

	unsigned := []struct {
		name   string
		frames [][]byte
		want   string
	}{
		{"header not json", frames("<IDS|MSG>", "", "nope", "{}", "{}", "{}"),
			"header is not a JSON object"},
		{"content an array", frames("<IDS|MSG>", "", vectorHeader, "{}", "{}", "[1]"),
			"content is not a JSON object"},
		{"parent null", frames("<IDS|MSG>", "", vectorHeader, "null", "{}", "{}"),
			"parent_header is not a JSON object"},
		{"no msg_type", frames("<IDS|MSG>", "", `{"msg_id":"1"}`, "{}", "{}", "{}"),
			"no msg_type"},
		{"msg_type a number", frames("<IDS|MSG>", "", `{"msg_type":1}`, "{}", "{}", "{}"),
			"header"},
	}
	for _, tt := range unsigned {
		t.Run(tt.name, func(t *testing.T) {
			_, err := kernel.ParseMessage(tt.frames, &kernel.Signer{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
	_, err := kernel.ParseMessage(frames("<IDS|MSG>", "x", vectorHeader, "{}", "{}", "{}"), s)
	if !errors.Is(err, kernel.ErrBadSignature) {
		t.Errorf("bad signature error %v is not ErrBadSignature", err)
	}
}

func TestMessageRoundTrip(t *testing.T) {
	s, _ := kernel.NewSigner("hmac-sha256", "secret")
	parent := json.RawMessage(`{"msg_id":"p1","msg_type":"execute_request","subshell_id":"s9"}`)
	sess := kernel.NewSession("alice")
	m, err := sess.NewMessage("stream", parent, map[string]any{"name": "stdout", "text": "hi"})
	if err != nil {
		t.Fatal(err)
	}
	m.Identities = [][]byte{[]byte("peer-1"), []byte("peer-2")}
	m.Buffers = [][]byte{{0, 1, 2}}

	got, err := kernel.ParseMessage(m.Frames(s), s)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.ParentHeader, parent) {
		t.Errorf("parent_header %s, want %s unchanged", got.ParentHeader, parent)
	}
	if got.Parent().MsgID != "p1" || got.Header != m.Header {
		t.Errorf("header %+v / parent %+v", got.Header, got.Parent())
	}
	if h := got.Header; h.Version != "5.3" || h.Session != sess.ID || h.Username != "alice" ||
		!strings.HasSuffix(h.Date, "Z") || h.MsgID == "" {
		t.Errorf("header %+v", h)
	}
	if len(got.Identities) != 2 || string(got.Identities[1]) != "peer-2" ||
		len(got.Buffers) != 1 || !bytes.Equal(got.Buffers[0], []byte{0, 1, 2}) {
		t.Errorf("identities %q buffers %v", got.Identities, got.Buffers)
	}
	if string(got.Metadata) != "{}" {
		t.Errorf("metadata %s, want {}", got.Metadata)
	}

	m2, _ := sess.NewMessage("stream", nil, nil)
	if m2.Header.MsgID == m.Header.MsgID || string(m2.ParentHeader) != "{}" ||
		string(m2.Content) != "{}" {
		t.Errorf("second message %+v", m2)
	}
	if _, err := sess.NewMessage("x", nil, []int{1}); err == nil {
		t.Error("content that is not an object accepted")
	}

	// With an empty key the signature frame is empty and any signature is accepted.
	unsigned := m.Frames(&kernel.Signer{})
	if len(unsigned[3]) != 0 {
		t.Errorf("unsigned signature frame %q", unsigned[3])
	}
	if _, err := kernel.ParseMessage(unsigned, s); !errors.Is(err, kernel.ErrBadSignature) {
		t.Errorf("an unsigned message passed a keyed signer: %v", err)
	}
}

func FuzzParseMessage(f *testing.F) {
	s, _ := kernel.NewSigner("hmac-sha256", "")
	sess := kernel.NewSession("fuzz")
	m, _ := sess.NewMessage("execute_request", nil, map[string]any{"code": "1+1"})
	f.Add(bytes.Join(m.Frames(s), []byte{0}))
	f.Add([]byte("id\x00<IDS|MSG>\x00\x00{}\x00{}\x00{}\x00{}"))
	f.Add([]byte("<IDS|MSG>\x00\x00{\"msg_type\":\"x\"}\x00{}\x00{}\x00[]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fr := bytes.Split(data, []byte{0})
		got, err := kernel.ParseMessage(fr, s)
		if err != nil {
			return
		}
		again, err := kernel.ParseMessage(got.Frames(s), s)
		if err != nil {
			t.Fatalf("re-encoded message does not parse: %v", err)
		}
		if again.Header != got.Header || !bytes.Equal(again.Content, got.Content) ||
			!bytes.Equal(again.ParentHeader, got.ParentHeader) {
			t.Fatalf("round trip changed the message: %+v vs %+v", again, got)
		}
	})
}

// TestConnectionFiles reads each testdata/connection/*.json and compares what it gives (the
// endpoints, or the error) with the .golden file beside it. GOTAEGIS_UPDATE_GOLDEN=1 rewrites
// the golden files.
func TestConnectionFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/connection/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no connection files: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			var got string
			info, err := kernel.ReadConnectionFile(file)
			if err != nil {
				got = "error: " + strings.ReplaceAll(err.Error(), file, "FILE") + "\n"
			} else {
				got = strings.Join([]string{
					"shell " + info.Endpoint(info.ShellPort),
					"control " + info.Endpoint(info.ControlPort),
					"stdin " + info.Endpoint(info.StdinPort),
					"iopub " + info.Endpoint(info.IOPubPort),
					"hb " + info.Endpoint(info.HBPort),
					"scheme " + info.SignatureScheme,
					"key " + info.Key,
				}, "\n") + "\n"
			}
			golden := strings.TrimSuffix(file, ".json") + ".golden"
			if os.Getenv("GOTAEGIS_UPDATE_GOLDEN") == "1" {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
	if _, err := kernel.ReadConnectionFile("testdata/connection/missing.json"); err == nil {
		t.Error("a missing connection file was read")
	}
}

// BenchmarkParseMessage measures verifying and decoding a signed execute_request.
func BenchmarkParseMessage(b *testing.B) {
	s, _ := kernel.NewSigner("hmac-sha256", "secret")
	m, _ := kernel.NewSession("b").NewMessage("execute_request", nil, map[string]any{
		"code": strings.Repeat("fmt.Println(1)\n", 20), "silent": false})
	fr := m.Frames(s)
	for b.Loop() {
		if _, err := kernel.ParseMessage(fr, s); err != nil {
			b.Fatal(err)
		}
	}
}
