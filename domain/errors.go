// Package domain holds the business rules of the certificate service: who
// may act for an insurer, what an application is and how it moves. It knows
// nothing of Kafka, storage or PDF.
package domain

import (
	"errors"
	"fmt"
	"sort"
)

// Error is a refusal with a stable machine-readable code and a message in
// Azerbaijani and English. Handlers turn it into an error reply.
type Error struct {
	Code string
	AZ   string
	EN   string
	// Detail names a field or id; never personal data.
	Detail string
}

func (e *Error) Error() string {
	if e.Detail != "" {
		return e.Code + ": " + e.EN + " (" + e.Detail + ")"
	}
	return e.Code + ": " + e.EN
}

// Is matches errors by code, so a detailed error matches its sentinel.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t != nil && t.Code == e.Code
}

// With returns a copy of the error carrying a detail.
func (e *Error) With(format string, args ...any) *Error {
	c := *e
	c.Detail = fmt.Sprintf(format, args...)
	return &c
}

var catalogue = map[string]*Error{}

func newError(code, az, en string) *Error {
	e := &Error{Code: code, AZ: az, EN: en}
	if _, dup := catalogue[code]; dup {
		panic("domain: duplicate error code " + code)
	}
	catalogue[code] = e
	return e
}

// Codes lists every error code, sorted; the contract documents each.
func Codes() []*Error {
	out := make([]*Error, 0, len(catalogue))
	for _, e := range catalogue {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// ByCode returns the error with a code, or false for a code this version
// does not know (one recorded by a newer version, say).
func ByCode(code string) (*Error, bool) {
	e, ok := catalogue[code]
	return e, ok
}

// AsError returns the domain error inside err, if any.
func AsError(err error) (*Error, bool) {
	var de *Error
	if errors.As(err, &de) {
		return de, true
	}
	return nil, false
}

// Message-level errors: the record itself is unusable.
var (
	ErrMalformed        = newError("MALFORMED_MESSAGE", "Mesaj oxunmur: JSON deyil və ya CloudEvents zərfi səhvdir", "The message cannot be read: not JSON or not a valid CloudEvents envelope")
	ErrUnknownType      = newError("UNKNOWN_MESSAGE_TYPE", "Bu mesaj növü tanınmır", "This message type is not known on this topic")
	ErrSchema           = newError("SCHEMA_VIOLATION", "Mesaj sxemə uyğun deyil", "The message does not match its schema")
	ErrContentType      = newError("UNSUPPORTED_CONTENT_TYPE", "Mesajın məzmun növü qəbul edilmir: content-type application/json (binar rejim) və ya application/cloudevents+json (strukturlu rejim) olmalıdır", "The message's content type is not accepted: content-type must be application/json (binary mode) or application/cloudevents+json (structured mode)")
	ErrDeadLetterFailed = newError("DEAD_LETTER_FAILED", "Mesaj rədd edildi, lakin səhv mesajlar mövzusuna yazıla bilmədi", "The message was refused, and the dead-letter topic refused it too")
	ErrInvalidUTF8      = newError("INVALID_UTF8", "Mesajdakı mətn düzgün UTF-8 deyil; mətn dəyişdirilmədən rədd edildi", "Text in the message is not valid UTF-8; it is refused, not repaired")
	ErrKeyMismatch      = newError("KEY_MISMATCH", "Mesajın açarı sığortaedənin VÖEN-i ilə eyni deyil", "The message key is not the insurer's VÖEN named in the message")
	ErrInternal         = newError("INTERNAL_ERROR", "Daxili xəta baş verdi, sonra yenidən cəhd edin", "An internal error occurred; try again later")
	ErrInvalidFIN       = newError("INVALID_FIN", "FİN 7 simvoldan ibarət olmalıdır: rəqəmlər və I, O-dan başqa latın böyük hərfləri", "A FIN is 7 characters: digits and Latin capital letters other than I and O")
	ErrInvalidSSN       = newError("INVALID_SSN", "SSN 13 rəqəmdən ibarət olmalıdır", "An SSN is 13 digits")
	ErrInvalidVOEN      = newError("INVALID_VOEN", "VÖEN 10 rəqəmdən ibarət olmalıdır", "A VÖEN is 10 digits")
	ErrInvalidPhone     = newError("INVALID_PHONE", "Mobil nömrə +994 və operator kodu ilə yazılmalıdır (məs. +994501234567)", "A mobile number is +994, an operator prefix from the list and 7 digits (e.g. +994501234567)")
	ErrInvalidCard      = newError("INVALID_CARD_NUMBER", "E-imza kartının nömrəsi səhvdir", "The e-signature card number is not valid")
	ErrInvalidDate      = newError("INVALID_DATE", "Tarix İİİİ-AA-GG formatında olmalıdır", "A date is written YYYY-MM-DD")
	ErrInvalidPage      = newError("INVALID_PAGE", "Səhifə nömrəsi və ölçüsü müsbət olmalıdır (ölçü ən çoxu 100)", "Page number and size must be positive (size at most 100)")
	ErrInvalidOption    = newError("INVALID_OPTION", "Seçilmiş dəyər siyahıda yoxdur", "The chosen value is not one of the allowed options")
)

// Login and session errors.
var (
	ErrLoginMethod        = newError("LOGIN_METHOD_NOT_ACCEPTED", "Bu xidmətə yalnız e-imza kartı və ya Asan imza ilə daxil olmaq olar", "This service accepts only an e-signature card or Asan imza, not a username and password")
	ErrCertExpired        = newError("CERTIFICATE_EXPIRED", "Elektron imzanın sertifikatının müddəti bitib", "The signature's certificate has expired")
	ErrCertNotYetValid    = newError("CERTIFICATE_NOT_YET_VALID", "Elektron imzanın sertifikatı hələ qüvvədə deyil", "The signature's certificate is not valid yet")
	ErrInsurerUnknown     = newError("INSURER_UNKNOWN", "Bu VÖEN ilə sığortaedən DSMF-də qeydiyyatda deyil", "No insurer with this VÖEN is registered with DSMF")
	ErrNoAuthority        = newError("NO_AUTHORITY", "Bu imzanın möhür vurmaq səlahiyyəti və ya bu xidmət üçün verilmiş səlahiyyəti yoxdur", "This signature has neither stamp authority nor a grant for this service")
	ErrFirstLoginNoStamp  = newError("FIRST_LOGIN_REQUIRES_STAMP", "Xidmətə ilk dəfə möhür vurmaq səlahiyyəti olan imza ilə daxil olmaq lazımdır", "The insurer's first login must be made with a signature that has stamp authority")
	ErrGrantRevoked       = newError("GRANT_REVOKED", "Bu imzaya verilmiş səlahiyyət ləğv edilib", "The grant to this signature has been revoked")
	ErrGrantNotStarted    = newError("GRANT_NOT_STARTED", "Səlahiyyətin müddəti hələ başlamayıb", "The grant's period has not started yet")
	ErrGrantEnded         = newError("GRANT_ENDED", "Səlahiyyətin müddəti bitib", "The grant's period has ended")
	ErrSessionUnknown     = newError("SESSION_UNKNOWN", "Sessiya tapılmadı, yenidən daxil olun", "No such session; log in again")
	ErrSessionClosed      = newError("SESSION_CLOSED", "Sessiya bağlanıb, yenidən daxil olun", "The session was closed; log in again")
	ErrSessionExpired     = newError("SESSION_EXPIRED", "Sessiyanın vaxtı bitib, yenidən daxil olun", "The session expired after inactivity; log in again")
	ErrWrongInsurer       = newError("WRONG_INSURER", "Bu sessiya başqa sığortaedənin məlumatlarına baxa bilməz", "This session may not act on another insurer's data")
	ErrAuthorityWithdrawn = newError("AUTHORITY_WITHDRAWN", "Səlahiyyətiniz artıq qüvvədə deyil, yenidən daxil olun", "Your authority is no longer in force; log in again")
	ErrOwnerOnly          = newError("OWNER_ONLY", "Bu əməliyyatı yalnız möhür vurmaq səlahiyyəti olan imza edə bilər", "Only the signature with stamp authority may do this")
)

// Signed login assertions: the portal vouches for the signer with its own
// signature, so no one else on the bus can log in as a director.
var (
	ErrAssertionUnsigned   = newError("ASSERTION_UNSIGNED", "Giriş təsdiqi portal tərəfindən imzalanmayıb", "The login assertion is not signed by the portal")
	ErrAssertionKeyUnknown = newError("ASSERTION_KEY_UNKNOWN", "Giriş təsdiqi naməlum açarla imzalanıb", "The login assertion is signed with a key this service does not know")
	ErrAssertionSignature  = newError("ASSERTION_SIGNATURE_INVALID", "Giriş təsdiqinin imzası yoxlanışdan keçmədi (məzmun dəyişdirilib)", "The login assertion's signature does not verify: its content was changed")
	ErrAssertionReplayed   = newError("ASSERTION_REPLAYED", "Bu giriş təsdiqi artıq istifadə olunub", "This login assertion was used before")
	ErrAssertionStale      = newError("ASSERTION_STALE", "Giriş təsdiqi çox əvvəl verilib, yenidən daxil olun", "The login assertion was issued too long ago; log in again")
	ErrAssertionFuture     = newError("ASSERTION_FROM_FUTURE", "Giriş təsdiqinin vaxtı gələcəkdədir", "The login assertion is dated in the future")
)

// Grant errors.
var (
	ErrGrantDuplicate     = newError("GRANT_DUPLICATE", "Bu imzaya bu xidmət üçün artıq səlahiyyət verilib", "This signature already holds a grant for this service")
	ErrGrantPeriod        = newError("GRANT_PERIOD_INVALID", "Müddətli səlahiyyət üçün başlanğıc və bitmə tarixi lazımdır, bitmə tarixi başlanğıcdan əvvəl ola bilməz", "A limited grant needs a start and an end date, and the end may not be before the start")
	ErrGrantPeriodPast    = newError("GRANT_PERIOD_IN_PAST", "Səlahiyyətin bitmə tarixi keçmişdə ola bilməz", "A grant's end date may not be in the past")
	ErrGrantNotFound      = newError("GRANT_NOT_FOUND", "Səlahiyyət tapılmadı", "No such grant in force for this insurer")
	ErrGrantSelf          = newError("GRANT_TO_SELF", "Möhür sahibi özünə səlahiyyət verə bilməz", "The stamp holder cannot grant a right to their own signature")
	ErrGranteeIncomplete  = newError("GRANTEE_INCOMPLETE", "E-imza kartı üçün kart nömrəsi, Asan imza üçün telefon nömrəsi lazımdır", "A card grant needs the card number; an Asan imza grant needs the phone number")
	ErrUnknownServiceName = newError("UNKNOWN_SERVICE", "Bu DSMF e-xidməti tanınmır", "This DSMF e-service is not known")
)

// Person look-up and application errors.
var (
	ErrDocumentNotFound    = newError("DOCUMENT_NOT_FOUND", "Bu FİN üzrə bu növ sənəd tapılmadı", "No identity document of this type was found for this FIN")
	ErrSSNMismatch         = newError("SSN_FIN_MISMATCH", "Bu SSN bu FİN-ə aid deyil", "This SSN does not belong to this FIN")
	ErrNotInsuredHere      = newError("NOT_INSURED_BY_INSURER", "Şəxs bu sığortaedən tərəfindən sığortalanmayıb", "This person is not insured by this insurer")
	ErrDocumentExpired     = newError("DOCUMENT_EXPIRED", "Şəxsiyyət vəsiqəsinin müddəti bitib", "The identity document is no longer valid")
	ErrInvalidReason       = newError("INVALID_REASON", "Müraciətin dörd səbəbindən biri seçilməlidir", "Choose exactly one of the four reasons")
	ErrApplicationNotFound = newError("APPLICATION_NOT_FOUND", "Müraciət tapılmadı", "No such application for this insurer")
	ErrApplicationOpen     = newError("APPLICATION_ALREADY_OPEN", "Bu şəxs üçün artıq icrada olan müraciət var", "This person already has an application in progress")
	ErrApplicationSigned   = newError("APPLICATION_SIGNED", "İmzalanmış müraciət silinə və dəyişdirilə bilməz", "A signed application cannot be deleted or changed")
	ErrInvalidTransition   = newError("INVALID_STATUS_TRANSITION", "Müraciətin statusu bu cür dəyişə bilməz", "The application's status cannot move this way")
	ErrDecisionIncomplete  = newError("DECISION_INCOMPLETE", "Qərar üçün lazım olan məlumat çatışmır (şəhadətnamə tarixi və ya imtina səbəbi)", "The decision lacks what it needs (certificate date, or rejection reason)")
	ErrNoticeNotAvailable  = newError("NOTICE_NOT_AVAILABLE", "Qaralama üçün bildiriş yoxdur; əvvəlcə müraciəti təsdiqləyin", "A draft has no notice; confirm the application first")
)
