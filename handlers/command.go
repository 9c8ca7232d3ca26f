package handlers

import (
	"encoding/json"
	"time"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

// command is a command that passed intake, with what every handler needs.
type command struct {
	env         contracts.Envelope
	id          string
	typ         string
	insurerVOEN string
	sessionID   string
	now         time.Time
}

// Cmd is a command with its payload decoded.
type Cmd[P any] struct {
	command
	Payload P
}

// decode decodes a command's payload; intake has already checked it against
// its schema.
func decode[P any](c command) (Cmd[P], error) {
	cmd := Cmd[P]{command: c}
	if err := json.Unmarshal(c.env.Data, &cmd.Payload); err != nil {
		return cmd, domain.ErrSchema.With("data does not decode")
	}
	return cmd, nil
}
