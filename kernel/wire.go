package kernel

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"strings"
	"time"

	"github.com/google/uuid"
)

// ProtocolVersion is the Jupyter messaging protocol version this package speaks; it is the
// version of every header it writes.
const ProtocolVersion = "5.3"

// delimiter separates the routing identities from the signed part of a message.
var delimiter = []byte("<IDS|MSG>")

// emptyObject is the JSON written for a missing parent header, metadata or content.
var emptyObject = json.RawMessage("{}")

// ErrBadSignature is returned by ParseMessage when a message's HMAC does not match.
var ErrBadSignature = errors.New("bad message signature")

// Header is the header of a Jupyter message.
type Header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// Message is one Jupyter message. RawHeader, ParentHeader, Metadata and Content hold JSON objects
// exactly as they were received or will be sent, so fields this package does not know about
// (such as a parent's subshell_id) travel unchanged.
type Message struct {
	// Identities are the routing frames before the delimiter: on a ROUTER socket they name the
	// peer a reply goes back to; on IOPub the first one is the topic.
	Identities [][]byte
	// Header is RawHeader decoded.
	Header Header
	// RawHeader is the header as it travels on the wire.
	RawHeader json.RawMessage
	// ParentHeader is the header of the request that caused this message, or {}.
	ParentHeader json.RawMessage
	// Metadata is the message's metadata object, or {}.
	Metadata json.RawMessage
	// Content is the message's content object, or {}.
	Content json.RawMessage
	// Buffers are the extra binary frames after content; they are not signed.
	Buffers [][]byte
}

// Parent decodes ParentHeader; a missing or empty parent gives the zero Header.
func (m Message) Parent() Header {
	var h Header
	_ = json.Unmarshal(m.ParentHeader, &h)
	return h
}

// Decode unmarshals Content into v.
func (m Message) Decode(v any) error {
	if err := json.Unmarshal(m.Content, v); err != nil {
		return fmt.Errorf("decode %s content: %w", m.Header.MsgType, err)
	}
	return nil
}

// Signer signs and verifies messages with the key and scheme of a connection file. A Signer with
// an empty key writes empty signatures and accepts any. Its zero value is such a Signer. It is
// safe for concurrent use.
type Signer struct {
	key     []byte
	newHash func() hash.Hash
}

// NewSigner returns a Signer for scheme ("hmac-sha256", "hmac-sha1" or "hmac-sha512"; empty
// means hmac-sha256) and key.
func NewSigner(scheme, key string) (*Signer, error) {
	var h func() hash.Hash
	switch strings.ToLower(scheme) {
	case "", "hmac-sha256":
		h = sha256.New
	case "hmac-sha1":
		h = sha1.New
	case "hmac-sha512":
		h = sha512.New
	default:
		return nil, fmt.Errorf("unsupported signature_scheme %q (use hmac-sha256, hmac-sha1 "+
			"or hmac-sha512)", scheme)
	}
	return &Signer{key: []byte(key), newHash: h}, nil
}

// Sign returns the hex signature of the four signed frames, or nil when the key is empty.
func (s *Signer) Sign(header, parent, metadata, content []byte) []byte {
	if s == nil || len(s.key) == 0 {
		return nil
	}
	mac := hmac.New(s.newHash, s.key)
	for _, p := range [][]byte{header, parent, metadata, content} {
		mac.Write(p)
	}
	sum := mac.Sum(nil)
	out := make([]byte, hex.EncodedLen(len(sum)))
	hex.Encode(out, sum)
	return out
}

// Verify reports whether sig is the signature of the four frames, comparing in constant time.
// With an empty key every signature is accepted.
func (s *Signer) Verify(sig, header, parent, metadata, content []byte) bool {
	if s == nil || len(s.key) == 0 {
		return true
	}
	return hmac.Equal(bytes.ToLower(sig), s.Sign(header, parent, metadata, content))
}

