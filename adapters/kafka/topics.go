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
