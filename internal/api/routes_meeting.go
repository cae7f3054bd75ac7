package api

import (
	"context"
	"net/http"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/meeting"
)

// MeetingBody creates or edits a meeting.
type MeetingBody struct {
	Type         string         `json:"type" enum:"new_client,revisit,key_account,important_client,internal" doc:"Meeting type"`
	Title        string         `json:"title" maxLength:"200"`
	Purpose      string         `json:"purpose,omitempty" maxLength:"4000"`
	ClientOrgID  int64          `json:"client_org_id,omitempty" minimum:"0" doc:"Client organisation id"`
	ClientName   string         `json:"client_name,omitempty" maxLength:"100"`
	HostID       int64          `json:"host_id" minimum:"1" doc:"Host (主持人), who approves the minutes and accepts action items"`
	RecorderID   int64          `json:"recorder_id,omitempty" minimum:"0" doc:"Recorder (记录员) who drafts the minutes"`
	LeaderID     int64          `json:"leader_id,omitempty" minimum:"0" doc:"Supervising leader who approves the request; 0 = the convener's department manager"`
	SupervisorID int64          `json:"supervisor_id,omitempty" minimum:"0" doc:"Named supervisor of the resolutions, who may accept action items"`
	StartAt      time.Time      `json:"start_at"`
	EndAt        time.Time      `json:"end_at"`
	Place        string         `json:"place,omitempty" maxLength:"100" doc:"Where, when not in one of the company's rooms (a booked room names itself)"`
	VenueID      int64          `json:"venue_id,omitempty" minimum:"0" doc:"Room to book through the booking rules (GET /api/v1/availability lists the free ones); the meeting's booking moves and is cancelled with it"`
	Layout       string         `json:"layout,omitempty" enum:"boardroom,theatre,classroom,ushape," doc:"Room layout asked for"`
	Equipment    []string       `json:"equipment,omitempty" maxItems:"20" doc:"Equipment the room must have (venue equipment codes)"`
	BookingID    int64          `json:"booking_id,omitempty" minimum:"0" doc:"A booking of your own that covers the meeting's time, instead of venue_id"`
	Level        string         `json:"level,omitempty" enum:"public,internal,confidential,secret," doc:"Confidentiality level; default internal"`
	TemplateID   int64          `json:"template_id,omitempty" minimum:"0" doc:"Template whose agenda and attendees are used when none are given"`
	Agenda       []AgendaBody   `json:"agenda,omitempty" maxItems:"50"`
	Attendees    []AttendeeBody `json:"attendees,omitempty" maxItems:"300"`
	CC           []int64        `json:"cc_departments,omitempty" maxItems:"50" doc:"Departments that receive the minutes"`
}

// AgendaBody is one agenda item.
type AgendaBody struct {
	ID            int64  `json:"id,omitempty" minimum:"0" doc:"Existing item id, to keep it when editing"`
	Topic         string `json:"topic" maxLength:"200"`
	PresenterID   int64  `json:"presenter_id,omitempty" minimum:"0"`
	PresenterName string `json:"presenter_name,omitempty" maxLength:"100" doc:"Presenter without an account"`
	Minutes       int    `json:"minutes" minimum:"0" maximum:"1440"`
	Notes         string `json:"notes,omitempty" maxLength:"4000"`
}

// AttendeeBody asks a user or a guest.
type AttendeeBody struct {
	Kind       string `json:"kind" enum:"required,invited"`
	UserID     int64  `json:"user_id,omitempty" minimum:"0"`
	GuestName  string `json:"guest_name,omitempty" maxLength:"100"`
	GuestOrg   string `json:"guest_org,omitempty" maxLength:"100"`
	GuestTitle string `json:"guest_title,omitempty" maxLength:"100"`
	GuestEmail string `json:"guest_email,omitempty" maxLength:"254" doc:"An outside guest's address: the notice with the calendar invitation is e-mailed there"`
}

func (b MeetingBody) input() meeting.Input {
	in := meeting.Input{Type: b.Type, Title: b.Title, Purpose: b.Purpose, ClientOrgID: b.ClientOrgID, ClientName: b.ClientName,
		HostID: b.HostID, RecorderID: b.RecorderID, LeaderID: b.LeaderID, SupervisorID: b.SupervisorID, StartAt: b.StartAt, EndAt: b.EndAt,
		Place: b.Place, VenueID: b.VenueID, Layout: b.Layout, Equipment: b.Equipment, BookingID: b.BookingID, Level: b.Level, TemplateID: b.TemplateID, CC: b.CC}
	for _, it := range b.Agenda {
		in.Agenda = append(in.Agenda, meeting.AgendaInput{ID: it.ID, Topic: it.Topic, PresenterID: it.PresenterID, PresenterName: it.PresenterName, Minutes: it.Minutes, Notes: it.Notes})
	}
	for _, at := range b.Attendees {
		in.Attendees = append(in.Attendees, meeting.AttendeeInput{Kind: at.Kind, UserID: at.UserID, GuestName: at.GuestName, GuestOrg: at.GuestOrg, GuestTitle: at.GuestTitle, GuestEmail: at.GuestEmail})
	}
	return in
}

