package contracts

import "time"

// Notice is what one notice PDF (bildiriş) shows; the adapter renders it and
// publishes the PDF on TopicNotices.
type Notice struct {
	Insurer InsurerProfile
	// App includes Person, Type, Reason, Status, History, Number, dates
	// and SignedBy (whose FIN is never printed).
	App Application
	// Version is the notice version: 1 on submission, +1 after each decision.
	Version  int
	IssuedAt time.Time
}
