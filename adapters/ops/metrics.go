// Package ops serves the operations endpoints (/healthz, /readyz, /metrics)
// and holds the service's Prometheus metrics.
package ops

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the service's Prometheus metrics. Labels are message types,
// outcome codes and topic names: never personal data.
type Metrics struct {
	Registry *prometheus.Registry
	handled  *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	waited   *prometheus.HistogramVec
	lag      *prometheus.GaugeVec
	rebuilt  prometheus.Counter
	// SRE are the metrics operators alert on.
	SRE *SRE
}

// NewMetrics registers the metrics in a new registry.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		handled: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "dsmf_messages_handled_total",
			Help: "Commands handled, by CloudEvents type and outcome (ok, an error code, or retry).",
		}, []string{"type", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "dsmf_handler_duration_seconds",
			Help:    "Time from taking a command to having answered it.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"type"}),
		waited: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "dsmf_handler_wait_seconds",
			Help:    "Time commands waited on the broker, by stage: write_event (the event's produce), await_event (until the log reader folded it), write_answer (reply, notice and audit record's produce).",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"stage"}),
		lag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "dsmf_consumer_lag_records",
			Help: "Records not yet handled: for command topics, end offset minus the group's committed offset; for the state topics, not yet folded.",
		}, []string{"topic"}),
		rebuilt: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "dsmf_state_records_folded_total",
			Help: "Records of the event log and reference topics folded into state.",
		}),
	}
	m.Registry.MustRegister(m.handled, m.latency, m.waited, m.lag, m.rebuilt,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.SRE = newSRE(m.Registry)
	return m
}

// Handled counts one handled message.
func (m *Metrics) Handled(messageType, outcome string, took time.Duration) {
	m.handled.WithLabelValues(messageType, outcome).Inc()
	m.latency.WithLabelValues(messageType).Observe(took.Seconds())
}

// Waited records a wait on the broker in one stage of handling a command.
func (m *Metrics) Waited(stage string, took time.Duration) {
	m.waited.WithLabelValues(stage).Observe(took.Seconds())
}

// SetLag records a topic's lag.
func (m *Metrics) SetLag(topic string, records int64) {
	m.lag.WithLabelValues(topic).Set(float64(records))
}

// Folded counts records folded into state.
func (m *Metrics) Folded(n int) { m.rebuilt.Add(float64(n)) }

// HandledTotal sums dsmf_messages_handled_total over all labels.
func (m *Metrics) HandledTotal() float64 {
	families, err := m.Registry.Gather()
	if err != nil {
		return 0
	}
	var n float64
	for _, f := range families {
		if f.GetName() == "dsmf_messages_handled_total" {
			for _, mt := range f.GetMetric() {
				n += mt.GetCounter().GetValue()
			}
		}
	}
	return n
}
