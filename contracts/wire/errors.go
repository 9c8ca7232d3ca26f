package wire

import (
	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

// ErrorToWire renders a refusal as the error reply to a command, with the
// ids a portal must act on in fields of their own.
func ErrorToWire(commandID, commandType string, de *domain.Error) contracts.ErrorReply {
	return contracts.ErrorReply{
		CommandID: commandID, CommandType: commandType, Code: de.Code,
		Message: contracts.Message{AZ: de.AZ, EN: de.EN}, Detail: de.Detail,
		OpenApplicationID: de.OpenApplicationID(),
	}
}
