package meeting

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/namecheck"
	"jiedai/internal/store"
)

// Template is a ready agenda and attendee list for a type of meeting.
type Template struct {
	ID          int64              `json:"id"`
	Type        string             `json:"type"`
	Name        string             `json:"name"`
	DurationMin int                `json:"duration_min"`
	Agenda      []TemplateAgenda   `json:"agenda"`
	Attendees   []TemplateAttendee `json:"attendees"`
	Active      bool               `json:"active"`
	UpdatedAt   time.Time          `json:"updated_at"`
}

// TemplateAgenda is one agenda item of a template.
type TemplateAgenda struct {
	Topic   string `json:"topic"`
	Minutes int    `json:"minutes"`
}

// TemplateAttendee names a user who is usually asked to this kind of
// meeting, as required or invited.
type TemplateAttendee struct {
	Kind   string `json:"kind"`
	UserID int64  `json:"user_id"`
}

// apply fills an input's empty agenda, attendees and end time from the
// template.
func (t Template) apply(in *Input) {
	if in.Type == "" {
		in.Type = t.Type
	}
	if len(in.Agenda) == 0 {
		for _, it := range t.Agenda {
			in.Agenda = append(in.Agenda, AgendaInput{Topic: it.Topic, Minutes: it.Minutes})
		}
	}
	if len(in.Attendees) == 0 {
		for _, at := range t.Attendees {
			in.Attendees = append(in.Attendees, AttendeeInput{Kind: at.Kind, UserID: at.UserID})
		}
	}
	if in.EndAt.IsZero() && !in.StartAt.IsZero() && t.DurationMin > 0 {
		in.EndAt = in.StartAt.Add(time.Duration(t.DurationMin) * time.Minute)
	}
}

func scanTemplate(sc scanner) (Template, error) {
	var t Template
	var agenda, attendees string
	var updated int64
	if err := sc.Scan(&t.ID, &t.Type, &t.Name, &t.DurationMin, &agenda, &attendees, &t.Active, &updated); err != nil {
		return t, err
	}
	t.UpdatedAt = store.Time(updated)
	if err := json.Unmarshal([]byte(agenda), &t.Agenda); err != nil {
		return t, fmt.Errorf("decode template %d agenda: %w", t.ID, err)
	}
	if err := json.Unmarshal([]byte(attendees), &t.Attendees); err != nil {
		return t, fmt.Errorf("decode template %d attendees: %w", t.ID, err)
	}
	return t, nil
}

const templateCols = `id, type, name, duration_min, agenda_json, attendees_json, active, updated_at`

func getTemplate(ctx context.Context, q store.Querier, id int64) (Template, error) {
	t, err := scanTemplate(q.QueryRow(ctx, `SELECT `+templateCols+` FROM meeting_templates WHERE id = ?`, id))
	if err != nil {
		return t, errs.Wrap(store.MapError(err), fmt.Sprintf("get template %d", id))
	}
	return t, nil
}

// Templates lists the templates (active only unless all).
func (s *Service) Templates(ctx context.Context, a access.Actor, all bool) ([]Template, error) {
	if !a.IsStaff() {
		return nil, errs.Forbid()
	}
	q := `SELECT ` + templateCols + ` FROM meeting_templates`
	if !all {
		q += ` WHERE active = TRUE`
	}
	rows, err := s.DB.Query(ctx, q+` ORDER BY type, name, id`)
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	defer rows.Close()
	var out []Template
	for rows.Next() {
		t, err := scanTemplate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Template returns one template.
func (s *Service) Template(ctx context.Context, a access.Actor, id int64) (Template, error) {
	if !a.IsStaff() {
		return Template{}, errs.Forbid()
	}
	return getTemplate(ctx, s.DB, id)
}

// SaveTemplate creates (id 0) or edits a template; office, supervisors and
// admins keep them.
func (s *Service) SaveTemplate(ctx context.Context, a access.Actor, id int64, t Template) (int64, error) {
	if !a.Has(access.Office, access.Supervisor) {
		return 0, errs.Forbid()
	}
	var l errs.List
	if !ValidType(t.Type) {
		l.Add("type", "err.meeting.type")
	}
	t.Name = namecheck.Check(&l, "name", t.Name, true, MaxName)
	if t.DurationMin < 0 || t.DurationMin > 24*60 {
		l.Add("duration_min", "err.meeting.minutes_range")
	}
	if len(t.Agenda) > MaxAgenda {
		l.Add("agenda", "err.meeting.too_many", "max", MaxAgenda)
	}
	for i := range t.Agenda {
		t.Agenda[i].Topic = text(&l, fmt.Sprintf("agenda.%d.topic", i), t.Agenda[i].Topic, true, MaxTitle)
		if t.Agenda[i].Minutes < 0 || t.Agenda[i].Minutes > 24*60 {
			l.Add(fmt.Sprintf("agenda.%d.minutes", i), "err.meeting.minutes_range")
		}
	}
	for i, at := range t.Attendees {
		if at.Kind != KindRequired && at.Kind != KindInvited {
			l.Add(fmt.Sprintf("attendees.%d.kind", i), "err.invalid")
		}
		if ok, err := activeUser(ctx, s.DB, at.UserID); err != nil {
			return 0, err
		} else if !ok {
			l.Add(fmt.Sprintf("attendees.%d.user_id", i), "err.meeting.unknown_user")
		}
	}
	if err := l.Err(); err != nil {
		return 0, err
	}
	if t.Agenda == nil {
		t.Agenda = []TemplateAgenda{}
	}
	if t.Attendees == nil {
		t.Attendees = []TemplateAttendee{}
	}
	agenda, _ := json.Marshal(t.Agenda)
	attendees, _ := json.Marshal(t.Attendees)
	now := s.now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		if id == 0 {
			var err error
			id, err = store.InsertID(ctx, tx, `INSERT INTO meeting_templates (type, name, duration_min, agenda_json, attendees_json, active, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				t.Type, t.Name, t.DurationMin, string(agenda), string(attendees), t.Active, store.IDOrNil(a.UserID), store.Ms(now), store.Ms(now))
			if err != nil {
				return fmt.Errorf("insert template: %w", err)
			}
			return audit.Record(ctx, tx, now, a, EntityTemplate, id, "create", nil, t)
		}
		before, err := getTemplate(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE meeting_templates SET type = ?, name = ?, duration_min = ?, agenda_json = ?, attendees_json = ?, active = ?, updated_at = ? WHERE id = ?`,
			t.Type, t.Name, t.DurationMin, string(agenda), string(attendees), t.Active, store.Ms(now), id); err != nil {
			return fmt.Errorf("update template %d: %w", id, err)
		}
		return audit.Record(ctx, tx, now, a, EntityTemplate, id, "update", before, t)
	})
	return id, err
}
