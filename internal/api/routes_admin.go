package api

import (
	"context"
	"net/http"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/auth"
	"jiedai/internal/errs"
	"jiedai/internal/workday"
)

type usersOut struct {
	Body struct {
		Users []auth.User `json:"users"`
	}
}

// UserBody creates or edits a user.
type UserBody struct {
	Username     string   `json:"username" maxLength:"64"`
	DisplayName  string   `json:"display_name,omitempty" maxLength:"64"`
	Password     string   `json:"password,omitempty" maxLength:"256" doc:"Required on create"`
	Roles        []string `json:"roles" maxItems:"20"`
	DepartmentID int64    `json:"department_id,omitempty"`
	OrgID        int64    `json:"org_id,omitempty"`
	Email        string   `json:"email,omitempty" maxLength:"254"`
	Phone        string   `json:"phone,omitempty" maxLength:"32"`
	Lang         string   `json:"lang,omitempty" enum:"zh-Hans,zh-Hant,en,"`
	Active       *bool    `json:"active,omitempty"`
}

func (b UserBody) input() auth.UserInput {
	active := true
	if b.Active != nil {
		active = *b.Active
	}
	return auth.UserInput{Username: b.Username, DisplayName: b.DisplayName, Password: b.Password, Roles: b.Roles,
		DepartmentID: b.DepartmentID, OrgID: b.OrgID, Email: b.Email, Phone: b.Phone, Lang: b.Lang, Active: active}
}

type userIn struct{ Body UserBody }
type userUpdateIn struct {
	ID   int64 `path:"id" minimum:"1"`
	Body UserBody
}
type userOut struct {
	Status int
	Body   auth.User
}

type deptsOut struct {
	Body struct {
		Departments []auth.Department `json:"departments"`
	}
}

type auditIn struct {
	Entity   string `query:"entity" maxLength:"64"`
	EntityID int64  `query:"entity_id"`
	ActorID  int64  `query:"actor_id"`
	Action   string `query:"action" maxLength:"64"`
	From     string `query:"from" doc:"RFC 3339 time or YYYY-MM-DD"`
	To       string `query:"to" doc:"RFC 3339 time (exclusive) or YYYY-MM-DD (that whole day included, as on the page)"`
	Before   int64  `query:"before" doc:"Paging: entries with a smaller id"`
	Limit    int    `query:"limit" minimum:"0" maximum:"500"`
}

type auditOut struct {
	Body struct {
		Entries []audit.Entry `json:"entries"`
	}
}

type workdaysIn struct {
	From string `query:"from" required:"true" doc:"YYYY-MM-DD"`
	To   string `query:"to" required:"true" doc:"YYYY-MM-DD, inclusive; at most 366 days after from"`
}

type workdaysOut struct {
	Body struct {
		Days     []workday.Day `json:"days"`
		Workdays int           `json:"workdays" doc:"Number of working days in the range"`
	}
}

func (s *Server) routesAdmin() {
	handle(s, op(http.MethodGet, "/users", "list-users", "List users", "admin", false),
		func(ctx context.Context, a access.Actor, _ *empty) (*usersOut, error) {
			list, err := s.app.Auth.List(ctx, a)
			if err != nil {
				return nil, err
			}
			out := &usersOut{}
			out.Body.Users = list
			return out, nil
		})
	handle(s, op(http.MethodPost, "/users", "create-user", "Create a user (admin)", "admin", false),
		func(ctx context.Context, a access.Actor, in *userIn) (*userOut, error) {
			u, err := s.app.Auth.Create(ctx, a, in.Body.input())
			if err != nil {
				return nil, err
			}
			return &userOut{Status: http.StatusCreated, Body: u}, nil
		})
	handle(s, op(http.MethodPatch, "/users/{id}", "update-user", "Edit a user (admin)", "admin", false),
		func(ctx context.Context, a access.Actor, in *userUpdateIn) (*userOut, error) {
			u, err := s.app.Auth.Update(ctx, a, in.ID, in.Body.input())
			if err != nil {
				return nil, err
			}
			return &userOut{Status: http.StatusOK, Body: u}, nil
		})
	handle(s, op(http.MethodGet, "/departments", "list-departments", "List departments", "admin", false),
		func(ctx context.Context, a access.Actor, _ *empty) (*deptsOut, error) {
			if !a.IsStaff() {
				return nil, errs.Forbid()
			}
			d, err := s.app.Auth.Departments(ctx)
			if err != nil {
				return nil, err
			}
			out := &deptsOut{}
			out.Body.Departments = d
			return out, nil
		})
	handle(s, op(http.MethodGet, "/audit", "list-audit", "Browse the audit log (admin, executive, audit)", "admin", false),
		func(ctx context.Context, a access.Actor, in *auditIn) (*auditOut, error) {
			f := audit.Filter{Entity: in.Entity, EntityID: in.EntityID, ActorID: in.ActorID, Action: in.Action, BeforeID: in.Before, Limit: in.Limit}
			if err := f.SetDates(in.From, in.To, s.app.Loc); err != nil {
				return nil, err
			}
			entries, err := s.app.Audit.List(ctx, a, f)
			if err != nil {
				return nil, err
			}
			out := &auditOut{}
			out.Body.Entries = entries
			if out.Body.Entries == nil {
				out.Body.Entries = []audit.Entry{}
			}
			return out, nil
		})
}

func (s *Server) routesWorkdays() {
	handle(s, op(http.MethodGet, "/workdays", "list-workdays", "Working days, holidays and make-up days in a date range", "calendar", false),
		func(ctx context.Context, a access.Actor, in *workdaysIn) (*workdaysOut, error) {
			from, err := workday.ParseDateIn(in.From, s.app.Loc)
			if err != nil {
				return nil, errs.Field("from", "err.bad_date")
			}
			to, err := workday.ParseDateIn(in.To, s.app.Loc)
			if err != nil {
				return nil, errs.Field("to", "err.bad_date")
			}
			days, err := s.app.Calendar.Days(from, to)
			if err != nil {
				return nil, errs.Field("to", "err.range_too_long", "days", workday.MaxDays)
			}
			out := &workdaysOut{}
			out.Body.Days = days
			for _, d := range days {
				if d.Kind == workday.KindWorkday || d.Kind == workday.KindMakeup {
					out.Body.Workdays++
				}
			}
			return out, nil
		})
}

// parseTime reads an optional RFC 3339 time or a YYYY-MM-DD date in the site zone.
func (s *Server) parseTime(field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", v, s.app.Loc); err == nil {
		return t, nil
	}
	return time.Time{}, errs.Field(field, "err.bad_time")
}
