package store

// For the external tests of the decoders.
var (
	DecodeEventFast = decodeEventFast
	EnvelopeOf      = envelopeOf
)
