package handlers

import (
	"context"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

// commands is the handler of each command type: its payload type, how it is
// decided and how it is answered. Intake says which types a topic carries
// (commandTopics); a type it accepts must be here. A new command is one file
// holding its Query or Change, and one line here.
var commands = map[string]commandHandler{
	contracts.TypeLogin:          login,
	contracts.TypeLogout:         logout,
	contracts.TypeProfileGet:     profileGet,
	contracts.TypeGrantCreate:    grantCreate,
	contracts.TypeGrantList:      grantList,
	contracts.TypeGrantRevoke:    grantRevoke,
	contracts.TypePersonLookup:   personLookup,
	contracts.TypeDraftSave:      draftSave,
	contracts.TypeSubmit:         applicationSubmit,
	contracts.TypeDraftDelete:    draftDelete,
	contracts.TypeRegistrySearch: registrySearch,
	contracts.TypeApplicationGet: applicationGet,
	contracts.TypeNoticeGet:      noticeGet,
	contracts.TypeDecision:       decision,
}

// commandHandler decodes a command's payload, decides the command and
// answers it, and says which outcome code the answer carried ("ok" or an
// error code). Query and Change are the two kinds.
type commandHandler interface {
	handle(ctx context.Context, h *Handler, c command) (outcome string, err error)
}

// decide hands a command that passed intake to its type's handler.
func (h *Handler) decide(ctx context.Context, c command) (outcome string, err error) {
	ch, ok := commands[c.typ]
	if !ok {
		return h.refuse(ctx, c, domain.ErrUnknownType)
	}
	return ch.handle(ctx, h, c)
}

// answer replies to a command that succeeded with its result. The portal's
// commands are answered on the replies topic, the back office's decisions
// on its own replies topic.
func (h *Handler) answer(ctx context.Context, c command, result any) (string, error) {
	typ, answered := resultType(c.typ)
	if !answered {
		return "ok", nil
	}
	return "ok", h.publishReply(ctx, repliesTopic(c.typ), c.id, c.insurerVOEN, typ, result)
}

// refuse answers a command refused with a *domain.Error and returns its code;
// any other error is returned as it is (transient, or a permanent failure).
func (h *Handler) refuse(ctx context.Context, c command, err error) (string, error) {
	de, ok := domain.AsError(err)
	if !ok {
		return "", err
	}
	if _, answered := resultType(c.typ); !answered {
		return de.Code, nil
	}
	return de.Code, h.publishReply(ctx, repliesTopic(c.typ), c.id, c.insurerVOEN, contracts.TypeError, refusalReply(c, de))
}
