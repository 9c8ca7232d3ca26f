package domain

// OpenApplicationID is the id of the application already in progress for the
// person, which an APPLICATION_ALREADY_OPEN refusal carries as its detail
// (an id, never personal data); "" for any other error. The detail is what
// the event log records of a refusal, so a refusal answered again from its
// recorded outcome names the same application.
func (e *Error) OpenApplicationID() string {
	if e == nil || e.Code != ErrApplicationOpen.Code {
		return ""
	}
	return e.Detail
}