type meetingIn struct{ Body MeetingBody }
type meetingIDIn struct {
	ID int64 `path:"id" minimum:"1"`
}
type meetingUpdateIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body MeetingBody
}
type meetingOut struct {
	Status int
	Body   meeting.Detail
}

type meetingsIn struct {
	Q           string `query:"q" maxLength:"100" doc:"Text in title, purpose, place and, where you may read them, minutes, resolutions and results"`
	Client      string `query:"client" maxLength:"100" doc:"Part of the client's name"`
	ClientOrgID int64  `query:"client_org_id" minimum:"0"`
	Type        string `query:"type" enum:"new_client,revisit,key_account,important_client,internal,"`
	Status      string `query:"status" enum:"draft,requested,returned,approved,notified,in_progress,ended,closed,cancelled,rejected,"`
	From        string `query:"from" doc:"RFC 3339 time or YYYY-MM-DD: meetings starting at or after"`
	To          string `query:"to" doc:"RFC 3339 time or YYYY-MM-DD: meetings starting before (a date includes that day)"`
	Mine        bool   `query:"mine" doc:"Only meetings you are named on"`
	Limit       int    `query:"limit" minimum:"0" maximum:"200"`
	Offset      int    `query:"offset" minimum:"0"`
}
type meetingsOut struct {
	Body struct {
		Meetings []meeting.Hit `json:"meetings"`
	}
}

type meetingDecisionIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		Decision string `json:"decision" enum:"approve,reject,return"`
		Comment  string `json:"comment,omitempty" maxLength:"2000" doc:"Required to reject or return"`
	}
}
type meetingReasonIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		Reason string `json:"reason" maxLength:"4000"`
	}
}
type replyIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		Reply string `json:"reply" enum:"accepted,declined"`
		Note  string `json:"note,omitempty" maxLength:"4000"`
	}
}
type leaveIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		Reason       string `json:"reason" maxLength:"4000"`
		SubstituteID int64  `json:"substitute_id,omitempty" minimum:"0" doc:"Colleague who attends instead"`
	}
}
type leaveDecisionIn struct {
	ID         int64 `path:"id" minimum:"1"`
	AttendeeID int64 `path:"attendee" minimum:"1"`
	Body       struct {
		Approve bool   `json:"approve"`
		Comment string `json:"comment,omitempty" maxLength:"4000" doc:"Required when refusing"`
	}
}
type signInIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		AttendeeID int64 `json:"attendee_id,omitempty" minimum:"0" doc:"Attendee to sign in; 0 signs in yourself"`
	}
}
type feedbackIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		Rating  int    `json:"rating" minimum:"1" maximum:"5" doc:"Score from 1 (poor) to 5 (excellent)"`
		Comment string `json:"comment,omitempty" maxLength:"4000"`
	}
}
type feedbackOut struct{ Body meeting.Feedback }
type feedbackListOut struct {
	Body struct {
		Feedback []meeting.Feedback `json:"feedback"`
	}
}
type recordDecisionIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		AgendaItemID int64  `json:"agenda_item_id,omitempty" minimum:"0"`
		Text         string `json:"text" maxLength:"4000"`
	}
}
type resolutionOut struct {
	Status int
	Body   meeting.Resolution
}
type icsOut struct {
	ContentType string `header:"Content-Type"`
	Body        []byte
}

// MinutesBody is the recorder's draft.
type MinutesBody struct {
	Topic     string         `json:"topic" maxLength:"200"`
	Points    []PointBody    `json:"points,omitempty" maxItems:"50" doc:"What was said on each agenda item"`
	Decisions []DecisionBody `json:"decisions,omitempty" maxItems:"200" doc:"Resolutions; give id to keep an existing one"`
	Other     string         `json:"other,omitempty" maxLength:"20000"`
	Level     string         `json:"level,omitempty" enum:"public,internal,confidential,secret," doc:"Confidentiality of the minutes; not below the meeting's"`
	Note      string         `json:"note,omitempty" maxLength:"100" doc:"Note for the version history"`
}

// PointBody is the text for one agenda item.
type PointBody struct {
	AgendaItemID int64  `json:"agenda_item_id" minimum:"1"`
	Text         string `json:"text" maxLength:"20000"`
}

// DecisionBody is one resolution.
type DecisionBody struct {
	ID           int64  `json:"id,omitempty" minimum:"0"`
	AgendaItemID int64  `json:"agenda_item_id,omitempty" minimum:"0"`
	Text         string `json:"text" maxLength:"4000"`
}

type minutesIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body MinutesBody
}
type minutesOut struct{ Body meeting.MinutesView }
type minutesStateOut struct{ Body meeting.Minutes }
type commentIn struct {
	ID   int64        `path:"id" minimum:"1"`
	Body *CommentBody // optional
}

// CommentBody is an optional comment.
type CommentBody struct {
	Comment string `json:"comment,omitempty" maxLength:"2000"`
}

func (in *commentIn) comment() string {
	if in.Body == nil {
		return ""
	}
	return in.Body.Comment
}

type versionIn struct {
	ID      int64 `path:"id" minimum:"1"`
	Version int   `path:"version" minimum:"1"`
}
type versionOut struct {
	Body struct {
		Version meeting.VersionInfo `json:"version"`
		Content meeting.Content     `json:"content"`
	}
}
type trackingOut struct{ Body meeting.Tracking }

// ActionBody creates or edits an action item.
type ActionBody struct {
	ResolutionID int64     `json:"resolution_id,omitempty" minimum:"0" doc:"Resolution the task is split from (kind resolution)"`
	Kind         string    `json:"kind,omitempty" enum:"resolution,followup,improvement," doc:"Default resolution"`
	Goal         string    `json:"goal" maxLength:"200" doc:"Task goal (任务目标)"`
	Standard     string    `json:"standard" maxLength:"4000" doc:"Completion standard (完成标准)"`
	StartAt      time.Time `json:"start_at"`
	DueAt        time.Time `json:"due_at"`
	OwnerID      int64     `json:"owner_id" minimum:"1" doc:"Person responsible (责任人)"`
	AssistantID  int64     `json:"assistant_id,omitempty" minimum:"0" doc:"Assistant (协助人)"`
}

func (b ActionBody) input() meeting.ActionInput {
	return meeting.ActionInput{ResolutionID: b.ResolutionID, Kind: b.Kind, Goal: b.Goal, Standard: b.Standard, StartAt: b.StartAt, DueAt: b.DueAt, OwnerID: b.OwnerID, AssistantID: b.AssistantID}
}

type actionCreateIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body ActionBody
}
type actionIDIn struct {
	ID int64 `path:"id" minimum:"1"`
}
type actionUpdateIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body ActionBody
}
type actionOut struct {
	Status int
	Body   meeting.ActionItem
}
type actionDetailOut struct{ Body meeting.ActionDetail }
type actionsIn struct {
	Owner   int64  `query:"owner" minimum:"0" doc:"Owner or assistant user id"`
	Host    int64  `query:"host" minimum:"0" doc:"Meetings hosted or supervised by this user"`
	Meeting int64  `query:"meeting" minimum:"0"`
	Overdue bool   `query:"overdue" doc:"Only items past their deadline without a result"`
	DueSoon bool   `query:"due_soon" doc:"Only items overdue or due within 48 hours"`
	Active  bool   `query:"active" doc:"Only items not yet accepted or cancelled"`
	Status  string `query:"status" enum:"planned,open,in_progress,submitted,returned,accepted,cancelled,"`
	Limit   int    `query:"limit" minimum:"0" maximum:"1000"`
}
type actionsOut struct {
	Body struct {
		Items []meeting.ActionItem `json:"items"`
	}
}
type progressIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		Progress int    `json:"progress" minimum:"0" maximum:"100"`
		Note     string `json:"note,omitempty" maxLength:"4000" doc:"What was done (最新进展); required with problem"`
		Problem  bool   `json:"problem,omitempty" doc:"The note raises a problem that needs the host (溝通協調): the host and the supervisor are told"`
	}
}
type resultIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		Result string `json:"result" maxLength:"8000" doc:"Result report (成果报告)"`
	}
}

