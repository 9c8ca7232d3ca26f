package kafka

import (
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/IBM/sarama"
)

// permanentProduceErrors are the broker's answers that the same record will
// get however often it is sent: too large, malformed, or not allowed. A
// record refused with one of them must not be retried, or it blocks its
// partition for good.
var permanentProduceErrors = map[sarama.KError]bool{
	sarama.ErrMessageSizeTooLarge:                true,
	sarama.ErrInvalidMessage:                     true,
	sarama.ErrInvalidMessageSize:                 true,
	sarama.ErrInvalidRecord:                      true,
	sarama.ErrInvalidTopic:                       true,
	sarama.ErrInvalidRequiredAcks:                true,
	sarama.ErrTopicAuthorizationFailed:           true,
	sarama.ErrClusterAuthorizationFailed:         true,
	sarama.ErrTransactionalIDAuthorizationFailed: true,
	sarama.ErrUnsupportedForMessageFormat:        true,
	sarama.ErrPolicyViolation:                    true,
}

// IsPermanent reports whether a produce error is one retrying cannot fix:
// the broker's permanent refusals above, or the client's own (a record
// larger than Producer.MaxMessageBytes is refused before it is sent, as a
// sarama.ConfigurationError). A sarama.ProducerErrors is permanent when
// every record in it is.
func IsPermanent(err error) bool {
	if err == nil {
		return false
	}
	var pes sarama.ProducerErrors
	if errors.As(err, &pes) && len(pes) > 0 {
		for _, pe := range pes {
			if !IsPermanent(pe.Err) {
				return false
			}
		}
		return true
	}
	var pe *sarama.ProducerError
	if errors.As(err, &pe) {
		return IsPermanent(pe.Err)
	}
	var ke sarama.KError
	if errors.As(err, &ke) {
		return permanentProduceErrors[ke]
	}
	var ce sarama.ConfigurationError
	return errors.As(err, &ce)
}

// RecordError is one record a Send did not write, with the reason.
type RecordError struct {
	Record *sarama.ProducerMessage
	Err    error
}

// FailedRecords lists the records of a Send that failed. A Send of one
// record returns its error bare; of several, a sarama.ProducerErrors naming
// each failed record; the others are written.
func FailedRecords(err error, sent []*sarama.ProducerMessage) []RecordError {
	if err == nil {
		return nil
	}
	var pes sarama.ProducerErrors
	if errors.As(err, &pes) {
		out := make([]RecordError, 0, len(pes))
		for _, pe := range pes {
			out = append(out, RecordError{Record: pe.Msg, Err: pe.Err})
		}
		return out
	}
	out := make([]RecordError, 0, len(sent))
	for _, m := range sent {
		out = append(out, RecordError{Record: m, Err: err})
	}
	return out
}

// Refusal names a permanent produce error in a few words, for a metric
// label and the dead-letter stub: message_too_large, not_authorized,
// invalid_record or refused.
func Refusal(err error) string {
	var ke sarama.KError
	var ce sarama.ConfigurationError
	switch {
	case errors.As(err, &ke) && (ke == sarama.ErrMessageSizeTooLarge || ke == sarama.ErrInvalidMessageSize):
		return "message_too_large"
	case errors.As(err, &ke) && (ke == sarama.ErrTopicAuthorizationFailed || ke == sarama.ErrClusterAuthorizationFailed ||
		ke == sarama.ErrTransactionalIDAuthorizationFailed):
		return "not_authorized"
	case errors.As(err, &ke) && (ke == sarama.ErrInvalidMessage || ke == sarama.ErrInvalidRecord):
		return "invalid_record"
	case errors.As(err, &ce) && strings.Contains(string(ce), "MaxMessageBytes"):
		return "message_too_large"
	}
	return "refused"
}

// IsUnreachable reports whether err says the broker cannot be reached (a
// closed or refused connection, no broker left to try), rather than that it
// refused a request.
func IsUnreachable(err error) bool {
	var ne net.Error
	var oe *net.OpError
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, sarama.ErrOutOfBrokers) || errors.Is(err, sarama.ErrNotConnected) ||
		errors.As(err, &oe) || (errors.As(err, &ne) && ne.Timeout())
}
