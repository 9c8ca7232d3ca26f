package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"time"

	"github.com/dsmf/ssc-adapter/contracts"
)

const noticeAbout = `
Downloads the latest notice (bildiriş) of an application: sends notice.get in the
session, decodes the PDF from the reply, checks its SHA-256 and writes it.
Exit 1 on an error reply (e.g. NOTICE_NOT_AVAILABLE for a draft) or a timeout.

  dsmfctl notice -session $SESSION -voen 9802091761 -application $APP -out bildiris.pdf
`

func runNotice(ctx context.Context, e *env, g globals, args []string) error {
	fs, brokers := flagSet(e, g, "notice", "-session S -voen V -application ID [-out FILE]", noticeAbout)
	session := sessionFlags(fs, e)
	app := fs.String("application", "", "the application's id")
	out := fs.String("out", "bildiris.pdf", "file to write the PDF to; - writes it to stdout")
	timeout := fs.Duration("timeout", 10*time.Second, "how long to wait for the reply")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("notice: unexpected argument %q", fs.Arg(0))
	}
	sc, err := session()
	if err != nil {
		return err
	}
	if *app == "" {
		return usagef("notice: -application is required")
	}
	list, err := splitBrokers(*brokers)
	if err != nil {
		return err
	}
	c, err := dial(list, g.security, e.now)
	if err != nil {
		return err
	}
	defer c.Close()
	res, err := fetchNotice(ctx, c, sc, *app, *timeout)
	if err != nil {
		return err
	}
	if err := writeOutput(e, *out, res.PDF); err != nil {
		return err
	}
	if *out != "-" {
		fmt.Fprintf(e.stdout, "%s: notice version %d of application %s (%s), %d bytes\n",
			*out, res.NoticeVersion, res.ApplicationID, res.Status, len(res.PDF))
	}
	return nil
}

// fetchNotice asks for an application's notice and checks what comes back.
func fetchNotice(ctx context.Context, c *conn, sc contracts.SessionCommand, app string, timeout time.Duration) (contracts.NoticeGetResult, error) {
	var res contracts.NoticeGetResult
	if _, err := c.call(ctx, contracts.TypeNoticeGet, sc.InsurerVOEN,
		contracts.NoticeGet{SessionCommand: sc, ApplicationID: app}, timeout, &res); err != nil {
		return res, err
	}
	sum := sha256.Sum256(res.PDF)
	if hex.EncodeToString(sum[:]) != res.SHA256 {
		return res, fmt.Errorf("the notice's SHA-256 does not match the reply's: the PDF is damaged")
	}
	return res, nil
}

// writeOutput writes data to a file, or to stdout for "-".
func writeOutput(e *env, name string, data []byte) error {
	if name == "-" {
		_, err := e.stdout.Write(data)
		return err
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		return fmt.Errorf("write the notice: %w", err)
	}
	return nil
}