func (s *Server) routesMeetings() {
	s.routesMeetingWrapup()
	m := s.app.Meetings
	const tag = "meetings"
	handle(s, op(http.MethodGet, "/meetings", "list-meetings", "List and search meetings (archive: client, type, date, text)", tag, false),
		func(ctx context.Context, a access.Actor, in *meetingsIn) (*meetingsOut, error) {
			f := meeting.Filter{Text: in.Q, Client: in.Client, ClientOrgID: in.ClientOrgID, Type: in.Type, Status: in.Status, Mine: in.Mine, Limit: in.Limit, Offset: in.Offset}
			var err error
			if f.From, err = s.parseTime("from", in.From); err != nil {
				return nil, err
			}
			if f.To, err = s.parseTime("to", in.To); err != nil {
				return nil, err
			}
			if len(in.To) == len("2006-01-02") && !f.To.IsZero() {
				f.To = f.To.AddDate(0, 0, 1)
			}
			hits, err := m.Search(ctx, a, f)
			if err != nil {
				return nil, err
			}
			out := &meetingsOut{}
			out.Body.Meetings = hits
			if out.Body.Meetings == nil {
				out.Body.Meetings = []meeting.Hit{}
			}
			return out, nil
		})
	handle(s, op(http.MethodPost, "/meetings", "create-meeting", "Create a meeting in draft (you are the convener)", tag, false),
		func(ctx context.Context, a access.Actor, in *meetingIn) (*meetingOut, error) {
			d, err := m.Create(ctx, a, in.Body.input())
			return &meetingOut{Status: http.StatusCreated, Body: d}, err
		})
	handle(s, op(http.MethodGet, "/meetings/{id}", "get-meeting", "A meeting with agenda, attendees and minutes status", tag, false),
		func(ctx context.Context, a access.Actor, in *meetingIDIn) (*meetingOut, error) {
			d, err := m.GetVia(ctx, a, in.ID, "api")
			return &meetingOut{Status: http.StatusOK, Body: d}, err
		})
	handle(s, op(http.MethodPut, "/meetings/{id}", "update-meeting", "Edit a meeting before it starts (after the notice, a change re-notifies)", tag, false),
		func(ctx context.Context, a access.Actor, in *meetingUpdateIn) (*meetingOut, error) {
			d, err := m.Update(ctx, a, in.ID, in.Body.input())
			return &meetingOut{Status: http.StatusOK, Body: d}, err
		})
	handle(s, op(http.MethodDelete, "/meetings/{id}", "delete-meeting", "Delete a draft never submitted (otherwise cancel it)", tag, false),
		func(ctx context.Context, a access.Actor, in *meetingIDIn) (*noContent, error) {
			return done(m.Delete(ctx, a, in.ID))
		})
	detail := func(id, path, summary string, f func(ctx context.Context, a access.Actor, id int64) (meeting.Detail, error)) {
		handle(s, op(http.MethodPost, path, id, summary, tag, false),
			func(ctx context.Context, a access.Actor, in *meetingIDIn) (*meetingOut, error) {
				d, err := f(ctx, a, in.ID)
				return &meetingOut{Status: http.StatusOK, Body: d}, err
			})
	}
	detail("submit-meeting", "/meetings/{id}/submit", "Send the convening request to the supervising leader", m.Submit)
	detail("notice-meeting", "/meetings/{id}/notice", "Send the meeting notice with the calendar invitation (again after changes)", m.SendNotice)
	detail("start-meeting", "/meetings/{id}/start", "Open the meeting", m.Start)
	detail("end-meeting", "/meetings/{id}/end", "End the meeting: absentees marked, minutes opened with their 24 h and 48 h deadlines", m.End)
	handle(s, op(http.MethodPost, "/meetings/{id}/decision", "decide-meeting", "The supervising leader approves, rejects or returns the request", tag, false),
		func(ctx context.Context, a access.Actor, in *meetingDecisionIn) (*meetingOut, error) {
			d, err := m.Decide(ctx, a, in.ID, in.Body.Decision, in.Body.Comment)
			return &meetingOut{Status: http.StatusOK, Body: d}, err
		})
	handle(s, op(http.MethodPost, "/meetings/{id}/cancel", "cancel-meeting", "Call the meeting off with a reason", tag, false),
		func(ctx context.Context, a access.Actor, in *meetingReasonIn) (*meetingOut, error) {
			d, err := m.Cancel(ctx, a, in.ID, in.Body.Reason)
			return &meetingOut{Status: http.StatusOK, Body: d}, err
		})
	handle(s, op(http.MethodPost, "/meetings/{id}/reply", "reply-meeting", "Reply to the notice (accept or decline)", tag, false),
		func(ctx context.Context, a access.Actor, in *replyIn) (*noContent, error) {
			return done(m.Reply(ctx, a, in.ID, in.Body.Reply, in.Body.Note))
		})
	handle(s, op(http.MethodPost, "/meetings/{id}/leave", "request-leave", "Ask the convener for leave, with the reason and a substitute", tag, false),
		func(ctx context.Context, a access.Actor, in *leaveIn) (*noContent, error) {
			return done(m.RequestLeave(ctx, a, in.ID, in.Body.Reason, in.Body.SubstituteID))
		})
	handle(s, op(http.MethodPost, "/meetings/{id}/leave/withdraw", "withdraw-leave", "Withdraw one's own leave request, pending or granted; a substitute stands down", tag, false),
		func(ctx context.Context, a access.Actor, in *meetingIDIn) (*noContent, error) {
			return done(m.WithdrawLeave(ctx, a, in.ID))
		})
	handle(s, op(http.MethodPost, "/meetings/{id}/leave/{attendee}/decision", "decide-leave", "The convener approves or refuses a leave request", tag, false),
		func(ctx context.Context, a access.Actor, in *leaveDecisionIn) (*noContent, error) {
			return done(m.DecideLeave(ctx, a, in.ID, in.AttendeeID, in.Body.Approve, in.Body.Comment))
		})
	handle(s, op(http.MethodPost, "/meetings/{id}/sign-in", "sign-in", "Sign an attendee (or yourself) in: on time or late", tag, false),
		func(ctx context.Context, a access.Actor, in *signInIn) (*noContent, error) {
			return done(m.SignIn(ctx, a, in.ID, in.Body.AttendeeID))
		})
	handle(s, op(http.MethodPost, "/meetings/{id}/absent", "mark-absent", "Correct an attendee's record to absent (or on leave)", tag, false),
		func(ctx context.Context, a access.Actor, in *signInIn) (*noContent, error) {
			return done(m.MarkAbsent(ctx, a, in.ID, in.Body.AttendeeID))
		})
	handle(s, op(http.MethodPost, "/meetings/{id}/decisions", "record-decision", "Record a decision as it is reached during the meeting", tag, false),
		func(ctx context.Context, a access.Actor, in *recordDecisionIn) (*resolutionOut, error) {
			r, err := m.RecordDecision(ctx, a, in.ID, in.Body.AgendaItemID, in.Body.Text)
			return &resolutionOut{Status: http.StatusCreated, Body: r}, err
		})
	handle(s, op(http.MethodGet, "/meetings/{id}/feedback", "list-meeting-feedback", "Attendees' feedback at the close: all of it for the host and the convener, else your own", tag, false),
		func(ctx context.Context, a access.Actor, in *meetingIDIn) (*feedbackListOut, error) {
			out := &feedbackListOut{}
			var err error
			out.Body.Feedback, err = m.FeedbackOf(ctx, a, in.ID)
			return out, err
		})
	handle(s, op(http.MethodPut, "/meetings/{id}/feedback", "give-meeting-feedback", "An attendee gives (or changes) their feedback once the meeting has ended; the host is told", tag, false),
		func(ctx context.Context, a access.Actor, in *feedbackIn) (*feedbackOut, error) {
			f, err := m.GiveFeedback(ctx, a, in.ID, in.Body.Rating, in.Body.Comment)
			return &feedbackOut{Body: f}, err
		})
	handle(s, op(http.MethodGet, "/meetings/{id}/invite.ics", "meeting-invite", "The calendar invitation (text/calendar)", tag, false),
		func(ctx context.Context, a access.Actor, in *meetingIDIn) (*icsOut, error) {
			b, err := m.Invite(ctx, a, in.ID)
			if err != nil {
				return nil, err
			}
			return &icsOut{ContentType: "text/calendar; charset=utf-8; method=REQUEST", Body: b}, nil
		})

	const mtag = "minutes"
	handle(s, op(http.MethodGet, "/meetings/{id}/minutes", "get-minutes", "The minutes with deadlines, resolutions, action items and versions", mtag, false),
		func(ctx context.Context, a access.Actor, in *meetingIDIn) (*minutesOut, error) {
			v, err := m.ReadMinutes(ctx, a, in.ID, "api")
			return &minutesOut{Body: v}, err
		})
	handle(s, op(http.MethodPut, "/meetings/{id}/minutes", "draft-minutes", "Save the draft minutes as a new version", mtag, false),
		func(ctx context.Context, a access.Actor, in *minutesIn) (*minutesStateOut, error) {
			mi := meeting.MinutesInput{Topic: in.Body.Topic, Other: in.Body.Other, Level: in.Body.Level, Note: in.Body.Note, Points: map[int64]string{}}
			for _, p := range in.Body.Points {
				mi.Points[p.AgendaItemID] = p.Text
			}
			for _, d := range in.Body.Decisions {
				mi.Decisions = append(mi.Decisions, meeting.DecisionInput{ID: d.ID, AgendaItemID: d.AgendaItemID, Text: d.Text})
			}
			mn, err := m.SaveMinutes(ctx, a, in.ID, mi)
			return &minutesStateOut{Body: mn}, err
		})
	minutesStep := func(id, path, summary string, f func(ctx context.Context, a access.Actor, id int64, comment string) (meeting.Minutes, error)) {
		handle(s, op(http.MethodPost, path, id, summary, mtag, false),
			func(ctx context.Context, a access.Actor, in *commentIn) (*minutesStateOut, error) {
				mn, err := f(ctx, a, in.ID, in.comment())
				return &minutesStateOut{Body: mn}, err
			})
	}
	minutesStep("submit-minutes", "/meetings/{id}/minutes/submit", "Submit the draft to the host (the 24-hour rule)",
		func(ctx context.Context, a access.Actor, id int64, _ string) (meeting.Minutes, error) {
			return m.SubmitMinutes(ctx, a, id)
		})
	minutesStep("approve-minutes", "/meetings/{id}/minutes/approve", "The host approves the minutes", m.ApproveMinutes)
	minutesStep("return-minutes", "/meetings/{id}/minutes/return", "The host returns the draft with a comment", m.ReturnMinutes)
	minutesStep("distribute-minutes", "/meetings/{id}/minutes/distribute", "Send the approved minutes to attendees and cc departments (the 48-hour rule); starts the action items",
		func(ctx context.Context, a access.Actor, id int64, _ string) (meeting.Minutes, error) {
			return m.Distribute(ctx, a, id)
		})
	handle(s, op(http.MethodGet, "/meetings/{id}/minutes/versions/{version}", "get-minutes-version", "One kept version of the minutes", mtag, false),
		func(ctx context.Context, a access.Actor, in *versionIn) (*versionOut, error) {
			c, v, err := m.MinutesVersion(ctx, a, in.ID, in.Version, "api")
			out := &versionOut{}
			out.Body.Content, out.Body.Version = c, v
			return out, err
		})
	handle(s, op(http.MethodGet, "/meetings/{id}/tracking", "get-tracking", "The resolution tracking table (会议决议跟踪表)", mtag, false),
		func(ctx context.Context, a access.Actor, in *meetingIDIn) (*trackingOut, error) {
			t, err := m.Track(ctx, a, in.ID, "api")
			return &trackingOut{Body: t}, err
		})

	const atag = "action-items"
	handle(s, op(http.MethodGet, "/action-items", "list-action-items", "Action items you may read, by owner, host, meeting, overdue or due soon", atag, false),
		func(ctx context.Context, a access.Actor, in *actionsIn) (*actionsOut, error) {
			items, err := m.Actions(ctx, a, meeting.ActionFilter{OwnerID: in.Owner, HostID: in.Host, MeetingID: in.Meeting, Overdue: in.Overdue, DueSoon: in.DueSoon, Active: in.Active, Status: in.Status, Limit: in.Limit}, "api")
			out := &actionsOut{}
			out.Body.Items = items
			if out.Body.Items == nil {
				out.Body.Items = []meeting.ActionItem{}
			}
			return out, err
		})
	handle(s, op(http.MethodPost, "/meetings/{id}/action-items", "create-action-item", "Split a resolution into a task (or add a follow-up or improvement)", atag, false),
		func(ctx context.Context, a access.Actor, in *actionCreateIn) (*actionOut, error) {
			it, err := m.AddAction(ctx, a, in.ID, in.Body.input())
			return &actionOut{Status: http.StatusCreated, Body: it}, err
		})
	handle(s, op(http.MethodGet, "/action-items/{id}", "get-action-item", "An action item with its history", atag, false),
		func(ctx context.Context, a access.Actor, in *actionIDIn) (*actionDetailOut, error) {
			d, err := m.Action(ctx, a, in.ID, "api")
			return &actionDetailOut{Body: d}, err
		})
	handle(s, op(http.MethodPut, "/action-items/{id}", "update-action-item", "Edit a planned item, or reassign and reschedule a started one", atag, false),
		func(ctx context.Context, a access.Actor, in *actionUpdateIn) (*actionOut, error) {
			it, err := m.UpdateAction(ctx, a, in.ID, in.Body.input())
			return &actionOut{Status: http.StatusOK, Body: it}, err
		})
	handle(s, op(http.MethodPost, "/action-items/{id}/progress", "action-item-progress", "The owner records progress and what was done, or raises a problem to the host", atag, false),
		func(ctx context.Context, a access.Actor, in *progressIn) (*actionOut, error) {
			report := m.Progress
			if in.Body.Problem {
				report = m.ReportProblem
			}
			it, err := report(ctx, a, in.ID, in.Body.Progress, in.Body.Note)
			return &actionOut{Status: http.StatusOK, Body: it}, err
		})
	handle(s, op(http.MethodPost, "/action-items/{id}/result", "action-item-result", "The owner submits the result report", atag, false),
		func(ctx context.Context, a access.Actor, in *resultIn) (*actionOut, error) {
			it, err := m.SubmitResult(ctx, a, in.ID, in.Body.Result)
			return &actionOut{Status: http.StatusOK, Body: it}, err
		})
	handle(s, op(http.MethodPost, "/action-items/{id}/accept", "accept-action-item", "The host accepts the result; all attendees are told", atag, false),
		func(ctx context.Context, a access.Actor, in *commentIn) (*actionOut, error) {
			it, err := m.Accept(ctx, a, in.ID, in.comment())
			return &actionOut{Status: http.StatusOK, Body: it}, err
		})
	handle(s, op(http.MethodPost, "/action-items/{id}/send-back", "send-back-action-item", "The host sends the result back with the reason", atag, false),
		func(ctx context.Context, a access.Actor, in *meetingReasonIn) (*actionOut, error) {
			it, err := m.SendBack(ctx, a, in.ID, in.Body.Reason)
			return &actionOut{Status: http.StatusOK, Body: it}, err
		})
	handle(s, op(http.MethodPost, "/action-items/{id}/cancel", "cancel-action-item", "Drop an item that is not accepted", atag, false),
		func(ctx context.Context, a access.Actor, in *meetingReasonIn) (*noContent, error) {
			return done(m.CancelAction(ctx, a, in.ID, in.Body.Reason))
		})
}

