package handlers

import (
	"context"
	"fmt"
	"strconv"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/contracts/wire"
	"github.com/dsmf/ssc-adapter/domain"
)

// Extensions on a notice record.
const (
	ExtensionApplicationID = "applicationid"
	ExtensionNoticeVersion = "noticeversion"
)

// renderNotice makes the application's latest notice. It depends only on
// the application and the insurer, so a repeat renders the same bytes.
func (h *Handler) renderNotice(v View, a domain.Application) ([]byte, int, error) {
	version := a.NoticeVersion()
	if version == 0 {
		return nil, 0, domain.ErrNoticeNotAvailable
	}
	ins, _ := v.Insurer(a.InsurerVOEN)
	pdf, err := h.notices.Render(contracts.Notice{Insurer: wire.ProfileToWire(ins), App: wire.ApplicationToWire(a),
		Version: version, IssuedAt: a.UpdatedAt})
	if err != nil {
		return nil, 0, fmt.Errorf("render notice: %w", err)
	}
	return pdf, version, nil
}

// publishNotice puts the application's latest notice on the notices topic.
// Its id is fixed by application and version, so a repeat is recognisable.
func (h *Handler) publishNotice(ctx context.Context, v View, a domain.Application) error {
	pdf, version, err := h.renderNotice(v, a)
	if err != nil {
		return err
	}
	env := contracts.Envelope{
		ID: derivedID("notice", a.ID+"/"+strconv.Itoa(version)), Source: contracts.SourceAdapter,
		Type: contracts.TypeNotice, Subject: a.Number, Time: a.UpdatedAt, Key: a.InsurerVOEN,
		DataContentType: contracts.PDFContentType, Data: pdf,
		Extensions: map[string]string{ExtensionApplicationID: a.ID, ExtensionNoticeVersion: strconv.Itoa(version)},
	}
	if err := h.out.Publish(ctx, FromEnvelope(contracts.TopicNotices, env)); err != nil {
		return fmt.Errorf("%w: notice: %v", ErrTransient, err)
	}
	return nil
}
