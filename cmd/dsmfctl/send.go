package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/dsmf/ssc-adapter/contracts"
)

const sendAbout = `
Sends one command and prints its answer: the reply on dsmf.ssc.replies.v1 whose
ce_correlationid is the command's id, or for a back-office decision the event it
leaves on dsmf.ssc.events.v1. The answer is printed pretty and coloured on a
terminal, as one line of structured CloudEvents JSON when piped.
Exit 1 on an error reply, a refused decision or a timeout.

Either a command from a JSON file (the payload; the key is its insurerVoen):
  dsmfctl send -type az.gov.dsmf.ssc.session.login.v1 -file login.json
or a common command from flags (dsmfctl send <shortcut> -help lists its flags):
  dsmfctl send login-director -voen 9802091761
  dsmfctl send profile -session $SESSION -voen 9802091761
`

// sendOptions are the flags every form of send has.
type sendOptions struct {
	brokers string
	timeout time.Duration
	check   bool
}

func (o *sendOptions) register(fs *flag.FlagSet) {
	fs.DurationVar(&o.timeout, "timeout", o.timeout, "how long to wait for the answer")
	fs.BoolVar(&o.check, "check", o.check, "check the payload against its JSON Schema before sending (-check=false sends anything, e.g. to see a dead letter)")
}

func runSend(ctx context.Context, e *env, g globals, args []string) error {
	fs, brokers := flagSet(e, g, "send", "[flags] (-type TYPE -file FILE | <shortcut> [shortcut flags])", sendAbout+"\nshortcuts:\n"+shortcutList())
	opts := sendOptions{timeout: 10 * time.Second, check: true}
	opts.register(fs)
	typ := fs.String("type", "", "CloudEvents type of the command in -file")
	file := fs.String("file", "", "JSON file with the command's payload; - reads stdin")
	key := fs.String("key", "", "record key (default: the payload's insurerVoen)")
	id := fs.String("id", "", "command id, ce_id (default: a new UUID)")
	if err := parse(fs, args); err != nil {
		return err
	}
	opts.brokers = *brokers
	var cmd command
	switch {
	case *typ != "" || *file != "":
		if *typ == "" || *file == "" {
			return usagef("send: -type and -file go together")
		}
		if fs.NArg() > 0 {
			return usagef("send: unexpected argument %q after -file", fs.Arg(0))
		}
		data, err := readInput(e, *file)
		if err != nil {
			return err
		}
		cmd, err = fileCommand(*typ, data, *key)
		if err != nil {
			return err
		}
	case fs.NArg() > 0:
		sc, ok := findShortcut(fs.Arg(0))
		if !ok {
			return usagef("send: unknown shortcut %q; shortcuts: %s", fs.Arg(0), strings.Join(shortcutNames(), ", "))
		}
		var err error
		cmd, err = sc.parse(e, &opts, fs.Args()[1:])
		if err != nil {
			return err
		}
		if *key != "" {
			cmd.Key = *key
		}
	default:
		fs.Usage()
		return errUsagePrinted
	}
	if *id != "" {
		cmd.ID = *id
	}
	if opts.check {
		if err := contracts.ValidatePayload(cmd.Type, cmd.Data); err != nil {
			return fmt.Errorf("not sent: %w (-check=false sends it anyway)", err)
		}
	}
	list, err := splitBrokers(opts.brokers)
	if err != nil {
		return err
	}
	c, err := dial(list, g.security, e.now)
	if err != nil {
		return err
	}
	defer c.Close()
	r, err := c.request(ctx, cmd, opts.timeout)
	if err != nil {
		return err
	}
	if err := printAnswer(e, r); err != nil {
		return err
	}
	if refusalOf(r) != nil {
		return errReported
	}
	return nil
}

