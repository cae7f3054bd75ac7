package meeting

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/money"
	"jiedai/internal/store"
)

// Negotiation outcomes.
const (
	OutcomeOpen    = "open"
	OutcomeAgreed  = "agreed"
	OutcomePartial = "partial"
	OutcomeFailed  = "failed"
)

// Outcomes lists the negotiation outcomes.
var Outcomes = []string{OutcomeOpen, OutcomeAgreed, OutcomePartial, OutcomeFailed}

// Negotiation is the 商务洽谈 record of a client meeting (000 商务洽谈管理):
// goals and bottom line, pricing, terms, the outcome and the agreement.
// It is at least confidential whatever the meeting's level.
type Negotiation struct {
	MeetingID         int64     `json:"meeting_id"`
	Level             string    `json:"level"`
	Goals             string    `json:"goals"`
	BottomLine        string    `json:"bottom_line"`
	Strategy          string    `json:"strategy"`
	Pricing           string    `json:"pricing"`
	QuotedFen         int64     `json:"quoted_fen"`
	AgreedFen         int64     `json:"agreed_fen"`
	CooperationMode   string    `json:"cooperation_mode"`
	PaymentTerms      string    `json:"payment_terms"`
	DeliveryTerms     string    `json:"delivery_terms"`
	AfterSales        string    `json:"after_sales"`
	Outcome           string    `json:"outcome"`
	OutcomeNote       string    `json:"outcome_note"`
	AgreementNo       string    `json:"agreement_no"`
	AgreementSignedAt time.Time `json:"agreement_signed_at,omitzero"`
	AgreementSummary  string    `json:"agreement_summary"`
	ArchivedAt        time.Time `json:"archived_at,omitzero"`
	ArchivedBy        int64     `json:"archived_by,omitempty"`
	UpdatedBy         int64     `json:"updated_by,omitempty"`
	UpdatedAt         time.Time `json:"updated_at,omitzero"`
	Exists            bool      `json:"exists"`
}

// NegotiationLevel is the level of a meeting's negotiation record.
func NegotiationLevel(m Meeting) string { return maxLevel(m.Level, access.Confidential) }

func getNegotiation(ctx context.Context, q store.Querier, m Meeting) (Negotiation, error) {
	n := Negotiation{MeetingID: m.ID, Level: NegotiationLevel(m), Outcome: OutcomeOpen}
	var signed, archived sql.NullInt64
	var updated int64
	err := q.QueryRow(ctx, `SELECT goals, bottom_line, strategy, pricing, quoted_fen, agreed_fen, cooperation_mode, payment_terms, delivery_terms, after_sales,
		outcome, outcome_note, agreement_no, agreement_signed_at, agreement_summary, archived_at, COALESCE(archived_by, 0), COALESCE(updated_by, 0), updated_at
		FROM meeting_negotiations WHERE meeting_id = ?`, m.ID).Scan(&n.Goals, &n.BottomLine, &n.Strategy, &n.Pricing, &n.QuotedFen, &n.AgreedFen,
		&n.CooperationMode, &n.PaymentTerms, &n.DeliveryTerms, &n.AfterSales, &n.Outcome, &n.OutcomeNote, &n.AgreementNo, &signed,
		&n.AgreementSummary, &archived, &n.ArchivedBy, &n.UpdatedBy, &updated)
	if store.IsNoRows(err) {
		return n, nil
	}
	if err != nil {
		return n, fmt.Errorf("negotiation of meeting %d: %w", m.ID, err)
	}
	n.Exists = true
	n.AgreementSignedAt, n.ArchivedAt, n.UpdatedAt = store.NullMs(signed), store.NullMs(archived), store.Time(updated)
	return n, nil
}

// ReadNegotiation returns the negotiation record for those admitted at its
// level (named on the meeting, or cleared for confidential); every read is
// logged.
func (s *Service) ReadNegotiation(ctx context.Context, a access.Actor, meetingID int64, via string) (Negotiation, error) {
	m, err := get(ctx, s.DB, meetingID)
	if err != nil {
		return Negotiation{}, err
	}
	if err := s.guard(ctx, a, m, Read{Entity: EntityNegotiation, ID: m.ID, Level: NegotiationLevel(m), Via: via}); err != nil {
		return Negotiation{}, err
	}
	if m.Type == TypeInternal {
		return Negotiation{}, errs.New(errs.NotFound, "err.meeting.no_negotiation")
	}
	return getNegotiation(ctx, s.DB, m)
}

