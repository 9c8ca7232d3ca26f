package embedded

import (
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
)

// User is a SASL user of the embedded broker (kfake) with the grants
// of that principal, for tests with ACLs on (kfake.EnableSASL,
// kfake.EnableACLs).
func User(mechanism, user, password string, grants []kafka.Grant) kfake.Opt {
	var acls []kfake.ACL
	for _, g := range grants {
		if g.Principal != user {
			continue
		}
		a := kfake.ACL{Resource: kmsg.ACLResourceTypeTopic, Name: g.Name,
			Pattern: kmsg.ACLResourcePatternTypeLiteral, Operation: kmsg.ACLOperationRead, Allow: true}
		if g.Group {
			a.Resource = kmsg.ACLResourceTypeGroup
		}
		if g.TransactionalID {
			a.Resource = kmsg.ACLResourceTypeTransactionalId
		}
		if g.Prefixed {
			a.Pattern = kmsg.ACLResourcePatternTypePrefixed
		}
		if g.Operation == kafka.OpWrite {
			a.Operation = kmsg.ACLOperationWrite
		}
		acls = append(acls, a)
	}
	return kfake.User(mechanism, user, password, acls...)
}