// readInput reads a file, or stdin for "-".
func readInput(e *env, name string) ([]byte, error) {
	if name == "-" {
		data, err := io.ReadAll(io.LimitReader(e.stdin, contracts.MaxMessageBytes+1))
		if err != nil {
			return nil, fmt.Errorf("read stdin: %w", err)
		}
		return data, nil
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return data, nil
}

// fileCommand makes a command of a payload read from a file.
func fileCommand(typ string, data []byte, key string) (command, error) {
	data = compactJSON(data)
	if key == "" {
		var p struct {
			InsurerVOEN string `json:"insurerVoen"`
		}
		if err := json.Unmarshal(data, &p); err != nil || p.InsurerVOEN == "" {
			return command{}, usagef("send: the payload has no insurerVoen to key the record by; give -key")
		}
		key = p.InsurerVOEN
	}
	return command{ID: uuid.NewString(), Type: typ, Topic: topicOf(typ), Key: key, Data: data}, nil
}

// printAnswer prints an answer: pretty on a terminal, else one JSON line.
func printAnswer(e *env, r record) error {
	if !e.stdoutTTY {
		out, err := r.Envelope.StructuredJSON()
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(e.stdout, "%s\n", out)
		return err
	}
	p := painter(e.colour())
	if ref := refusalOf(r); ref != nil {
		fmt.Fprintf(e.stdout, "%s %s %s\n", p.paint(ansiRed+ansiBold, "✗"), r.Envelope.Type, p.paint(ansiRed+ansiBold, ref.Code))
		if ref.Message.AZ != "" {
			fmt.Fprintf(e.stdout, "  %s\n  %s\n", ref.Message.AZ, ref.Message.EN)
		}
	} else {
		fmt.Fprintf(e.stdout, "%s %s\n", p.paint(ansiGreen+ansiBold, "✓"), r.Envelope.Type)
	}
	fmt.Fprintf(e.stdout, "%s\n", p.paint(ansiGrey, fmt.Sprintf("id %s · %s · %s/%d@%d", r.Envelope.ID,
		r.Envelope.Time.UTC().Format(time.RFC3339), r.Topic, r.Partition, r.Offset)))
	fmt.Fprintln(e.stdout, prettyJSON(r.Envelope.Data, e.colour()))
	return nil
}

// shortcut builds a common command from flags.
type shortcut struct {
	name    string
	summary string
	typ     string
	// flags registers the shortcut's flags and returns what builds the
	// payload once they are parsed.
	flags func(fs *flag.FlagSet, e *env) func() (voen string, payload any, err error)
}

func findShortcut(name string) (shortcut, bool) {
	for _, s := range shortcuts() {
		if s.name == name {
			return s, true
		}
	}
	return shortcut{}, false
}

func shortcutNames() []string {
	var out []string
	for _, s := range shortcuts() {
		out = append(out, s.name)
	}
	return out
}

func shortcutList() string {
	var b strings.Builder
	for _, s := range shortcuts() {
		fmt.Fprintf(&b, "  %-15s %s\n", s.name, s.summary)
	}
	return strings.TrimRight(b.String(), "\n")
}

func (s shortcut) parse(e *env, opts *sendOptions, args []string) (command, error) {
	fs := flag.NewFlagSet("dsmfctl send "+s.name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.StringVar(&opts.brokers, "brokers", opts.brokers, "Kafka brokers, comma-separated (env DSMF_BROKERS)")
	opts.register(fs)
	build := s.flags(fs, e)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: dsmfctl send %s [flags]\n\n%s (%s)\n\nflags:\n", s.name, s.summary, s.typ)
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return command{}, err
	}
	if fs.NArg() > 0 {
		return command{}, usagef("send %s: unexpected argument %q", s.name, fs.Arg(0))
	}
	voen, payload, err := build()
	if err != nil {
		return command{}, err
	}
	return newCommand(s.typ, voen, payload)
}

// sessionFlags are -session and -voen, which every command after login has.
func sessionFlags(fs *flag.FlagSet, e *env) func() (contracts.SessionCommand, error) {
	session := fs.String("session", e.getenv("DSMF_SESSION"), "session id from the login's reply (env DSMF_SESSION)")
	voen := fs.String("voen", envOr(e, "DSMF_VOEN", demoVOEN), "the insurer's VÖEN (env DSMF_VOEN)")
	return func() (contracts.SessionCommand, error) {
		if *session == "" {
			return contracts.SessionCommand{}, usagef("-session is required (log in first: dsmfctl send login-director)")
		}
		return contracts.SessionCommand{SessionID: *session, InsurerVOEN: *voen}, nil
	}
}

// choice checks a flag against its allowed values.
func choice(flagName, value string, allowed ...string) error {
	for _, a := range allowed {
		if value == a {
			return nil
		}
	}
	sort.Strings(allowed)
	return usagef("-%s must be one of %s", flagName, strings.Join(allowed, ", "))
}
