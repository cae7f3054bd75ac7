package meeting

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// Filter selects meetings for the list and the archive search
// (004 第三章 五: by client, type, date and text).
type Filter struct {
	ClientOrgID int64
	Client      string // part of the client's name
	Type        string
	Status      string
	From, To    time.Time // start time range [From, To)
	Text        string    // in title, purpose, place, and (when admitted) minutes, resolutions and results
	Mine        bool      // only meetings the actor is named on
	Limit       int
	Offset      int
}

// MaxQuery is the longest search text accepted.
const MaxQuery = 100

// Hit is one meeting found, with a snippet of where the text matched.
type Hit struct {
	Meeting
	MinutesStatus string    `json:"minutes_status,omitempty"`
	DraftDueAt    time.Time `json:"draft_due_at,omitzero"`
	SendDueAt     time.Time `json:"send_due_at,omitzero"`
	DraftLate     bool      `json:"draft_late"`
	SendLate      bool      `json:"send_late"`
	Snippet       string    `json:"snippet,omitempty"`
}

const meetingColsM = `m.id, m.type, m.title, m.purpose, COALESCE(m.client_org_id, 0), m.client_name, COALESCE(m.department_id, 0),
	m.convener_id, m.host_id, COALESCE(m.recorder_id, 0), COALESCE(m.leader_id, 0), COALESCE(m.supervisor_id, 0),
	m.start_at, m.end_at, m.place, COALESCE(m.booking_id, 0), COALESCE(m.venue_id, 0), m.level, m.status, COALESCE(m.approval_chain_id, 0), COALESCE(m.template_id, 0),
	m.notice_seq, m.noticed_at, m.started_at, m.ended_at, m.closed_at, m.host_notes, m.cancel_reason, m.created_at, m.updated_at`

// meetingColsGroup lists the meeting columns for GROUP BY.
const meetingColsGroup = `m.id, m.type, m.title, m.purpose, m.client_org_id, m.client_name, m.department_id,
	m.convener_id, m.host_id, m.recorder_id, m.leader_id, m.supervisor_id,
	m.start_at, m.end_at, m.place, m.booking_id, m.venue_id, m.level, m.status, m.approval_chain_id, m.template_id,
	m.notice_seq, m.noticed_at, m.started_at, m.ended_at, m.closed_at, m.host_notes, m.cancel_reason, m.created_at, m.updated_at`

// likeEscape escapes LIKE wildcards in user text (escape character !).
func likeEscape(s string) string {
	return strings.NewReplacer("!", "!!", "%", "!%", "_", "!_").Replace(s)
}

