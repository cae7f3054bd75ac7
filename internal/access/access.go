// Package access names the roles and confidentiality levels and describes who
// is acting. Every domain call takes an Actor and checks it.
package access

import "slices"

// Roles from DESIGN.md.
const (
	Admin        = "admin"
	Office       = "office"
	Supervisor   = "supervisor"
	Receptionist = "receptionist"
	Engineering  = "engineering"
	Security     = "security"
	Service      = "service"
	Leasing      = "leasing"
	Finance      = "finance"
	Audit        = "audit"
	Legal        = "legal"
	Executive    = "executive"
	Manager      = "manager"
	Staff        = "staff"
	Client       = "client"
)

// AllRoles lists every role in display order.
var AllRoles = []string{Admin, Office, Supervisor, Receptionist, Engineering, Security, Service, Leasing, Finance, Audit, Legal, Executive, Manager, Staff, Client}

// ValidRole reports whether r is a known role.
func ValidRole(r string) bool { return slices.Contains(AllRoles, r) }

// Confidentiality levels, from least to most restricted.
const (
	Public       = "public"
	Internal     = "internal"
	Confidential = "confidential"
	Secret       = "secret"
)

// Levels lists the confidentiality levels in order.
var Levels = []string{Public, Internal, Confidential, Secret}

// ValidLevel reports whether l is a known confidentiality level.
func ValidLevel(l string) bool { return slices.Contains(Levels, l) }

// Actor is who performs a call: a signed-in user, or System for jobs.
type Actor struct {
	UserID       int64
	Username     string
	Name         string
	Roles        []string
	Posts        []string // codes of the posts (岗位) held now (package post)
	DepartmentID int64
	OrgID        int64 // client organisation, for client users
	Lang         string
	IP           string
	System       bool
}

// HoldsPost reports whether the actor holds the post (by code) now. Posts
// are held by people: admin holds none by being admin.
func (a Actor) HoldsPost(code string) bool { return code != "" && slices.Contains(a.Posts, code) }

// SystemActor is used by background jobs.
func SystemActor() Actor { return Actor{Username: "system", Name: "system", System: true} }

// Has reports whether the actor holds any of the roles (admin holds all but client).
func (a Actor) Has(roles ...string) bool {
	if a.System {
		return true
	}
	for _, r := range roles {
		if slices.Contains(a.Roles, r) {
			return true
		}
		if r != Client && slices.Contains(a.Roles, Admin) {
			return true
		}
	}
	return false
}

// IsClient reports whether the actor is an outside client user (and nothing
// more), who sees only their own organisation's records.
func (a Actor) IsClient() bool {
	return !a.System && slices.Contains(a.Roles, Client) && len(a.Roles) == 1
}

// IsStaff reports whether the actor is a signed-in member of staff.
func (a Actor) IsStaff() bool { return a.System || (a.UserID != 0 && !a.IsClient()) }

// Cleared reports whether the actor's roles admit records of the given
// confidentiality level without being named on them: public and internal
// for all staff; confidential for executives, supervisors, office, audit,
// legal and admin; secret for executives and admin.
func (a Actor) Cleared(level string) bool {
	switch level {
	case "", Public:
		return true
	case Internal:
		return a.IsStaff()
	case Confidential:
		return a.Has(Executive, Supervisor, Office, Audit, Legal)
	case Secret:
		return a.Has(Executive)
	}
	return false
}
