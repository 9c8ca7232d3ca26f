package contracts

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// Signed login assertions.
//
// The portal signs each login assertion with Ed25519 (RFC 8032). The signed
// bytes are the assertion's JSON data without its "signature" member, in the
// JSON Canonicalization Scheme (RFC 8785, "JCS"): members sorted by their
// names' UTF-16 code units, no whitespace, strings escaped minimally (only
// '"', '\' and control characters; non-ASCII letters stay as UTF-8), and
// integers written plainly. Every language has a JCS library, so the portal
// can sign in any of them; contracts/testdata/signing/ holds test vectors.
//
// The signature goes in the data as {"keyId": "...", "value": base64(sig)}
// with standard, padded base64. Key ids let the portal rotate keys: the
// adapter accepts every key it is configured with.

// Signature errors; VerifyAssertion wraps one of them.
var (
	ErrUnsigned        = errors.New("assertion is not signed")
	ErrUnknownKey      = errors.New("assertion is signed with an unknown key")
	ErrBadSignature    = errors.New("assertion signature does not verify")
	ErrNotCanonicalize = errors.New("assertion cannot be canonicalised")
)

// KeySet holds the portal's public keys by key id.
type KeySet map[string]ed25519.PublicKey

// CanonicalAssertion returns the bytes a login assertion's signature covers.
func CanonicalAssertion(data []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v map[string]any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotCanonicalize, err)
	}
	delete(v, "signature")
	var b bytes.Buffer
	if err := writeJCS(&b, v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// SignAssertion signs an assertion and returns its data with the signature.
func SignAssertion(a LoginAssertion, keyID string, key ed25519.PrivateKey) (LoginAssertion, error) {
	a.Signature = nil
	data, err := json.Marshal(a)
	if err != nil {
		return a, err
	}
	msg, err := CanonicalAssertion(data)
	if err != nil {
		return a, err
	}
	a.Signature = &AssertionSignature{KeyID: keyID, Value: base64.StdEncoding.EncodeToString(ed25519.Sign(key, msg))}
	return a, nil
}

// VerifyAssertion checks the signature of a login assertion's JSON data.
func VerifyAssertion(keys KeySet, data []byte) error {
	var head struct {
		Signature *AssertionSignature `json:"signature"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return fmt.Errorf("%w: %v", ErrNotCanonicalize, err)
	}
	if head.Signature == nil || head.Signature.Value == "" {
		return ErrUnsigned
	}
	key, ok := keys[head.Signature.KeyID]
	if !ok {
		return fmt.Errorf("%w: key id %q", ErrUnknownKey, head.Signature.KeyID)
	}
	sig, err := base64.StdEncoding.DecodeString(head.Signature.Value)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return ErrBadSignature
	}
	msg, err := CanonicalAssertion(data)
	if err != nil {
		return err
	}
	if !ed25519.Verify(key, msg, sig) {
		return ErrBadSignature
	}
	return nil
}

// writeJCS writes v in RFC 8785 form. Only what JSON decoding with
// UseNumber yields can occur; numbers must be integers.
func writeJCS(b *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case json.Number:
		n, err := strconv.ParseInt(string(x), 10, 64)
		if err != nil || n > 1<<53 || n < -(1<<53) {
			return fmt.Errorf("%w: number %s is not a safe integer", ErrNotCanonicalize, x)
		}
		b.WriteString(strconv.FormatInt(n, 10))
	case string:
		writeJCSString(b, x)
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := writeJCS(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case map[string]any:
		names := make([]string, 0, len(x))
		for k := range x {
			names = append(names, k)
		}
		sort.Slice(names, func(i, j int) bool { return utf16Less(names[i], names[j]) })
		b.WriteByte('{')
		for i, k := range names {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJCSString(b, k)
			b.WriteByte(':')
			if err := writeJCS(b, x[k]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		return fmt.Errorf("%w: unexpected %T", ErrNotCanonicalize, v)
	}
	return nil
}

func writeJCSString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\b':
			b.WriteString(`\b`)
		case '\f':
			b.WriteString(`\f`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 {
				fmt.Fprintf(b, `\u%04x`, r)
			} else {
				b.WriteRune(r)
			}
		}
	}
	b.WriteByte('"')
}

// utf16Less orders strings by UTF-16 code units, as RFC 8785 sorts names.
func utf16Less(a, b string) bool {
	if isASCII(a) && isASCII(b) {
		return a < b
	}
	ua, ub := utf16.Encode([]rune(a)), utf16.Encode([]rune(b))
	for i := 0; i < len(ua) && i < len(ub); i++ {
		if ua[i] != ub[i] {
			return ua[i] < ub[i]
		}
	}
	return len(ua) < len(ub)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
