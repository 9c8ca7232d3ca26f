package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/testkit"
)

// startTail runs tail in the background and returns once it reads.
func startTail(t *testing.T, o tailOptions) (*syncBuffer, <-chan error) {
	t.Helper()
	e, out, _ := testEnv("")
	ready := make(chan struct{})
	o.ready = func() { close(ready) }
	done := make(chan error, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	go func() { done <- tail(ctx, e, o) }()
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("tail stopped: %v", err)
	}
	return out, done
}

func jsonLines(t *testing.T, text string) []recordOut {
	t.Helper()
	var out []recordOut
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		var r recordOut
		require.NoError(t, json.Unmarshal([]byte(line), &r), line)
		out = append(out, r)
	}
	return out
}

func TestTailFollowsFilteredEvents(t *testing.T) {
	t.Parallel()
	h := testkit.Start(t, testkit.Options{})
	out, done := startTail(t, tailOptions{brokers: h.Brokers, topic: contracts.TopicEvents,
		typ: "ssc.application", insurer: testkit.Insurer.VOEN, limit: 2})

	// Another insurer's events and session events are filtered out.
	h.Login(testkit.DirectorLogin(testkit.OtherInsurer.VOEN))
	owner := h.Login(testkit.DirectorLogin(testkit.Insurer.VOEN))
	var saved contracts.DraftSaveResult
	h.MustOK(h.Request(testkit.DraftSave(owner)), contracts.TypeDraftSaveResult, &saved)
	h.MustOK(h.Request(testkit.SubmitDraft(owner, saved.Application.ApplicationID)), contracts.TypeSubmitResult, nil)

	require.NoError(t, <-done, "tail stops after -n records")
	recs := jsonLines(t, out.String())
	require.Len(t, recs, 2)
	assert.Equal(t, contracts.TypeDraftSaved, recs[0].Type)
	assert.Equal(t, contracts.TypeApplicationSubmitted, recs[1].Type)
	for _, r := range recs {
		assert.Equal(t, testkit.Insurer.VOEN, r.Key)
		assert.Equal(t, contracts.TopicEvents, r.Topic)
		assert.Contains(t, string(r.Data), saved.Application.ApplicationID)
	}
}

func TestTailNoticesAndDeadLetters(t *testing.T) {
	t.Parallel()
	h := testkit.Start(t, testkit.Options{})
	owner := h.Login(testkit.DirectorLogin(testkit.Insurer.VOEN))
	var sub contracts.SubmitResult
	h.MustOK(h.Request(testkit.SubmitNew(owner)), contracts.TypeSubmitResult, &sub)
	notice := h.WaitNotice(sub.Application.ApplicationID, 1)
	require.NoError(t, h.Client.ProduceRaw(contracts.TopicPortalCommands, testkit.Insurer.VOEN, []contracts.Header{
		{Key: "ce_specversion", Value: []byte("1.0")}, {Key: "ce_id", Value: []byte("tail-bad-1")},
		{Key: "ce_source", Value: []byte("urn:test")}, {Key: "ce_type", Value: []byte(contracts.TypeLogin)},
		{Key: "content-type", Value: []byte("application/json")}}, []byte("not json")))
	h.WaitReply("tail-bad-1")

	// From the oldest offset, as JSON: a notice shows its size, not its bytes.
	out, done := startTail(t, tailOptions{brokers: h.Brokers, topic: contracts.TopicNotices, oldest: true, limit: 1})
	require.NoError(t, <-done)
	recs := jsonLines(t, out.String())
	require.Len(t, recs, 1)
	n := recs[0]
	assert.Equal(t, notice.Envelope.ID, n.ID)
	assert.Equal(t, sub.Application.ApplicationID, n.Extensions["applicationid"])
	assert.Equal(t, "1", n.Extensions["noticeversion"])
	require.NotNil(t, n.PDFBytes)
	assert.Equal(t, len(notice.Raw), *n.PDFBytes)
	assert.Nil(t, n.Data)

	out, done = startTail(t, tailOptions{brokers: h.Brokers, topic: contracts.TopicDeadLetter, oldest: true, limit: 1})
	require.NoError(t, <-done)
	recs = jsonLines(t, out.String())
	require.Len(t, recs, 1)
	dl := recs[0]
	assert.Equal(t, "MALFORMED_MESSAGE", dl.DLQ["dlq_code"])
	assert.Equal(t, contracts.TopicPortalCommands, dl.DLQ["dlq_source_topic"])
	assert.Contains(t, dl.DLQ, "dlq_reason")
	assert.Contains(t, dl.DLQ, "dlq_source_offset")
	assert.Equal(t, 8, *dl.ValueBytes)

	// For a person: one line per record, with the dlq_* headers.
	line := recordLine(record{Topic: contracts.TopicDeadLetter, Key: testkit.Insurer.VOEN, Value: []byte("not json"),
		Headers: []contracts.Header{{Key: "dlq_code", Value: []byte("MALFORMED_MESSAGE")}, {Key: "dlq_reason", Value: []byte("data is not JSON")}}}, false)
	assert.Contains(t, line, "dead letter  9802091761  dlq_code=MALFORMED_MESSAGE dlq_reason=data is not JSON (value 8 bytes)")
}

func TestNoticeCommand(t *testing.T) {
	t.Parallel()
	h := testkit.Start(t, testkit.Options{})
	owner := h.Login(testkit.DirectorLogin(testkit.Insurer.VOEN))
	var sub contracts.SubmitResult
	h.MustOK(h.Request(testkit.SubmitNew(owner)), contracts.TypeSubmitResult, &sub)
	brokers := strings.Join(h.Brokers, ",")
	out := t.TempDir() + "/bildiris.pdf"
	code, stdout, stderr := runCLI(t, "-brokers", brokers, "notice", "-session", owner.ID, "-voen", owner.VOEN,
		"-application", sub.Application.ApplicationID, "-out", out)
	require.Equal(t, 0, code, stderr)
	assert.Contains(t, stdout, "notice version 1 of application "+sub.Application.ApplicationID+" (submitted)")
	assertPDF(t, out)

	// A draft has no notice: the error reply exits 1.
	var saved contracts.DraftSaveResult
	h.MustOK(h.Request(testkit.DraftSave(owner, func(d *contracts.DraftSave) {
		e := testkit.SecondEmployee()
		d.FIN, d.SSN = e.Document.FIN, e.Insured.SSN
	})), contracts.TypeDraftSaveResult, &saved)
	code, _, stderr = runCLI(t, "-brokers", brokers, "notice", "-session", owner.ID, "-voen", owner.VOEN,
		"-application", saved.Application.ApplicationID, "-out", out+".2")
	assert.Equal(t, 1, code)
	assert.Contains(t, stderr, "NOTICE_NOT_AVAILABLE")
}
