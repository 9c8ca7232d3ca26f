package main

import (
	"github.com/google/uuid"

	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"

	"github.com/dsmf/ssc-adapter/contracts"
)

const signAbout = `
Signs a login assertion as the portal does: Ed25519 over the assertion's RFC 8785
canonical form, with the key's id, in its "signature" member (contracts/signing.go).
Reads the assertion's JSON from FILE or stdin and writes the signed JSON to stdout.
issuedAt is set to now and assertionId to a new id first, since the adapter refuses
an assertion older than five minutes or used before (-keep-issued-at leaves both).

The key is a file written by the adapter: with the embedded broker and no portal
keys it makes a development key pair in data/portal-signing-key.json.

  dsmfctl sign < login.json | dsmfctl send -type az.gov.dsmf.ssc.session.login.v1 -file -
`

// defaultKeyFile is where the adapter keeps its development signing key
// when run from the repository (DSMF_DEV_KEY_FILE).
const defaultKeyFile = "data/portal-signing-key.json"

// signingKey is a portal signing key read from a file.
type signingKey struct {
	id   string
	key  ed25519.PrivateKey
	path string
}

// keyFlags declares -key and -unsigned and returns what loads the key after
// parsing: the named file; by default DSMF_DEV_KEY_FILE or the adapter's
// development key if it is there, else none (unsigned).
func keyFlags(fls *flag.FlagSet, e *env, unsignedFlag bool) func() (*signingKey, error) {
	def := envOr(e, "DSMF_DEV_KEY_FILE", defaultKeyFile)
	path := fls.String("key", "", "portal signing key file to sign login assertions with (default: $DSMF_DEV_KEY_FILE or "+defaultKeyFile+" when it exists)")
	unsigned := new(bool)
	if unsignedFlag {
		fls.BoolVar(unsigned, "unsigned", false, "send the login assertion without a signature")
	}
	return func() (*signingKey, error) {
		if *unsigned {
			return nil, nil
		}
		p, explicit := *path, *path != ""
		if !explicit {
			p = def
		}
		id, key, err := contracts.ReadSigningKey(p)
		if err != nil {
			if !explicit && errors.Is(err, fs.ErrNotExist) {
				return nil, nil
			}
			return nil, fmt.Errorf("signing key: %w", err)
		}
		return &signingKey{id: id, key: key, path: p}, nil
	}
}

// sign signs an assertion with k, or leaves it unsigned when k is nil.
func (k *signingKey) sign(a contracts.LoginAssertion) (contracts.LoginAssertion, error) {
	if k == nil {
		return a, nil
	}
	signed, err := contracts.SignAssertion(a, k.id, k.key)
	if err != nil {
		return a, fmt.Errorf("sign the login assertion: %w", err)
	}
	return signed, nil
}

func runSign(_ context.Context, e *env, g globals, args []string) error {
	fls, _ := flagSet(e, g, "sign", "[-key FILE] [-keep-issued-at] [FILE]", signAbout)
	load := keyFlags(fls, e, false)
	keep := fls.Bool("keep-issued-at", false, "sign issuedAt and assertionId as they are instead of setting them to now and a new id")
	if err := parse(fls, args); err != nil {
		return err
	}
	if fls.NArg() > 1 {
		return usagef("sign: give at most one FILE")
	}
	name := "-"
	if fls.NArg() == 1 {
		name = fls.Arg(0)
	}
	k, err := load()
	if err != nil {
		return err
	}
	if k == nil {
		return fmt.Errorf("sign: no signing key: give -key (the adapter logs where its development key is)")
	}
	data, err := readInput(e, name)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var a contracts.LoginAssertion
	if err := dec.Decode(&a); err != nil {
		return fmt.Errorf("sign: not a login assertion: %w", err)
	}
	if !*keep {
		a.IssuedAt, a.AssertionID = e.now().UTC(), uuid.NewString()
	}
	signed, err := k.sign(a)
	if err != nil {
		return err
	}
	return writeJSONLine(e.stdout, signed)
}
