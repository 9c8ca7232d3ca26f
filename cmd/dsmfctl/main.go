// Command dsmfctl is the command line of the DSMF certificate service for
// people at a terminal. It talks to any deployment over Kafka, the way the
// portal, the back office and DSMF's registers do:
//
//	dsmfctl seed    publish reference records from CSV or JSON Lines files
//	dsmfctl send    send a command and print its reply
//	dsmfctl tail    follow a topic
//	dsmfctl demo    play the manual's walk-through end to end
//	dsmfctl notice  download an application's notice (bildiriş) as a PDF
//	dsmfctl sign    sign a login assertion as the portal does
//
// Exit codes: 0 ok, 1 the operation failed (an error reply, a timeout, a
// bad row in seed), 2 a usage error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"golang.org/x/term"

	"github.com/dsmf/ssc-adapter/adapters/kafka"
)

// defaultBrokers is where `go run ./cmd/dsmf-adapter` listens.
const defaultBrokers = "127.0.0.1:9092"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], stdEnv())
	stop()
	os.Exit(code)
}

// env is the outside world of a run, so tests can give their own.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// stdoutTTY and stderrTTY say whether a person is watching: then
	// output is pretty and coloured and seed shows its progress.
	stdoutTTY, stderrTTY bool
	now                  func() time.Time
}

func stdEnv() *env {
	return &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv,
		stdoutTTY: isTerminal(os.Stdout), stderrTTY: isTerminal(os.Stderr), now: time.Now}
}

// colour says whether stdout gets ANSI colours: on a terminal, unless
// NO_COLOR is set (https://no-color.org).
func (e *env) colour() bool { return e.stdoutTTY && e.getenv("NO_COLOR") == "" }

// isTerminal reports whether f is a terminal: not a pipe, a file, nor a
// character device that is no terminal such as /dev/null.
func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// subcommand is one verb of dsmfctl.
type subcommand struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, g globals, args []string) error
}

func subcommands() []subcommand {
	return []subcommand{
		{"seed", "publish reference records (insurers, insured persons, identity documents) from a CSV or JSON Lines file", runSeed},
		{"send", "send a portal or back-office command and print its reply", runSend},
		{"tail", "follow a topic: events, replies, notices or dead letters", runTail},
		{"demo", "play the manual's walk-through, from the director's login to the notice PDF", runDemo},
		{"notice", "download an application's notice (bildiriş) as a PDF", runNotice},
		{"sign", "sign a login assertion with the portal's key", runSign},
		{"deadletter", "list, show and re-drive dead letters (list|show|replay)", runDeadLetter},
	}
}

// globals are the flags before the subcommand.
type globals struct {
	brokers string
	// security is SASL and TLS to the brokers; zero is PLAINTEXT.
	security kafka.Security
}

// usageError is a mistake in the command line: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// run runs dsmfctl with args and returns its exit code.
func run(ctx context.Context, args []string, e *env) int {
	fs := flag.NewFlagSet("dsmfctl", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	brokers := fs.String("brokers", envOr(e, "DSMF_BROKERS", defaultBrokers), "Kafka brokers, comma-separated (env DSMF_BROKERS)")
	security := kafka.SecurityFlags(fs, e.getenv)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "usage: dsmfctl [-brokers host:port,...] [-kafka-... flags] <command> [flags] [args]\n\n")
		fmt.Fprintf(w, "The command line of the DSMF certificate (SSŞ) service; it talks to a deployment over Kafka.\n\ncommands:\n")
		for _, c := range subcommands() {
			fmt.Fprintf(w, "  %-7s %s\n", c.name, c.summary)
		}
		fmt.Fprintf(w, "\nflags:\n")
		fs.PrintDefaults()
		fmt.Fprintf(w, "\n`dsmfctl <command> -help` describes a command.\n")
		fmt.Fprintf(w, "Exit codes: 0 ok, 1 the operation failed (an error reply, a timeout, a bad row), 2 a usage error.\n")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	sec, err := security()
	if err != nil {
		fmt.Fprintf(e.stderr, "dsmfctl: %v\n", err)
		return 2
	}
	name := fs.Arg(0)
	for _, c := range subcommands() {
		if c.name == name {
			return exitCode(e, c.run(ctx, e, globals{brokers: *brokers, security: sec}, fs.Args()[1:]))
		}
	}
	if name == "help" {
		fs.SetOutput(e.stdout)
		fs.Usage()
		return 0
	}
	fmt.Fprintf(e.stderr, "dsmfctl: unknown command %q\n", name)
	fs.Usage()
	return 2
}

// exitCode prints err and maps it to the exit code.
func exitCode(e *env, err error) int {
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsagePrinted):
		return 2
	case errors.As(err, &ue):
		fmt.Fprintf(e.stderr, "dsmfctl: %s\n", ue.msg)
		return 2
	case errors.Is(err, errReported):
		return 1
	default:
		fmt.Fprintf(e.stderr, "dsmfctl: %v\n", err)
		return 1
	}
}

var (
	// errUsagePrinted: the flag package has already said what is wrong.
	errUsagePrinted = errors.New("usage error")
	// errReported: the failure was already printed; exit 1.
	errReported = errors.New("failed")
)

func envOr(e *env, name, fallback string) string {
	if v := e.getenv(name); v != "" {
		return v
	}
	return fallback
}

// flagSet makes a subcommand's flags: -brokers, with the global value as its
// default, plus the subcommand's own. synopsis follows "usage: dsmfctl".
func flagSet(e *env, g globals, name, synopsis, about string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("dsmfctl "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	brokers := fs.String("brokers", g.brokers, "Kafka brokers, comma-separated (env DSMF_BROKERS)")
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "usage: dsmfctl %s %s\n\n%s\n\nflags:\n", name, synopsis, strings.TrimSpace(about))
		fs.PrintDefaults()
	}
	return fs, brokers
}

// parse parses a subcommand's flags; a mistake has been printed by the flag
// package already.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return flag.ErrHelp
		}
		return errUsagePrinted
	}
	return nil
}

// splitBrokers reads a comma-separated broker list.
func splitBrokers(s string) ([]string, error) {
	var out []string
	for _, b := range strings.Split(s, ",") {
		if b = strings.TrimSpace(b); b != "" {
			out = append(out, b)
		}
	}
	if len(out) == 0 {
		return nil, usagef("no brokers given (-brokers or DSMF_BROKERS)")
	}
	return out, nil
}