// NegotiationBody is the negotiation record.
type NegotiationBody struct {
	Goals             string    `json:"goals,omitempty" maxLength:"4000" doc:"Goals (confidential)"`
	BottomLine        string    `json:"bottom_line,omitempty" maxLength:"4000" doc:"Bottom line (confidential)"`
	Strategy          string    `json:"strategy,omitempty" maxLength:"4000"`
	Pricing           string    `json:"pricing,omitempty" maxLength:"4000"`
	QuotedFen         int64     `json:"quoted_fen,omitempty" minimum:"0" doc:"Price quoted, in fen"`
	AgreedFen         int64     `json:"agreed_fen,omitempty" minimum:"0" doc:"Price agreed, in fen"`
	CooperationMode   string    `json:"cooperation_mode,omitempty" maxLength:"4000"`
	PaymentTerms      string    `json:"payment_terms,omitempty" maxLength:"4000"`
	DeliveryTerms     string    `json:"delivery_terms,omitempty" maxLength:"4000"`
	AfterSales        string    `json:"after_sales,omitempty" maxLength:"4000"`
	Outcome           string    `json:"outcome,omitempty" enum:"open,agreed,partial,failed,"`
	OutcomeNote       string    `json:"outcome_note,omitempty" maxLength:"4000"`
	AgreementNo       string    `json:"agreement_no,omitempty" maxLength:"100"`
	AgreementSignedAt time.Time `json:"agreement_signed_at,omitzero"`
	AgreementSummary  string    `json:"agreement_summary,omitempty" maxLength:"20000"`
}

type negotiationIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body NegotiationBody
}
type negotiationOut struct{ Body meeting.Negotiation }

// ReviewBody is the meeting's summary report.
type ReviewBody struct {
	Summary        string `json:"summary,omitempty" maxLength:"20000"`
	ClientFeedback string `json:"client_feedback,omitempty" maxLength:"20000"`
	Problems       string `json:"problems,omitempty" maxLength:"20000"`
	Satisfaction   int    `json:"satisfaction,omitempty" minimum:"0" maximum:"5"`
	Submit         bool   `json:"submit,omitempty" doc:"Hand it to the supervising leader"`
}

type reviewIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body ReviewBody
}
type reviewOut struct{ Body meeting.Review }
type wrapupOut struct{ Body meeting.Wrapup }
type revisitIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		DueAt   time.Time `json:"due_at"`
		OwnerID int64     `json:"owner_id" minimum:"1"`
		Purpose string    `json:"purpose" maxLength:"4000"`
	}
}
type revisitOut struct {
	Status int
	Body   meeting.Revisit
}
type revisitDoneIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body struct {
		MeetingID int64  `json:"meeting_id,omitempty" minimum:"0" doc:"The revisit meeting, if one was held"`
		Note      string `json:"note,omitempty" maxLength:"4000"`
	}
}
type templatesOut struct {
	Body struct {
		Templates []meeting.Template `json:"templates"`
	}
}

