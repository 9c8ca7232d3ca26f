package ops

import (
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// SRE holds the metrics operators alert on (README "Runbook"). Labels are
// error codes, refusal reasons, stages, topics and partition numbers: never
// personal data.
type SRE struct {
	deadLetters        *prometheus.CounterVec
	deadLetterFailures *prometheus.CounterVec
	refusedWrites      *prometheus.CounterVec
	retries            *prometheus.CounterVec
	oldestUnanswered   *prometheus.GaugeVec
	assigned           prometheus.Gauge
	rebuildRecords     prometheus.Gauge
	rebuildSeconds     prometheus.Gauge
	timeToReady        prometheus.Gauge
	brokerDown         prometheus.Gauge
}

func newSRE(reg *prometheus.Registry) *SRE {
	s := &SRE{
		deadLetters: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dsmf_dead_letters_total",
			Help: "Dead letters written, by reason (the adapter's error code, or other) and form (whole, or stub when the original record did not fit); copies of one dead letter (its dlq_id) written again by a retry count once, within one process's memory of its last 4096.",
		}, []string{"reason", "form"}),
		deadLetterFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dsmf_dead_letter_write_failures_total",
			Help: "Dead letters the broker refused for good, even as a stub, by refusal (message_too_large, not_authorized, invalid_record, refused).",
		}, []string{"refusal"}),
		refusedWrites: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dsmf_produce_refused_total",
			Help: "Records the broker or client refused for good (not retried), by topic and refusal.",
		}, []string{"topic", "refusal"}),
		retries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dsmf_retries_total",
			Help: "Retries, by stage: handle (a command retried after a transient failure), produce (a send that failed transiently).",
		}, []string{"stage"}),
		oldestUnanswered: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "dsmf_oldest_unanswered_command_age_seconds",
			Help: "Age of the oldest command taken from a partition and not yet acknowledged (0 when none): a partition that stays high is blocked.",
		}, []string{"topic", "partition"}),
		assigned: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "dsmf_partitions_assigned",
			Help: "Command-topic partitions the consumer group has assigned to this instance.",
		}),
		rebuildRecords: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "dsmf_rebuild_records",
			Help: "Records folded by the start-up rebuild.",
		}),
		rebuildSeconds: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "dsmf_rebuild_seconds",
			Help: "Seconds the start-up rebuild took.",
		}),
		timeToReady: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "dsmf_time_to_ready_seconds",
			Help: "Seconds from start to the first ready (state rebuilt and partitions consumed).",
		}),
		brokerDown: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "dsmf_broker_unreachable",
			Help: "1 while Kafka cannot be reached, else 0.",
		}),
	}
	reg.MustRegister(s.deadLetters, s.deadLetterFailures, s.refusedWrites, s.retries, s.oldestUnanswered,
		s.assigned, s.rebuildRecords, s.rebuildSeconds, s.timeToReady, s.brokerDown)
	return s
}

// DeadLettered counts a dead letter written; stub says only its headers were.
func (s *SRE) DeadLettered(reason string, stub bool) {
	form := "whole"
	if stub {
		form = "stub"
	}
	s.deadLetters.WithLabelValues(reason, form).Inc()
}

// DeadLetterFailed counts a dead letter refused for good.
func (s *SRE) DeadLetterFailed(refusal string) { s.deadLetterFailures.WithLabelValues(refusal).Inc() }

// Refused counts a record refused for good.
func (s *SRE) Refused(topic, refusal string) { s.refusedWrites.WithLabelValues(topic, refusal).Inc() }

// Retried counts a retry in a stage.
func (s *SRE) Retried(stage string) { s.retries.WithLabelValues(stage).Inc() }

// OldestUnanswered sets a partition's oldest unacknowledged command's age.
func (s *SRE) OldestUnanswered(topic string, partition int32, age time.Duration) {
	s.oldestUnanswered.WithLabelValues(topic, itoa(partition)).Set(age.Seconds())
}

// ForgetPartition drops a partition this instance no longer owns.
func (s *SRE) ForgetPartition(topic string, partition int32) {
	s.oldestUnanswered.DeleteLabelValues(topic, itoa(partition))
}

// Assigned sets the partitions assigned to this instance.
func (s *SRE) Assigned(n int) { s.assigned.Set(float64(n)) }

// Rebuilt records the start-up rebuild.
func (s *SRE) Rebuilt(records int64, took time.Duration) {
	s.rebuildRecords.Set(float64(records))
	s.rebuildSeconds.Set(took.Seconds())
}

// ReadyAfter records the time from start to ready.
func (s *SRE) ReadyAfter(took time.Duration) { s.timeToReady.Set(took.Seconds()) }

// BrokerDown says whether Kafka is unreachable.
func (s *SRE) BrokerDown(down bool) {
	v := 0.0
	if down {
		v = 1
	}
	s.brokerDown.Set(v)
}

func itoa(p int32) string { return strconv.Itoa(int(p)) }
