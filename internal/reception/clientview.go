package reception

import (
	"time"

	"jiedai/internal/access"
)

// ClientView is what a client user of the case's organisation may see of a
// case: who is coming, when and why, and how far the case has come. Budgets,
// the tier and its price, the service arrangements (hotel, meals, gifts,
// the leader met), the applicant's notes and the reviewers' comments stay
// internal. Both the API and the pages show a client user this view.
type ClientView struct {
	ID          int64     `json:"id"`
	Code        string    `json:"code"`
	Status      string    `json:"status"`
	OrgID       int64     `json:"org_id,omitempty"`
	OrgName     string    `json:"org_name"`
	Purpose     string    `json:"purpose"`
	VisitDate   string    `json:"visit_date"`   // YYYY-MM-DD in the site's zone
	ArrivalTime string    `json:"arrival_time"` // HH:MM
	Headcount   int       `json:"headcount"`
	Guest       Person    `json:"guest"`
	Companions  []Person  `json:"companions"`
	BookingID   int64     `json:"booking_id,omitempty"` // the meeting room, a booking of the organisation
	StartedAt   time.Time `json:"started_at,omitzero"`
	FinishedAt  time.Time `json:"finished_at,omitzero"`
	ClosedAt    time.Time `json:"closed_at,omitzero"`
}

// ClientView returns the case as a client user may see it.
func (r Reception) ClientView() ClientView {
	return ClientView{ID: r.ID, Code: r.Code, Status: r.Status, OrgID: r.OrgID, OrgName: r.OrgName, Purpose: r.Purpose,
		VisitDate: r.VisitDate, ArrivalTime: r.ArrivalTime, Headcount: r.Headcount, Guest: r.Guest, Companions: r.Companions,
		BookingID: r.BookingID, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt, ClosedAt: r.ClosedAt}
}

// Reception returns a case holding only the view's fields, for the pages
// shared with staff: whatever a template reads, a client sees no more.
func (v ClientView) Reception() Reception {
	return Reception{ID: v.ID, Code: v.Code, Status: v.Status, OrgID: v.OrgID, OrgName: v.OrgName, Purpose: v.Purpose,
		VisitDate: v.VisitDate, ArrivalTime: v.ArrivalTime, Headcount: v.Headcount, Guest: v.Guest, Companions: v.Companions,
		BookingID: v.BookingID, StartedAt: v.StartedAt, FinishedAt: v.FinishedAt, ClosedAt: v.ClosedAt}
}

// forReader returns the case as the actor may see it: whole for staff, the
// client view for a client user.
func forReader(a access.Actor, r Reception) Reception {
	if a.IsClient() {
		return r.ClientView().Reception()
	}
	return r
}

// ForClient returns the step as a client user may see it: when, where and
// what, without the internal people and notes.
func (it ItineraryItem) ForClient() ItineraryItem {
	it.People, it.Notes = "", ""
	return it
}