// NegotiationInput is what the negotiation form takes.
type NegotiationInput struct {
	Goals, BottomLine, Strategy, Pricing                     string
	QuotedFen, AgreedFen                                     int64
	CooperationMode, PaymentTerms, DeliveryTerms, AfterSales string
	Outcome, OutcomeNote, AgreementNo, AgreementSummary      string
	AgreementSignedAt                                        time.Time
}

// SaveNegotiation records goals, pricing, terms and outcome; the host,
// convener and recorder keep it until the agreement is archived.
func (s *Service) SaveNegotiation(ctx context.Context, a access.Actor, meetingID int64, in NegotiationInput) (Negotiation, error) {
	now := s.now()
	var out Negotiation
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := get(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		if !canRecord(a, m) {
			return errs.Forbid()
		}
		if m.Type == TypeInternal || m.Status == StatusCancelled || m.Status == StatusRejected {
			return errs.State(m.Status, "negotiation")
		}
		old, err := getNegotiation(ctx, tx, m)
		if err != nil {
			return err
		}
		if !old.ArchivedAt.IsZero() {
			return errs.New(errs.Conflict, "err.meeting.agreement_archived")
		}
		var l errs.List
		in.Goals = text(&l, "goals", in.Goals, false, MaxText)
		in.BottomLine = text(&l, "bottom_line", in.BottomLine, false, MaxText)
		in.Strategy = text(&l, "strategy", in.Strategy, false, MaxText)
		in.Pricing = text(&l, "pricing", in.Pricing, false, MaxText)
		in.CooperationMode = text(&l, "cooperation_mode", in.CooperationMode, false, MaxText)
		in.PaymentTerms = text(&l, "payment_terms", in.PaymentTerms, false, MaxText)
		in.DeliveryTerms = text(&l, "delivery_terms", in.DeliveryTerms, false, MaxText)
		in.AfterSales = text(&l, "after_sales", in.AfterSales, false, MaxText)
		in.OutcomeNote = text(&l, "outcome_note", in.OutcomeNote, false, MaxText)
		in.AgreementNo = text(&l, "agreement_no", in.AgreementNo, false, MaxName)
		in.AgreementSummary = text(&l, "agreement_summary", in.AgreementSummary, false, MaxLongText)
		if in.Outcome == "" {
			in.Outcome = OutcomeOpen
		}
		ok := false
		for _, o := range Outcomes {
			ok = ok || o == in.Outcome
		}
		if !ok {
			l.Add("outcome", "err.invalid")
		}
		money.Check(&l, "quoted_fen", in.QuotedFen)
		money.Check(&l, "agreed_fen", in.AgreedFen)
		if err := l.Err(); err != nil {
			return err
		}
		ms := store.Ms(now)
		_, err = tx.Exec(ctx, `INSERT INTO meeting_negotiations (meeting_id, goals, bottom_line, strategy, pricing, quoted_fen, agreed_fen, cooperation_mode, payment_terms, delivery_terms, after_sales,
			outcome, outcome_note, agreement_no, agreement_signed_at, agreement_summary, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (meeting_id) DO UPDATE SET goals = excluded.goals, bottom_line = excluded.bottom_line, strategy = excluded.strategy, pricing = excluded.pricing,
			quoted_fen = excluded.quoted_fen, agreed_fen = excluded.agreed_fen, cooperation_mode = excluded.cooperation_mode, payment_terms = excluded.payment_terms,
			delivery_terms = excluded.delivery_terms, after_sales = excluded.after_sales, outcome = excluded.outcome, outcome_note = excluded.outcome_note,
			agreement_no = excluded.agreement_no, agreement_signed_at = excluded.agreement_signed_at, agreement_summary = excluded.agreement_summary,
			updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			meetingID, in.Goals, in.BottomLine, in.Strategy, in.Pricing, in.QuotedFen, in.AgreedFen, in.CooperationMode, in.PaymentTerms, in.DeliveryTerms, in.AfterSales,
			in.Outcome, in.OutcomeNote, in.AgreementNo, store.MsOrNil(in.AgreementSignedAt), in.AgreementSummary, store.IDOrNil(a.UserID), ms)
		if err != nil {
			return fmt.Errorf("save negotiation of meeting %d: %w", meetingID, err)
		}
		// the audit row says what changed, never the confidential text
		if err := audit.Record(ctx, tx, now, a, EntityNegotiation, meetingID, "update", map[string]any{"outcome": old.Outcome}, map[string]any{"outcome": in.Outcome, "agreement_no": in.AgreementNo}); err != nil {
			return err
		}
		out, err = getNegotiation(ctx, tx, m)
		return err
	})
	return out, err
}

// ArchiveAgreement files the signed agreement (协议签订与存档): it needs an
// agreed (or partly agreed) outcome, the agreement number and signing date;
// afterwards the record is read-only.
func (s *Service) ArchiveAgreement(ctx context.Context, a access.Actor, meetingID int64) (Negotiation, error) {
	now := s.now()
	var out Negotiation
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := get(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		if !canManage(a, m) {
			return errs.Forbid()
		}
		n, err := getNegotiation(ctx, tx, m)
		if err != nil {
			return err
		}
		if !n.ArchivedAt.IsZero() {
			return errs.New(errs.Conflict, "err.meeting.agreement_archived")
		}
		var l errs.List
		if n.Outcome != OutcomeAgreed && n.Outcome != OutcomePartial {
			l.Add("outcome", "err.meeting.no_agreement")
		}
		if n.AgreementNo == "" {
			l.Add("agreement_no", "err.required")
		}
		if n.AgreementSignedAt.IsZero() {
			l.Add("agreement_signed_at", "err.required")
		}
		if err := l.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE meeting_negotiations SET archived_at = ?, archived_by = ? WHERE meeting_id = ?`, store.Ms(now), a.UserID, meetingID); err != nil {
			return fmt.Errorf("archive agreement of meeting %d: %w", meetingID, err)
		}
		if err := audit.Record(ctx, tx, now, a, EntityNegotiation, meetingID, "archive", nil, map[string]any{"agreement_no": n.AgreementNo}); err != nil {
			return err
		}
		out, err = getNegotiation(ctx, tx, m)
		return err
	})
	return out, err
}

