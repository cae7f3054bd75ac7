// Package meeting runs client meetings (客户接待会议) from the convening
// request to the last accepted action item: types and templates, approval
// of the request by the supervising leader, notices with an ICS invitation,
// agenda, attendees with replies and leave requests, sign-in, minutes
// (会议纪要) drafted within 24 hours and approved and sent within 48 hours,
// resolutions split into action items tracked to acceptance, negotiations,
// revisits, the review, and the archive with confidentiality levels.
package meeting

import (
	"slices"
	"time"

	"jiedai/internal/access"
)

// Meeting types from the seeds (004 第一章 二), plus internal meetings.
const (
	TypeNewClient  = "new_client"       // 新客户洽谈会议
	TypeRevisit    = "revisit"          // 现有客户回访会议
	TypeKeyAccount = "key_account"      // 大客户接待会议
	TypeImportant  = "important_client" // 重要客户沟通会议
	TypeInternal   = "internal"         // 内部会议
)

// Types lists the meeting types in display order.
var Types = []string{TypeNewClient, TypeRevisit, TypeKeyAccount, TypeImportant, TypeInternal}

// ValidType reports whether t is a meeting type.
func ValidType(t string) bool { return slices.Contains(Types, t) }

// IsNegotiation reports whether meetings of type t carry a negotiation
// record (goals, bottom line, pricing, terms, outcome).
func IsNegotiation(t string) bool { return t == TypeNewClient || t == TypeKeyAccount }

// Meeting statuses. draft → requested → approved → notified → in_progress
// → ended → closed; returned goes back to the convener; cancelled and
// rejected end the meeting early.
const (
	StatusDraft      = "draft"
	StatusRequested  = "requested"
	StatusReturned   = "returned"
	StatusApproved   = "approved"
	StatusNotified   = "notified"
	StatusInProgress = "in_progress"
	StatusEnded      = "ended"
	StatusClosed     = "closed"
	StatusCancelled  = "cancelled"
	StatusRejected   = "rejected"
)

// Statuses lists the meeting statuses in lifecycle order.
var Statuses = []string{StatusDraft, StatusRequested, StatusReturned, StatusApproved, StatusNotified, StatusInProgress, StatusEnded, StatusClosed, StatusCancelled, StatusRejected}

// Attendee kinds (004 第一章 五): required are the departments and people
// directly concerned, invited are other departments and outside guests.
const (
	KindRequired = "required"
	KindInvited  = "invited"
)

// Replies to a notice.
const (
	ReplyPending  = "pending"
	ReplyAccepted = "accepted"
	ReplyDeclined = "declined"
)

// Attendance recorded at sign-in.
const (
	AttendOnTime = "on_time"
	AttendLate   = "late"
	AttendAbsent = "absent"
	AttendLeave  = "leave"
)

// Leave request statuses.
const (
	LeavePending  = "pending"
	LeaveApproved = "approved"
	LeaveRejected = "rejected"
)

// Entities written to the audit log.
const (
	EntityMeeting     = "meeting"
	EntityMinutes     = "meeting_minutes"
	EntityAction      = "meeting_action_item"
	EntityNegotiation = "meeting_negotiation"
	EntityReview      = "meeting_review"
	EntityRevisit     = "meeting_revisit"
	EntityTemplate    = "meeting_template"
)

// Audit actions for reads of confidential records.
const (
	ActionRead       = "read"
	ActionReadDenied = "read_denied"
)

// Limits on text fields (in characters) and lists.
const (
	MaxTitle     = 200
	MaxText      = 4000
	MaxLongText  = 20000
	MaxName      = 100
	MaxAgenda    = 50
	MaxAttendees = 300
	MaxMeeting   = 24 * time.Hour
)

// Deadlines from 004 第三章 一: the draft within 24 hours of the end, the
// approved minutes sent within 48 hours.
const (
	DraftWithin = 24 * time.Hour
	SendWithin  = 48 * time.Hour
	// DueSoon is how far ahead an action item counts as due soon.
	DueSoon = 48 * time.Hour
)

