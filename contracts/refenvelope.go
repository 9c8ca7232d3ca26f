package contracts

import (
	"fmt"
	"time"
)

// ReferenceEnvelope wraps a reference record for its compacted topic, keyed
// as that topic is (VÖEN, SSN or FIN). It returns the topic too.
func ReferenceEnvelope(id string, record any, at time.Time) (string, Envelope, error) {
	var topic, typ, key string
	switch r := record.(type) {
	case Insurer:
		topic, typ, key = TopicInsurers, TypeInsurer, r.VOEN
	case InsuredPerson:
		topic, typ, key = TopicInsuredPersons, TypeInsuredPerson, r.SSN
	case IdentityDocument:
		topic, typ, key = TopicIdentityDocuments, TypeIdentityDocument, r.FIN
	default:
		return "", Envelope{}, fmt.Errorf("not a reference record: %T", record)
	}
	env, err := NewEnvelope(id, SourceRegisters, typ, key, at, record)
	return topic, env, err
}
