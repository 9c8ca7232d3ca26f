package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"

	"github.com/IBM/sarama"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
	"github.com/dsmf/ssc-adapter/adapters/kafka/embedded"
	"github.com/dsmf/ssc-adapter/contracts"
)

func init() { scenarios["kfake"] = runKfake }

// runKfake runs only the embedded broker (kfake, in memory) until
// interrupted; the first line it prints is its address.
func runKfake(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("kfake", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on; port 0 picks a free one")
	if err := fs.Parse(args); err != nil {
		return err
	}
	b, err := embedded.Start(embedded.Options{Addr: *addr})
	if err != nil {
		return err
	}
	defer b.Close()
	fmt.Println(b.Addrs()[0])
	<-ctx.Done()
	return nil
}

// broker is the cluster a scenario runs against.
type broker struct {
	Addrs []string
	child *exec.Cmd
}

// startBroker uses the given brokers, or starts kfake in a child process
// (this same program, subcommand kfake) when there are none.
func startBroker(ctx context.Context, brokers string) (*broker, error) {
	if brokers != "" {
		return &broker{Addrs: strings.Split(brokers, ",")}, nil
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self, "kfake", "-addr", "127.0.0.1:0")
	cmd.Stderr = os.Stderr
	cmd.Env = append(os.Environ(), asMainEnv+"=1")
	// The broker dies with us, however we end.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start kfake: %w", err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("kfake did not say its address: %w", err)
	}
	return &broker{Addrs: []string{strings.TrimSpace(line)}, child: cmd}, nil
}

// Close stops the child broker, if we started one.
func (b *broker) Close() {
	if b.child == nil {
		return
	}
	_ = b.child.Process.Signal(os.Interrupt)
	_ = b.child.Wait()
}

// Pid is the child broker's process id, or 0.
func (b *broker) Pid() int {
	if b.child == nil {
		return 0
	}
	return b.child.Process.Pid
}

// saramaConfig is the adapter's client configuration.
func saramaConfig() *sarama.Config {
	return kafka.Config{ClientID: "dsmf-bench"}.SaramaConfig()
}

// ensureTopics creates the contract's topics where they are missing.
func ensureTopics(addrs []string, partitions int32) error {
	admin, err := sarama.NewClusterAdmin(addrs, saramaConfig())
	if err != nil {
		return fmt.Errorf("kafka admin: %w", err)
	}
	defer admin.Close()
	return kafka.EnsureTopics(admin, contracts.Topics(partitions))
}
