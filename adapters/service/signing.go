package service

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/dsmf/ssc-adapter/contracts"
)

// DevKeyID names the development signing key.
const DevKeyID = "dev"

// portalKeys decides which keys verify login assertions: the configured
// ones; none when unsigned assertions are allowed; and with the embedded
// broker and no keys, a development key pair kept beside the broker's data,
// so a newcomer can sign (dsmfctl sign) without setting anything up.
func (s *Service) portalKeys() (contracts.KeySet, error) {
	switch {
	case s.cfg.AllowUnsignedAssertions:
		s.log.Warn("login assertions are NOT verified (DSMF_ALLOW_UNSIGNED_ASSERTIONS): development only")
		return nil, nil
	case len(s.cfg.PortalKeys) > 0:
		return s.cfg.PortalKeys, nil
	case s.embedded == nil:
		return nil, errors.New("no portal keys to verify login assertions: set DSMF_PORTAL_KEYS (keyId=base64 Ed25519 public key, comma-separated), or for development only DSMF_ALLOW_UNSIGNED_ASSERTIONS=true")
	}
	path := s.cfg.DevKeyFile
	if path == "" {
		f, err := os.CreateTemp("", "dsmf-portal-signing-key-*.json")
		if err != nil {
			return nil, fmt.Errorf("development signing key: %w", err)
		}
		f.Close()
		path = f.Name()
		_ = os.Remove(path)
	}
	_, key, err := contracts.ReadSigningKey(path)
	if errors.Is(err, os.ErrNotExist) {
		_, key, err = ed25519.GenerateKey(nil)
		if err == nil {
			if err = os.MkdirAll(filepath.Dir(path), 0o700); err == nil {
				err = contracts.WriteSigningKey(path, DevKeyID, key)
			}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("development signing key %s: %w", path, err)
	}
	pub := key.Public().(ed25519.PublicKey)
	s.log.Info("login assertions must be signed; development signing key", "key_id", DevKeyID, "file", path,
		"public_key", base64.StdEncoding.EncodeToString(pub),
		"sign_with", "go run ./cmd/dsmfctl sign -key "+path+" < login.json")
	return contracts.KeySet{DevKeyID: pub}, nil
}
