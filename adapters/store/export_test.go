package store

// For the external tests of the decoders.
var (
	DecodeEventFast = decodeEventFast
	EnvelopeOf      = envelopeOf
)

// For the side-by-side benchmarks of the registers and the decoders.
var (
	DecodeInsurer  = decodeInsurer
	DecodeInsured  = decodeInsured
	DecodeDocument = decodeDocument
)
