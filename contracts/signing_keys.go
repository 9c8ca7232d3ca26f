package contracts

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// ParseKeySet reads public keys written "keyId=base64,keyId2=base64", the
// form of DSMF_PORTAL_KEYS.
func ParseKeySet(s string) (KeySet, error) {
	keys := KeySet{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		id, b64, ok := strings.Cut(part, "=")
		if !ok || id == "" {
			return nil, fmt.Errorf("portal key %q: want keyId=base64-public-key", part)
		}
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(raw) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("portal key %q: not a base64 Ed25519 public key (%d bytes)", id, ed25519.PublicKeySize)
		}
		keys[id] = ed25519.PublicKey(raw)
	}
	return keys, nil
}

// SigningKeyFile is how a development signing key is kept on disk.
type SigningKeyFile struct {
	KeyID     string `json:"keyId"`
	Seed      string `json:"privateKeySeedHex"`
	PublicKey string `json:"publicKeyBase64"`
}

// WriteSigningKey saves a private key for development signing.
func WriteSigningKey(path, keyID string, key ed25519.PrivateKey) error {
	f := SigningKeyFile{KeyID: keyID, Seed: hex.EncodeToString(key.Seed()),
		PublicKey: base64.StdEncoding.EncodeToString(key.Public().(ed25519.PublicKey))}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o600)
}

// ReadSigningKey loads a key saved by WriteSigningKey.
func ReadSigningKey(path string) (string, ed25519.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", nil, err
	}
	var f SigningKeyFile
	if err := json.Unmarshal(data, &f); err != nil {
		return "", nil, fmt.Errorf("signing key %s: %w", path, err)
	}
	seed, err := hex.DecodeString(f.Seed)
	if err != nil || len(seed) != ed25519.SeedSize {
		return "", nil, fmt.Errorf("signing key %s: privateKeySeedHex is not a 32-byte hex seed", path)
	}
	return f.KeyID, ed25519.NewKeyFromSeed(seed), nil
}