// Revisit is a planned visit back to the client after the meeting
// (定期回访客户).
type Revisit struct {
	ID            int64     `json:"id"`
	MeetingID     int64     `json:"meeting_id"`
	ClientName    string    `json:"client_name"`
	DueAt         time.Time `json:"due_at"`
	OwnerID       int64     `json:"owner_id"`
	Purpose       string    `json:"purpose"`
	Status        string    `json:"status"`
	DoneMeetingID int64     `json:"done_meeting_id,omitempty"`
	Note          string    `json:"note,omitempty"`
	Overdue       bool      `json:"overdue"`
}

// Revisit statuses.
const (
	RevisitPlanned = "planned"
	RevisitDone    = "done"
)

func listRevisits(ctx context.Context, q store.Querier, where string, now time.Time, args ...any) ([]Revisit, error) {
	rows, err := q.Query(ctx, `SELECT id, meeting_id, client_name, due_at, owner_id, purpose, status, COALESCE(done_meeting_id, 0), note FROM meeting_revisits WHERE `+where+` ORDER BY due_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("list revisits: %w", err)
	}
	defer rows.Close()
	var out []Revisit
	for rows.Next() {
		var r Revisit
		var due int64
		if err := rows.Scan(&r.ID, &r.MeetingID, &r.ClientName, &due, &r.OwnerID, &r.Purpose, &r.Status, &r.DoneMeetingID, &r.Note); err != nil {
			return nil, err
		}
		r.DueAt = store.Time(due)
		r.Overdue = r.Status == RevisitPlanned && now.After(r.DueAt)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Revisits lists a meeting's revisit schedule for those who may read the
// meeting.
func (s *Service) Revisits(ctx context.Context, a access.Actor, meetingID int64) ([]Revisit, error) {
	if _, err := s.viewable(ctx, a, meetingID, "page"); err != nil {
		return nil, err
	}
	return listRevisits(ctx, s.DB, "meeting_id = ?", s.now(), meetingID)
}

// AddRevisit schedules a visit back to the client with an owner.
func (s *Service) AddRevisit(ctx context.Context, a access.Actor, meetingID int64, due time.Time, ownerID int64, purpose string) (Revisit, error) {
	now := s.now()
	var out Revisit
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		m, err := get(ctx, tx, meetingID)
		if err != nil {
			return err
		}
		if !canRecord(a, m) {
			return errs.Forbid()
		}
		if m.Type == TypeInternal || (m.Status != StatusEnded && m.Status != StatusClosed) {
			return errs.State(m.Status, "revisit")
		}
		var l errs.List
		purpose = text(&l, "purpose", purpose, true, MaxText)
		if due.IsZero() {
			l.Add("due_at", "err.required")
		}
		if ownerID == 0 {
			l.Add("owner_id", "err.required")
		} else if ok, err := activeUser(ctx, tx, ownerID); err != nil {
			return err
		} else if !ok {
			l.Add("owner_id", "err.meeting.unknown_user")
		}
		if err := l.Err(); err != nil {
			return err
		}
		id, err := store.InsertID(ctx, tx, `INSERT INTO meeting_revisits (meeting_id, client_org_id, client_name, due_at, owner_id, purpose, status, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			meetingID, store.IDOrNil(m.ClientOrgID), m.ClientName, store.Ms(due), ownerID, purpose, RevisitPlanned, store.IDOrNil(a.UserID), store.Ms(now), store.Ms(now))
		if err != nil {
			return fmt.Errorf("insert revisit: %w", err)
		}
		out = Revisit{ID: id, MeetingID: meetingID, ClientName: m.ClientName, DueAt: due, OwnerID: ownerID, Purpose: purpose, Status: RevisitPlanned}
		if err := audit.Record(ctx, tx, now, a, EntityRevisit, id, "create", nil, out); err != nil {
			return err
		}
		args := msgArgs(m, s.Loc)
		args["due"] = due.In(s.Loc).Format("2006-01-02")
		args["client"] = m.ClientName
		return s.notify(ctx, tx, now, []int64{ownerID}, "meeting.msg.revisit_assigned", args, Link(meetingID)+"/wrapup")
	})
	return out, err
}

