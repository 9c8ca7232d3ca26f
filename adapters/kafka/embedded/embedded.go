// Package embedded runs an in-process Kafka-protocol broker (kfake) on
// loopback: the development broker of the adapter, dsmf-broker and the
// tests. It is apart from package kafka so that a client (dsmfctl) does not
// link a broker.
package embedded

import (
	"fmt"
	"net"
	"strconv"

	"github.com/twmb/franz-go/pkg/kfake"
)

// Options configures the in-process broker used when no brokers are
// configured: a Kafka-protocol cluster (kfake) on loopback.
type Options struct {
	// Addr is host:port to listen on; port 0 picks a free one.
	Addr string
	// DataDir keeps records and group offsets across restarts; empty keeps
	// everything in memory.
	DataDir string
	// Extra options, e.g. SASL users and ACLs in tests.
	Extra []kfake.Opt
}

// Broker is a running in-process broker.
type Broker struct {
	Cluster *kfake.Cluster
}

// Start starts the in-process broker.
func Start(o Options) (*Broker, error) {
	host, portText, err := net.SplitHostPort(o.Addr)
	if err != nil {
		return nil, fmt.Errorf("embedded broker address %q: %w", o.Addr, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return nil, fmt.Errorf("embedded broker port %q: %w", portText, err)
	}
	opts := []kfake.Opt{
		kfake.Ports(port),
		kfake.ClusterID("dsmf-ssc-embedded"),
		kfake.ListenFn(func(network, _ string) (net.Listener, error) {
			return net.Listen(network, net.JoinHostPort(host, strconv.Itoa(port)))
		}),
	}
	if o.DataDir != "" {
		opts = append(opts, kfake.DataDir(o.DataDir))
	}
	opts = append(opts, o.Extra...)
	c, err := kfake.NewCluster(opts...)
	if err != nil {
		return nil, fmt.Errorf("start embedded broker on %s: %w (is another broker already listening there?)", o.Addr, err)
	}
	return &Broker{Cluster: c}, nil
}

// Addrs are the broker addresses clients connect to.
func (e *Broker) Addrs() []string { return e.Cluster.ListenAddrs() }

// Close stops the broker, flushing its data directory.
func (e *Broker) Close() { e.Cluster.Close() }
