package kafka

import "context"

// WaitApplied waits until the reader has applied the record at offset of a
// partition of topic: what a follower of the same log (the status projector)
// needs before it reads state as of that record.
func (r *LogReader) WaitApplied(ctx context.Context, topic string, partition int32, offset int64) error {
	return r.WaitFor(ctx, map[topicPartition]int64{{topic, partition}: offset + 1})
}
