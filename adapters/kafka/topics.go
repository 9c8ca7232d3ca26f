package kafka

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/IBM/sarama"

	"github.com/dsmf/ssc-adapter/contracts"
)

// EnsureTopics creates the topics that do not exist yet and checks that the
// ones that do have the partition count the adapter relies on.
func EnsureTopics(admin sarama.ClusterAdmin, specs []contracts.TopicSpec) error {
	existing, err := admin.ListTopics()
	if err != nil {
		return fmt.Errorf("list topics: %w", err)
	}
	for _, s := range specs {
		if d, ok := existing[s.Name]; ok {
			if d.NumPartitions != s.Partitions {
				return fmt.Errorf("topic %s has %d partitions, the adapter is configured for %d: set DSMF_PARTITIONS=%d or recreate the topic",
					s.Name, d.NumPartitions, s.Partitions, d.NumPartitions)
			}
			continue
		}
		cleanup, retention := s.CleanupPolicy, strconv.FormatInt(s.RetentionMs, 10)
		err := admin.CreateTopic(s.Name, &sarama.TopicDetail{
			NumPartitions:     s.Partitions,
			ReplicationFactor: -1, // the broker's default
			ConfigEntries: map[string]*string{
				"cleanup.policy": &cleanup,
				"retention.ms":   &retention,
			},
		}, false)
		if err != nil && !errors.Is(err, sarama.ErrTopicAlreadyExists) {
			return fmt.Errorf("create topic %s: %w", s.Name, err)
		}
	}
	return nil
}

// CreateTopics connects to brokers and ensures the topics exist.
func CreateTopics(brokers []string, specs []contracts.TopicSpec) error {
	admin, err := sarama.NewClusterAdmin(brokers, Config{Brokers: brokers}.SaramaConfig())
	if err != nil {
		return fmt.Errorf("kafka admin: %w", err)
	}
	defer admin.Close()
	return EnsureTopics(admin, specs)
}

// CheckTopics verifies, without creating anything, that every topic exists
// with its partition count: with topics made by an operator, a missing one
// would otherwise show up only as writes that fail and are retried forever.
func CheckTopics(client sarama.Client, specs []contracts.TopicSpec) error {
	if err := client.RefreshMetadata(); err != nil {
		return fmt.Errorf("refresh metadata: %w", err)
	}
	known, err := client.Topics()
	if err != nil {
		return fmt.Errorf("list topics: %w", err)
	}
	have := map[string]bool{}
	for _, t := range known {
		have[t] = true
	}
	var problems []error
	for _, s := range specs {
		if !have[s.Name] {
			problems = append(problems, fmt.Errorf("topic %s is missing (or this principal may not describe it)", s.Name))
			continue
		}
		parts, err := client.Partitions(s.Name)
		if err != nil {
			problems = append(problems, fmt.Errorf("partitions of %s: %w", s.Name, err))
		} else if int32(len(parts)) != s.Partitions {
			problems = append(problems, fmt.Errorf("topic %s has %d partitions, the adapter is configured for %d", s.Name, len(parts), s.Partitions))
		}
	}
	if err := errors.Join(problems...); err != nil {
		return fmt.Errorf("%w; create the topics as docker-compose.yml's kafka-init does, or set DSMF_CREATE_TOPICS=true", err)
	}
	return nil
}
