package service

import (
	"context"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/adapters/statusfeed"
	"github.com/dsmf/ssc-adapter/adapters/store"
	"github.com/dsmf/ssc-adapter/contracts"
)

// projectorState gives the status projector the state the log reader folds.
type projectorState struct{ s *Service }

func (p projectorState) WaitFolded(ctx context.Context, partition int32, offset int64) error {
	return p.s.reader.WaitApplied(ctx, contracts.TopicEvents, partition, offset)
}

func (p projectorState) Snapshot() statusfeed.Snapshot { return p.s.State.View() }

// statusProjector publishes the public status topic from the event log.
func (s *Service) statusProjector() *statusfeed.Projector {
	return statusfeed.New(statusfeed.Config{
		Brokers: s.brokers,
		Sarama:  s.groupConfig,
		Group:   kafka.StatusGroup(s.cfg.ConsumerGroup), OutcomeRetention: store.OutcomeRetention, Now: s.cfg.Now, Log: s.log,
	}, projectorState{s})
}