// Search lists the meetings the actor may read that match the filter,
// newest first. Text matches inside minutes, resolutions and results count
// only where the actor is admitted to the minutes, and only then is a
// snippet of them shown. Every confidential meeting in the result is
// logged as read (route "search").
func (s *Service) Search(ctx context.Context, a access.Actor, f Filter) ([]Hit, error) {
	if !a.IsStaff() {
		return nil, errs.Forbid()
	}
	f.Text = strings.TrimSpace(f.Text)
	f.Client = strings.TrimSpace(f.Client)
	if utf8.RuneCountInString(f.Text) > MaxQuery {
		return nil, errs.Field("q", "err.too_long", "max", MaxQuery)
	}
	if utf8.RuneCountInString(f.Client) > MaxName {
		return nil, errs.Field("client", "err.too_long", "max", MaxName)
	}
	if f.Type != "" && !ValidType(f.Type) {
		return nil, errs.Field("type", "err.meeting.type")
	}
	meetAdmit, meetArgs := admitSQL(a, "m.level")
	minAdmit, minArgs := admitSQL(a, "COALESCE(mm.level, m.level)")
	var where []string
	var args []any
	add := func(cond string, v ...any) { where = append(where, cond); args = append(args, v...) }
	add(meetAdmit, meetArgs...)
	if f.Mine {
		add(namedSQL, namedArgs(a)...)
	}
	if f.ClientOrgID != 0 {
		add("m.client_org_id = ?", f.ClientOrgID)
	}
	if f.Client != "" {
		add("LOWER(m.client_name) LIKE ? ESCAPE '!'", "%"+likeEscape(strings.ToLower(f.Client))+"%")
	}
	if f.Type != "" {
		add("m.type = ?", f.Type)
	}
	if f.Status != "" {
		add("m.status = ?", f.Status)
	}
	if !f.From.IsZero() {
		add("m.start_at >= ?", store.Ms(f.From))
	}
	if !f.To.IsZero() {
		add("m.start_at < ?", store.Ms(f.To))
	}
	if f.Text != "" {
		p := "%" + likeEscape(strings.ToLower(f.Text)) + "%"
		cond := `(LOWER(m.title) LIKE ? ESCAPE '!' OR LOWER(m.purpose) LIKE ? ESCAPE '!' OR LOWER(m.client_name) LIKE ? ESCAPE '!' OR LOWER(m.place) LIKE ? ESCAPE '!'
			OR (` + minAdmit + ` AND (mm.search_text LIKE ? ESCAPE '!'
				OR EXISTS (SELECT 1 FROM meeting_resolutions r WHERE r.meeting_id = m.id AND LOWER(r.text) LIKE ? ESCAPE '!')
				OR EXISTS (SELECT 1 FROM meeting_action_items ai LEFT JOIN tasks t ON t.id = ai.task_id WHERE ai.meeting_id = m.id AND (LOWER(ai.goal) LIKE ? ESCAPE '!' OR LOWER(COALESCE(t.result, '')) LIKE ? ESCAPE '!'))
				OR EXISTS (SELECT 1 FROM meeting_reviews rv WHERE rv.meeting_id = m.id AND LOWER(rv.summary || ' ' || rv.client_feedback || ' ' || rv.problems) LIKE ? ESCAPE '!'))))`
		cargs := []any{p, p, p, p}
		cargs = append(cargs, minArgs...)
		cargs = append(cargs, p, p, p, p, p)
		add(cond, cargs...)
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	// The minutes text is selected only where the actor is admitted to it.
	sel := `SELECT ` + meetingColsM + `, COALESCE(mm.status, ''), mm.draft_due_at, mm.send_due_at, mm.submitted_at, mm.distributed_at,
		COALESCE(mm.level, m.level), CASE WHEN ` + minAdmit + ` THEN COALESCE(mm.search_text, '') ELSE '' END
		FROM meetings m LEFT JOIN meeting_minutes mm ON mm.meeting_id = m.id WHERE ` + strings.Join(where, " AND ") +
		fmt.Sprintf(` ORDER BY m.start_at DESC, m.id DESC LIMIT %d OFFSET %d`, f.Limit, f.Offset)
	allArgs := append(append([]any{}, minArgs...), args...)
	rows, err := s.DB.Query(ctx, sel, allArgs...)
	if err != nil {
		return nil, fmt.Errorf("search meetings: %w", err)
	}
	defer rows.Close()
	now := s.now()
	var out []Hit
	var reads []Read
	for rows.Next() {
		var h Hit
		var draftDue, sendDue, submitted, distributed sql.NullInt64
		var minLevel, body string
		m, err := scanMeeting(multiScan(rows, &h.MinutesStatus, &draftDue, &sendDue, &submitted, &distributed, &minLevel, &body))
		if err != nil {
			return nil, fmt.Errorf("scan meeting: %w", err)
		}
		h.Meeting = m
		if draftDue.Valid {
			mn := Minutes{DraftDueAt: store.NullMs(draftDue), SendDueAt: store.NullMs(sendDue), SubmittedAt: store.NullMs(submitted), DistributedAt: store.NullMs(distributed)}
			h.DraftDueAt, h.SendDueAt = mn.DraftDueAt, mn.SendDueAt
			h.DraftLate, h.SendLate = mn.DraftLateAt(now), mn.SendLateAt(now)
		}
		h.Snippet = snippet(f.Text, []string{m.Title, m.Purpose, m.ClientName, m.Place, body})
		if m.Confidential() {
			reads = append(reads, Read{Entity: EntityMeeting, ID: m.ID, Level: m.Level, Via: "search"})
		}
		if f.Text != "" && body != "" && Confidential(minLevel) {
			reads = append(reads, Read{Entity: EntityMinutes, ID: m.ID, Level: minLevel, Via: "search"})
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for _, r := range reads {
		if err := s.logRead(ctx, a, r, true); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// multiScan scans the meeting columns followed by extra destinations.
type rowScanner struct {
	rows  *sql.Rows
	extra []any
}

func multiScan(rows *sql.Rows, extra ...any) scanner { return rowScanner{rows: rows, extra: extra} }

func (r rowScanner) Scan(dest ...any) error { return r.rows.Scan(append(dest, r.extra...)...) }

// snippet returns the text around the first match of q among the fields,
// or "" without a query or match.
func snippet(q string, fields []string) string {
	if q == "" {
		return ""
	}
	lq := []rune(strings.ToLower(q))
	for _, f := range fields {
		rs := []rune(f)
		lower := []rune(strings.ToLower(f))
		if len(lower) != len(rs) {
			lower = rs
		}
		for i := 0; i+len(lq) <= len(lower); i++ {
			if string(lower[i:i+len(lq)]) != string(lq) {
				continue
			}
			from, to := max(0, i-30), min(len(rs), i+len(lq)+30)
			out := strings.ReplaceAll(string(rs[from:to]), "\n", " ")
			if from > 0 {
				out = "…" + out
			}
			if to < len(rs) {
				out += "…"
			}
			return out
		}
	}
	return ""
}

// HistoryEntry is one meeting with a client, for the client's history.
type HistoryEntry struct {
	ID      int64
	Title   string // only the number for confidential meetings
	StartAt time.Time
	Status  string
}

// ClientHistory lists the meetings held (or planned) with a client
// organisation, newest first. The client register shows them to whoever
// reads the client, so confidential meetings appear by number only.
func ClientHistory(ctx context.Context, q store.Querier, orgID int64) ([]HistoryEntry, error) {
	rows, err := q.Query(ctx, `SELECT id, title, level, start_at, status FROM meetings WHERE client_org_id = ? ORDER BY start_at DESC, id DESC LIMIT 200`, orgID)
	if err != nil {
		return nil, fmt.Errorf("meetings of client %d: %w", orgID, err)
	}
	defer rows.Close()
	var out []HistoryEntry
	for rows.Next() {
		var h HistoryEntry
		var level string
		var start int64
		if err := rows.Scan(&h.ID, &h.Title, &level, &start, &h.Status); err != nil {
			return nil, err
		}
		h.Title, h.StartAt = redacted(h.Title, level, h.ID), store.Time(start)
		out = append(out, h)
	}
	return out, rows.Err()
}