// TemplateBody creates or edits a meeting template.
type TemplateBody struct {
	Type        string                     `json:"type" enum:"new_client,revisit,key_account,important_client,internal"`
	Name        string                     `json:"name" maxLength:"100"`
	DurationMin int                        `json:"duration_min,omitempty" minimum:"0" maximum:"1440"`
	Agenda      []meeting.TemplateAgenda   `json:"agenda,omitempty" maxItems:"50"`
	Attendees   []meeting.TemplateAttendee `json:"attendees,omitempty" maxItems:"300"`
	Active      *bool                      `json:"active,omitempty" doc:"Default true"`
}

func (b TemplateBody) template() meeting.Template {
	t := meeting.Template{Type: b.Type, Name: b.Name, DurationMin: b.DurationMin, Agenda: b.Agenda, Attendees: b.Attendees, Active: true}
	if b.Active != nil {
		t.Active = *b.Active
	}
	return t
}

type templateIn struct{ Body TemplateBody }
type templateUpdateIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body TemplateBody
}
type templateOut struct {
	Status int
	Body   meeting.Template
}

func (s *Server) routesMeetingWrapup() {
	m := s.app.Meetings
	const tag = "meetings"
	handle(s, op(http.MethodGet, "/meetings/{id}/wrapup", "get-wrapup", "Negotiation (if you may read it), review, revisits, follow-up and improvement tasks", tag, false),
		func(ctx context.Context, a access.Actor, in *meetingIDIn) (*wrapupOut, error) {
			w, err := m.Wrapup(ctx, a, in.ID, "api")
			return &wrapupOut{Body: w}, err
		})
	handle(s, op(http.MethodGet, "/meetings/{id}/negotiation", "get-negotiation", "The negotiation record (confidential; reads are logged)", tag, false),
		func(ctx context.Context, a access.Actor, in *meetingIDIn) (*negotiationOut, error) {
			n, err := m.ReadNegotiation(ctx, a, in.ID, "api")
			return &negotiationOut{Body: n}, err
		})
	handle(s, op(http.MethodPut, "/meetings/{id}/negotiation", "save-negotiation", "Record goals, bottom line, pricing, terms and outcome", tag, false),
		func(ctx context.Context, a access.Actor, in *negotiationIn) (*negotiationOut, error) {
			b := in.Body
			n, err := m.SaveNegotiation(ctx, a, in.ID, meeting.NegotiationInput{Goals: b.Goals, BottomLine: b.BottomLine, Strategy: b.Strategy, Pricing: b.Pricing,
				QuotedFen: b.QuotedFen, AgreedFen: b.AgreedFen, CooperationMode: b.CooperationMode, PaymentTerms: b.PaymentTerms, DeliveryTerms: b.DeliveryTerms,
				AfterSales: b.AfterSales, Outcome: b.Outcome, OutcomeNote: b.OutcomeNote, AgreementNo: b.AgreementNo, AgreementSignedAt: b.AgreementSignedAt, AgreementSummary: b.AgreementSummary})
			return &negotiationOut{Body: n}, err
		})
	handle(s, op(http.MethodPost, "/meetings/{id}/negotiation/archive", "archive-agreement", "File the signed agreement; the record becomes read-only", tag, false),
		func(ctx context.Context, a access.Actor, in *meetingIDIn) (*negotiationOut, error) {
			n, err := m.ArchiveAgreement(ctx, a, in.ID)
			return &negotiationOut{Body: n}, err
		})
	handle(s, op(http.MethodGet, "/meetings/{id}/review", "get-review", "The meeting's summary report", tag, false),
		func(ctx context.Context, a access.Actor, in *meetingIDIn) (*reviewOut, error) {
			r, err := m.ReadReview(ctx, a, in.ID, "api")
			return &reviewOut{Body: r}, err
		})
	handle(s, op(http.MethodPut, "/meetings/{id}/review", "save-review", "Save (and optionally submit) the summary report; improvements are action items of kind improvement", tag, false),
		func(ctx context.Context, a access.Actor, in *reviewIn) (*reviewOut, error) {
			b := in.Body
			r, err := m.SaveReview(ctx, a, in.ID, meeting.ReviewInput{Summary: b.Summary, ClientFeedback: b.ClientFeedback, Problems: b.Problems, Satisfaction: b.Satisfaction, Submit: b.Submit})
			return &reviewOut{Body: r}, err
		})
	handle(s, op(http.MethodPost, "/meetings/{id}/revisits", "add-revisit", "Schedule a visit back to the client", tag, false),
		func(ctx context.Context, a access.Actor, in *revisitIn) (*revisitOut, error) {
			r, err := m.AddRevisit(ctx, a, in.ID, in.Body.DueAt, in.Body.OwnerID, in.Body.Purpose)
			return &revisitOut{Status: http.StatusCreated, Body: r}, err
		})
	handle(s, op(http.MethodPost, "/revisits/{id}/done", "revisit-done", "Mark a revisit made", tag, false),
		func(ctx context.Context, a access.Actor, in *revisitDoneIn) (*noContent, error) {
			return done(m.DoneRevisit(ctx, a, in.ID, in.Body.MeetingID, in.Body.Note))
		})
	handle(s, op(http.MethodGet, "/meeting-templates", "list-meeting-templates", "Templates of agenda and attendees per meeting type", tag, false),
		func(ctx context.Context, a access.Actor, _ *empty) (*templatesOut, error) {
			ts, err := m.Templates(ctx, a, true)
			out := &templatesOut{}
			out.Body.Templates = ts
			if out.Body.Templates == nil {
				out.Body.Templates = []meeting.Template{}
			}
			return out, err
		})
	handle(s, op(http.MethodPost, "/meeting-templates", "create-meeting-template", "Create a template (office, supervisor)", tag, false),
		func(ctx context.Context, a access.Actor, in *templateIn) (*templateOut, error) {
			id, err := m.SaveTemplate(ctx, a, 0, in.Body.template())
			if err != nil {
				return nil, err
			}
			t, err := m.Template(ctx, a, id)
			return &templateOut{Status: http.StatusCreated, Body: t}, err
		})
	handle(s, op(http.MethodPut, "/meeting-templates/{id}", "update-meeting-template", "Edit a template (office, supervisor)", tag, false),
		func(ctx context.Context, a access.Actor, in *templateUpdateIn) (*templateOut, error) {
			if _, err := m.SaveTemplate(ctx, a, in.ID, in.Body.template()); err != nil {
				return nil, err
			}
			t, err := m.Template(ctx, a, in.ID)
			return &templateOut{Status: http.StatusOK, Body: t}, err
		})
}
