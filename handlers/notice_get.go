package handlers

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/dsmf/ssc-adapter/contracts"
	"github.com/dsmf/ssc-adapter/domain"
)

// noticeGet answers with an application's latest notice PDF.
var noticeGet = Query[contracts.NoticeGet, contracts.NoticeGetResult]{Action: domain.ActViewRegistry, Read: readNoticeGet}

func readNoticeGet(h *Handler, v View, c Cmd[contracts.NoticeGet]) (contracts.NoticeGetResult, error) {
	a, err := ownApplication(v, c.insurerVOEN, c.Payload.ApplicationID)
	if err != nil {
		return contracts.NoticeGetResult{}, err
	}
	pdf, version, err := h.renderNotice(v, a)
	if err != nil {
		return contracts.NoticeGetResult{}, err
	}
	sum := sha256.Sum256(pdf)
	return contracts.NoticeGetResult{CommandID: c.id, ApplicationID: a.ID,
		NoticeVersion: version, Status: string(a.Status), ContentType: contracts.PDFContentType,
		PDF: pdf, SHA256: hex.EncodeToString(sum[:])}, nil
}