// ParseMessage splits the frames of one multipart ZeroMQ message, verifies its signature with s
// and decodes its header. It fails on a missing delimiter, missing frames, a bad signature
// (ErrBadSignature) or parts that are not JSON objects; it never panics.
func ParseMessage(frames [][]byte, s *Signer) (Message, error) {
	var m Message
	i := 0
	for i < len(frames) && !bytes.Equal(frames[i], delimiter) {
		i++
	}
	if i == len(frames) {
		return m, errors.New("malformed message: no <IDS|MSG> delimiter")
	}
	if len(frames)-i < 6 {
		return m, fmt.Errorf("malformed message: %d frames after the delimiter, want at least 5",
			len(frames)-i-1)
	}
	sig, header, parent, metadata, content := frames[i+1], frames[i+2], frames[i+3],
		frames[i+4], frames[i+5]
	if !s.Verify(sig, header, parent, metadata, content) {
		return m, ErrBadSignature
	}

	parts := []struct {
		name string
		data []byte
		dst  *json.RawMessage
	}{
		{"header", header, &m.RawHeader},
		{"parent_header", parent, &m.ParentHeader},
		{"metadata", metadata, &m.Metadata},
		{"content", content, &m.Content},
	}
	for _, p := range parts {
		if !isObject(p.data) {
			return Message{}, fmt.Errorf("malformed message: %s is not a JSON object", p.name)
		}
		*p.dst = json.RawMessage(bytes.Clone(p.data))
	}
	if err := json.Unmarshal(header, &m.Header); err != nil {
		return Message{}, fmt.Errorf("malformed message: header: %w", err)
	}
	if m.Header.MsgType == "" {
		return Message{}, errors.New("malformed message: header has no msg_type")
	}

	m.Identities = cloneFrames(frames[:i])
	m.Buffers = cloneFrames(frames[i+6:])
	return m, nil
}

// Frames returns the wire frames of m signed with s. Empty parent, metadata and content are
// written as {}.
func (m Message) Frames(s *Signer) [][]byte {
	header, parent := orEmpty(m.RawHeader), orEmpty(m.ParentHeader)
	metadata, content := orEmpty(m.Metadata), orEmpty(m.Content)
	frames := make([][]byte, 0, len(m.Identities)+6+len(m.Buffers))
	frames = append(frames, m.Identities...)
	frames = append(frames, delimiter, s.Sign(header, parent, metadata, content))
	frames = append(frames, header, parent, metadata, content)
	return append(frames, m.Buffers...)
}

// Session makes the headers of the messages one peer sends: the same session id and user name
// for its whole life, a fresh msg_id and the current time for each message. It is safe for
// concurrent use.
type Session struct {
	ID       string
	Username string
}

// NewSession returns a Session with a fresh random id.
func NewSession(username string) Session {
	return Session{ID: uuid.NewString(), Username: username}
}

// NewMessage builds a message of msgType whose parent is parent (nil or empty for none) and
// whose content is content marshalled to JSON (nil gives {}). Content must marshal to a JSON
// object.
func (s Session) NewMessage(msgType string, parent json.RawMessage, content any) (Message, error) {
	h := Header{
		MsgID:    uuid.NewString(),
		Session:  s.ID,
		Username: s.Username,
		Date:     time.Now().UTC().Format(time.RFC3339Nano),
		MsgType:  msgType,
		Version:  ProtocolVersion,
	}
	raw, err := json.Marshal(h)
	if err != nil {
		return Message{}, fmt.Errorf("%s header: %w", msgType, err)
	}
	body := []byte(emptyObject)
	if content != nil {
		if body, err = json.Marshal(content); err != nil {
			return Message{}, fmt.Errorf("%s content: %w", msgType, err)
		}
		if !isObject(body) {
			return Message{}, fmt.Errorf("%s content is not a JSON object", msgType)
		}
	}
	return Message{
		Header:       h,
		RawHeader:    raw,
		ParentHeader: orEmpty(parent),
		Metadata:     emptyObject,
		Content:      body,
	}, nil
}

// isObject reports whether b is a JSON object (leading white space allowed).
func isObject(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '{' && json.Valid(b)
}

func orEmpty(b json.RawMessage) json.RawMessage {
	if len(bytes.TrimSpace(b)) == 0 || bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		return emptyObject
	}
	return b
}

func cloneFrames(frames [][]byte) [][]byte {
	out := make([][]byte, len(frames))
	for i, f := range frames {
		out[i] = bytes.Clone(f)
	}
	return out
}