// Meeting is a client meeting.
type Meeting struct {
	ID              int64     `json:"id"`
	Type            string    `json:"type"`
	Title           string    `json:"title"`
	Purpose         string    `json:"purpose,omitempty"`
	ClientOrgID     int64     `json:"client_org_id,omitempty"`
	ClientName      string    `json:"client_name,omitempty"`
	DepartmentID    int64     `json:"department_id,omitempty"`
	ConvenerID      int64     `json:"convener_id"`
	HostID          int64     `json:"host_id"`
	RecorderID      int64     `json:"recorder_id,omitempty"`
	LeaderID        int64     `json:"leader_id,omitempty"`
	SupervisorID    int64     `json:"supervisor_id,omitempty"`
	StartAt         time.Time `json:"start_at"`
	EndAt           time.Time `json:"end_at"`
	Place           string    `json:"place,omitempty"`
	BookingID       int64     `json:"booking_id,omitempty"`
	VenueID         int64     `json:"venue_id,omitempty"`
	Level           string    `json:"level"`
	Status          string    `json:"status"`
	ApprovalChainID int64     `json:"approval_chain_id,omitempty"`
	TemplateID      int64     `json:"template_id,omitempty"`
	NoticeSeq       int       `json:"notice_seq"`
	NoticedAt       time.Time `json:"noticed_at,omitzero"`
	StartedAt       time.Time `json:"started_at,omitzero"`
	EndedAt         time.Time `json:"ended_at,omitzero"`
	ClosedAt        time.Time `json:"closed_at,omitzero"`
	HostNotes       string    `json:"host_notes,omitempty"`
	CancelReason    string    `json:"cancel_reason,omitempty"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// Length is the planned duration in minutes.
func (m Meeting) Length() int { return int(m.EndAt.Sub(m.StartAt) / time.Minute) }

// Confidential reports whether reads of the meeting are logged.
func (m Meeting) Confidential() bool { return Confidential(m.Level) }

// Confidential reports whether a level is one whose reads are logged.
func Confidential(level string) bool { return level == access.Confidential || level == access.Secret }

// Editable reports whether time, place, agenda and attendees may change.
func (m Meeting) Editable() bool {
	switch m.Status {
	case StatusDraft, StatusReturned, StatusRequested, StatusApproved, StatusNotified:
		return true
	}
	return false
}

// Open reports whether the meeting has not finished or been called off.
func (m Meeting) Open() bool {
	switch m.Status {
	case StatusClosed, StatusCancelled, StatusRejected:
		return false
	}
	return true
}

// AgendaItem is one item of the agenda.
type AgendaItem struct {
	ID            int64  `json:"id"`
	Seq           int    `json:"seq"`
	Topic         string `json:"topic"`
	PresenterID   int64  `json:"presenter_id,omitempty"`
	PresenterName string `json:"presenter_name,omitempty"`
	Minutes       int    `json:"minutes"`
	Notes         string `json:"notes,omitempty"`
}

// Attendee is a person asked to the meeting: a user, or an outside guest.
type Attendee struct {
	ID                int64     `json:"id"`
	Kind              string    `json:"kind"`
	UserID            int64     `json:"user_id,omitempty"`
	GuestName         string    `json:"guest_name,omitempty"`
	GuestOrg          string    `json:"guest_org,omitempty"`
	GuestTitle        string    `json:"guest_title,omitempty"`
	GuestEmail        string    `json:"guest_email,omitempty"`
	Reply             string    `json:"reply"`
	ReplyNote         string    `json:"reply_note,omitempty"`
	RepliedAt         time.Time `json:"replied_at,omitzero"`
	Attendance        string    `json:"attendance,omitempty"`
	SignedInAt        time.Time `json:"signed_in_at,omitzero"`
	SubstituteFor     int64     `json:"substitute_for,omitempty"`
	LeaveStatus       string    `json:"leave_status,omitempty"`
	LeaveReason       string    `json:"leave_reason,omitempty"`
	LeaveSubstituteID int64     `json:"leave_substitute_id,omitempty"`
	LeaveRequestedAt  time.Time `json:"leave_requested_at,omitzero"`
	LeaveDecidedBy    int64     `json:"leave_decided_by,omitempty"`
	LeaveDecidedAt    time.Time `json:"leave_decided_at,omitzero"`
	LeaveComment      string    `json:"leave_comment,omitempty"`
}

// IsGuest reports whether the attendee is an outside guest without account.
func (at Attendee) IsGuest() bool { return at.UserID == 0 }

// Detail is a meeting with everything shown on its page.
type Detail struct {
	Meeting
	Agenda    []AgendaItem     `json:"agenda"`
	Attendees []Attendee       `json:"attendees"`
	CC        []int64          `json:"cc_departments"`
	Names     map[int64]string `json:"names"`
	DeptNames map[int64]string `json:"-"`
	Minutes   *Minutes         `json:"minutes,omitempty"`
	Warnings  []string         `json:"warnings,omitempty"` // i18n keys, e.g. agenda overrun
	Can       map[string]bool  `json:"can"`
}

// AgendaMinutes is the sum of the agenda items' allotted minutes.
func (d Detail) AgendaMinutes() int {
	n := 0
	for _, it := range d.Agenda {
		n += it.Minutes
	}
	return n
}

// AgendaOverrun reports whether the agenda needs more time than the meeting
// has (004 第二章 一 2: discussion time per item).
func (d Detail) AgendaOverrun() bool { return d.AgendaMinutes() > d.Length() }

// Attendee returns the attendee row of a user, if any.
func (d Detail) Attendee(userID int64) (Attendee, bool) {
	for _, at := range d.Attendees {
		if at.UserID == userID && userID != 0 {
			return at, true
		}
	}
	return Attendee{}, false
}
