package domain

// Action is something a principal asks to do.
type Action string

// Actions of the portal's commands.
const (
	ActLogout       Action = "logout"
	ActViewProfile  Action = "profile.view"
	ActManageGrants Action = "grants.manage" // create, list, revoke
	ActLookupPerson Action = "person.lookup"
	ActEditDraft    Action = "application.edit" // save, update, delete a draft
	ActSubmit       Action = "application.submit"
	ActViewRegistry Action = "application.view" // search, detail, notice
)

// permissions is the authorisation matrix: which role may do what. Only the
// owner manages grants (§1, §4.2); a delegate with a grant for this service
// does everything else. A delegate whose grant is for another service never
// gets a session (DecideLogin), and the back office acts only through its own
// topic, never through a portal session.
var permissions = map[Role]map[Action]bool{
	RoleOwner: {
		ActLogout: true, ActViewProfile: true, ActManageGrants: true, ActLookupPerson: true,
		ActEditDraft: true, ActSubmit: true, ActViewRegistry: true,
	},
	RoleDelegate: {
		ActLogout: true, ActViewProfile: true, ActManageGrants: false, ActLookupPerson: true,
		ActEditDraft: true, ActSubmit: true, ActViewRegistry: true,
	},
}

// Allowed reports whether a role may do an action.
func Allowed(r Role, a Action) bool { return permissions[r][a] }