// DoneRevisit marks a revisit made, optionally with the revisit meeting.
func (s *Service) DoneRevisit(ctx context.Context, a access.Actor, revisitID, doneMeetingID int64, note string) error {
	now := s.now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		rs, err := listRevisits(ctx, tx, "id = ?", now, revisitID)
		if err != nil {
			return err
		}
		if len(rs) == 0 {
			return errs.Missing()
		}
		r := rs[0]
		m, err := get(ctx, tx, r.MeetingID)
		if err != nil {
			return err
		}
		if a.UserID != r.OwnerID && !canRecord(a, m) {
			return errs.Forbid()
		}
		if r.Status != RevisitPlanned {
			return errs.State(r.Status, "done")
		}
		var l errs.List
		note = text(&l, "note", note, false, MaxText)
		if doneMeetingID != 0 {
			if _, err := get(ctx, tx, doneMeetingID); err != nil {
				l.Add("done_meeting_id", "err.not_found")
			}
		}
		if err := l.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE meeting_revisits SET status = ?, done_meeting_id = ?, note = ?, updated_at = ? WHERE id = ?`, RevisitDone, store.IDOrNil(doneMeetingID), note, store.Ms(now), revisitID); err != nil {
			return fmt.Errorf("mark revisit %d done: %w", revisitID, err)
		}
		return audit.Record(ctx, tx, now, a, EntityRevisit, revisitID, "done", nil, map[string]any{"meeting": doneMeetingID, "note": note})
	})
}
