package reception

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/errs"
	"jiedai/internal/store"
)

// Survey kinds: the client's survey (a link that needs no login) and the
// internal evaluation filled in the day after the visit.
const (
	SurveyClient   = "client"
	SurveyInternal = "internal"
)

// Audiences of a criterion: on both surveys, or on the internal one only.
const (
	AudienceAll      = "all"
	AudienceInternal = "internal"
)

// Criterion is a scored line of the survey template (评议内容 / 参照分值).
type Criterion struct {
	ID        int64  `json:"id,omitempty"`
	Seq       int    `json:"seq"`
	Text      string `json:"text"`
	MaxPoints int    `json:"max_points"`
	Audience  string `json:"audience"`
	Active    bool   `json:"active"`
}

// Answer is a criterion as asked in one survey, with its score.
type Answer struct {
	Seq       int    `json:"seq"`
	Criterion string `json:"criterion"`
	MaxPoints int    `json:"max_points"`
	Score     int    `json:"score"`
	Answered  bool   `json:"answered"`
}

// Survey is one filled (or open) survey of a case.
type Survey struct {
	ID          int64     `json:"id"`
	ReceptionID int64     `json:"reception_id"`
	Kind        string    `json:"kind"`
	Token       string    `json:"-"`
	Respondent  string    `json:"respondent,omitempty"`
	Comment     string    `json:"comment,omitempty"`
	Score       int       `json:"score"`
	MaxScore    int       `json:"max_score"`
	SentAt      time.Time `json:"sent_at,omitzero"`
	SubmittedAt time.Time `json:"submitted_at,omitzero"`
	SubmittedBy int64     `json:"submitted_by,omitempty"`
	Answers     []Answer  `json:"answers"`
}

// Percent is the score as a percentage of the maximum.
func (s Survey) Percent() float64 {
	if s.MaxScore == 0 {
		return 0
	}
	return float64(s.Score) * 100 / float64(s.MaxScore)
}

// SurveyInput answers a survey: a score per criterion (by Seq).
type SurveyInput struct {
	Respondent string      `json:"respondent,omitempty"`
	Comment    string      `json:"comment,omitempty"`
	Scores     map[int]int `json:"scores"`
}

// Criteria returns the survey template.
func (s *Service) Criteria(ctx context.Context) ([]Criterion, error) {
	return loadCriteria(ctx, s.DB, false)
}

func loadCriteria(ctx context.Context, q store.Querier, activeOnly bool) ([]Criterion, error) {
	query := `SELECT id, seq, text, max_points, audience, active FROM reception_survey_criteria`
	if activeOnly {
		query += ` WHERE active = TRUE`
	}
	rows, err := q.Query(ctx, query+` ORDER BY seq, id`)
	if err != nil {
		return nil, fmt.Errorf("load survey criteria: %w", err)
	}
	defer rows.Close()
	var out []Criterion
	for rows.Next() {
		var c Criterion
		if err := rows.Scan(&c.ID, &c.Seq, &c.Text, &c.MaxPoints, &c.Audience, &c.Active); err != nil {
			return nil, fmt.Errorf("scan criterion: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SaveCriteria replaces the survey template; the office and admins only.
// Surveys already opened keep their own copy.
func (s *Service) SaveCriteria(ctx context.Context, a access.Actor, cs []Criterion) error {
	if !a.Has(access.Office) {
		return errs.Forbid()
	}
	var l errs.List
	active := 0
	if len(cs) > 50 {
		l.Add("criteria", "err.reception.too_many", "max", 50)
	}
	for i := range cs {
		c := &cs[i]
		trimAll(&c.Text, &c.Audience)
		p := fmt.Sprintf("criteria.%d.", i)
		if c.Text == "" {
			l.Add(p+"text", "err.required")
		} else if utf8.RuneCountInString(c.Text) > MaxShort*2 {
			l.Add(p+"text", "err.too_long", "max", MaxShort*2)
		}
		if c.MaxPoints < 1 || c.MaxPoints > 100 {
			l.Add(p+"max_points", "err.reception.range", "min", 1, "max", 100)
		}
		if c.Audience != AudienceAll && c.Audience != AudienceInternal {
			l.Add(p+"audience", "err.invalid")
		}
		if c.Active {
			active++
		}
	}
	if active == 0 {
		l.Add("criteria", "err.reception.no_criteria")
	}
	if err := l.Err(); err != nil {
		return err
	}
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := loadCriteria(ctx, tx, false)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM reception_survey_criteria`); err != nil {
			return fmt.Errorf("clear criteria: %w", err)
		}
		for i, c := range cs {
			if _, err := tx.Exec(ctx, `INSERT INTO reception_survey_criteria (seq, text, max_points, audience, active, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
				i+1, c.Text, c.MaxPoints, c.Audience, c.Active, store.Ms(now)); err != nil {
				return fmt.Errorf("insert criterion: %w", err)
			}
		}
		return auditCase(ctx, tx, now, a, 0, "survey_template", before, cs)
	})
}

// openSurveys creates the client survey and the internal evaluation of a
// case from the current template (once).
func (s *Service) openSurveys(ctx context.Context, tx store.Querier, now time.Time, rid int64) error {
	cs, err := loadCriteria(ctx, tx, true)
	if err != nil {
		return err
	}
	for _, kind := range []string{SurveyClient, SurveyInternal} {
		var n int
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM reception_surveys WHERE reception_id = ? AND kind = ?`, rid, kind).Scan(&n); err != nil {
			return fmt.Errorf("check survey: %w", err)
		}
		if n > 0 {
			continue
		}
		tok, err := newToken()
		if err != nil {
			return err
		}
		max := 0
		var asked []Criterion
		for _, c := range cs {
			if kind == SurveyInternal || c.Audience == AudienceAll {
				asked = append(asked, c)
				max += c.MaxPoints
			}
		}
		sid, err := store.InsertID(ctx, tx, `INSERT INTO reception_surveys (reception_id, kind, token, max_score, created_at) VALUES (?, ?, ?, ?, ?)`, rid, kind, tok, max, store.Ms(now))
		if err != nil {
			return fmt.Errorf("insert survey: %w", err)
		}
		for i, c := range asked {
			if _, err := tx.Exec(ctx, `INSERT INTO reception_survey_answers (survey_id, seq, criterion, max_points) VALUES (?, ?, ?, ?)`, sid, i+1, c.Text, c.MaxPoints); err != nil {
				return fmt.Errorf("insert survey line: %w", err)
			}
		}
	}
	return nil
}

const surveyCols = `id, reception_id, kind, token, respondent, comment, score, max_score, sent_at, submitted_at, COALESCE(submitted_by, 0)`

func loadSurvey(ctx context.Context, q store.Querier, where string, args ...any) (Survey, error) {
	var sv Survey
	var sent, sub sql.NullInt64
	err := q.QueryRow(ctx, `SELECT `+surveyCols+` FROM reception_surveys WHERE `+where, args...).
		Scan(&sv.ID, &sv.ReceptionID, &sv.Kind, &sv.Token, &sv.Respondent, &sv.Comment, &sv.Score, &sv.MaxScore, &sent, &sub, &sv.SubmittedBy)
	if err != nil {
		return Survey{}, errs.Wrap(store.MapError(err), "get survey")
	}
	sv.SentAt, sv.SubmittedAt = store.NullMs(sent), store.NullMs(sub)
	rows, err := q.Query(ctx, `SELECT seq, criterion, max_points, score FROM reception_survey_answers WHERE survey_id = ? ORDER BY seq`, sv.ID)
	if err != nil {
		return Survey{}, fmt.Errorf("load survey answers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var an Answer
		var sc sql.NullInt64
		if err := rows.Scan(&an.Seq, &an.Criterion, &an.MaxPoints, &sc); err != nil {
			return Survey{}, fmt.Errorf("scan survey answer: %w", err)
		}
		an.Score, an.Answered = int(sc.Int64), sc.Valid
		sv.Answers = append(sv.Answers, an)
	}
	return sv, rows.Err()
}

// Surveys returns a case's surveys (client first), none before the wrap-up.
func (s *Service) Surveys(ctx context.Context, a access.Actor, id int64) ([]Survey, error) {
	if _, err := s.viewable(ctx, a, id); err != nil {
		return nil, err
	}
	if a.IsClient() {
		return nil, errs.Forbid()
	}
	var out []Survey
	for _, k := range []string{SurveyClient, SurveyInternal} {
		sv, err := loadSurvey(ctx, s.DB, `reception_id = ? AND kind = ?`, id, k)
		if errs.As(err).Kind == errs.NotFound {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, sv)
	}
	return out, nil
}

// SurveyByToken returns the client survey of a link and its case (no
// login: the token is the permission).
func (s *Service) SurveyByToken(ctx context.Context, token string) (Survey, Reception, error) {
	token = strings.ToLower(strings.TrimSpace(token))
	if token == "" || len(token) > 64 {
		return Survey{}, Reception{}, errs.Missing()
	}
	sv, err := loadSurvey(ctx, s.DB, `token = ? AND kind = ?`, token, SurveyClient)
	if err != nil {
		return Survey{}, Reception{}, err
	}
	r, err := s.load(ctx, s.DB, sv.ReceptionID)
	if err != nil {
		return Survey{}, Reception{}, err
	}
	if r.Status == StatusCancelled {
		return Survey{}, Reception{}, errs.Missing()
	}
	return sv, r, nil
}

func (in *SurveyInput) validate(sv Survey) error {
	trimAll(&in.Respondent, &in.Comment)
	var l errs.List
	for _, an := range sv.Answers {
		v, ok := in.Scores[an.Seq]
		field := fmt.Sprintf("score_%d", an.Seq)
		switch {
		case !ok:
			l.Add(field, "err.reception.score_missing")
		case v < 0 || v > an.MaxPoints:
			l.Add(field, "err.reception.range", "min", 0, "max", an.MaxPoints)
		}
	}
	for seq := range in.Scores {
		if seq < 1 || seq > len(sv.Answers) {
			l.Add("scores", "err.invalid")
			break
		}
	}
	if utf8.RuneCountInString(in.Respondent) > MaxShort {
		l.Add("respondent", "err.too_long", "max", MaxShort)
	}
	if utf8.RuneCountInString(in.Comment) > MaxLong {
		l.Add("comment", "err.too_long", "max", MaxLong)
	}
	return l.Err()
}

// SubmitClientSurvey records the client's answers given through the link.
func (s *Service) SubmitClientSurvey(ctx context.Context, token string, in SurveyInput) (Survey, error) {
	sv, _, err := s.SurveyByToken(ctx, token)
	if err != nil {
		return Survey{}, err
	}
	return s.submitSurvey(ctx, access.SystemActor(), sv, in)
}

// SubmitInternalSurvey records the internal evaluation (附件四) of a case.
func (s *Service) SubmitInternalSurvey(ctx context.Context, a access.Actor, id int64, in SurveyInput) (Survey, error) {
	r, err := s.load(ctx, s.DB, id)
	if err != nil {
		return Survey{}, err
	}
	if !CanManage(a, r) {
		return Survey{}, errs.Refuse(CanView(a, r))
	}
	sv, err := loadSurvey(ctx, s.DB, `reception_id = ? AND kind = ?`, id, SurveyInternal)
	if errs.As(err).Kind == errs.NotFound {
		return Survey{}, stateError(r.Status, "survey")
	}
	if err != nil {
		return Survey{}, err
	}
	if in.Respondent == "" {
		in.Respondent = a.Name
	}
	return s.submitSurvey(ctx, a, sv, in)
}

func (s *Service) submitSurvey(ctx context.Context, a access.Actor, sv Survey, in SurveyInput) (Survey, error) {
	if !sv.SubmittedAt.IsZero() {
		return Survey{}, errs.New(errs.Conflict, "err.reception.survey_done")
	}
	if err := in.validate(sv); err != nil {
		return Survey{}, err
	}
	now := s.Clock.Now()
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		total := 0
		for _, an := range sv.Answers {
			v := in.Scores[an.Seq]
			total += v
			if _, err := tx.Exec(ctx, `UPDATE reception_survey_answers SET score = ? WHERE survey_id = ? AND seq = ?`, v, sv.ID, an.Seq); err != nil {
				return fmt.Errorf("save survey answer: %w", err)
			}
		}
		res, err := tx.Exec(ctx, `UPDATE reception_surveys SET respondent = ?, comment = ?, score = ?, submitted_at = ?, submitted_by = ? WHERE id = ? AND submitted_at IS NULL`,
			in.Respondent, in.Comment, total, store.Ms(now), store.IDOrNil(a.UserID), sv.ID)
		if err != nil {
			return fmt.Errorf("submit survey %d: %w", sv.ID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.New(errs.Conflict, "err.reception.survey_done")
		}
		return auditCase(ctx, tx, now, a, sv.ReceptionID, "survey_"+sv.Kind, nil, map[string]any{"score": total, "max": sv.MaxScore, "respondent": in.Respondent})
	})
	if err != nil {
		return Survey{}, err
	}
	return loadSurvey(ctx, s.DB, `id = ?`, sv.ID)
}

// MarkSurveySent records that the client's survey link was sent.
func (s *Service) MarkSurveySent(ctx context.Context, a access.Actor, id int64) error {
	now := s.Clock.Now()
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		r, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		if !CanManage(a, r) {
			return errs.Refuse(CanView(a, r))
		}
		res, err := tx.Exec(ctx, `UPDATE reception_surveys SET sent_at = ? WHERE reception_id = ? AND kind = ?`, store.Ms(now), id, SurveyClient)
		if err != nil {
			return fmt.Errorf("mark survey sent: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return stateError(r.Status, "survey")
		}
		return auditCase(ctx, tx, now, a, id, "survey_sent", nil, nil)
	})
}

// Report groupings.
const (
	ByMonth      = "month"
	ByTier       = "tier"
	ByDepartment = "department"
)

// ReportRow is one group of the satisfaction report.
type ReportRow struct {
	Key        string  `json:"key"` // YYYY-MM, tier or department id
	Cases      int     `json:"cases"`
	Surveys    int     `json:"surveys"`
	AvgPercent float64 `json:"avg_percent"` // mean of the surveys' percentages
	Client     float64 `json:"client_percent"`
	Internal   float64 `json:"internal_percent"`
}

// SurveyReport averages the submitted surveys of cases visited between
// from and to (YYYY-MM-DD, inclusive), grouped by month, tier or
// department.
func (s *Service) SurveyReport(ctx context.Context, a access.Actor, by, from, to string) ([]ReportRow, error) {
	if !a.IsStaff() || a.IsClient() {
		return nil, errs.Forbid()
	}
	var group string
	switch by {
	case ByMonth, "":
		by, group = ByMonth, `SUBSTR(r.visit_date, 1, 7)`
	case ByTier:
		group = `r.tier`
	case ByDepartment:
		group = `CAST(COALESCE(r.department_id, 0) AS TEXT)`
	default:
		return nil, errs.Field("by", "err.invalid")
	}
	where := []string{"sv.submitted_at IS NOT NULL", "sv.max_score > 0"}
	var args []any
	for _, d := range []struct{ v, op, f string }{{from, ">=", "from"}, {to, "<=", "to"}} {
		if d.v == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d.v); err != nil {
			return nil, errs.Field(d.f, "err.bad_date")
		}
		where = append(where, "r.visit_date "+d.op+" ?")
		args = append(args, d.v)
	}
	rows, err := s.DB.Query(ctx, `SELECT `+group+`, r.id, sv.kind, sv.score, sv.max_score FROM reception_surveys sv JOIN receptions r ON r.id = sv.reception_id
		WHERE `+strings.Join(where, " AND "), args...)
	if err != nil {
		return nil, fmt.Errorf("survey report: %w", err)
	}
	defer rows.Close()
	type acc struct {
		cases           map[int64]bool
		sum, csum, isum float64
		n, cn, in       int
	}
	groups := map[string]*acc{}
	for rows.Next() {
		var key, kind string
		var rid int64
		var score, max int
		if err := rows.Scan(&key, &rid, &kind, &score, &max); err != nil {
			return nil, fmt.Errorf("scan survey report: %w", err)
		}
		g := groups[key]
		if g == nil {
			g = &acc{cases: map[int64]bool{}}
			groups[key] = g
		}
		p := float64(score) * 100 / float64(max)
		g.cases[rid] = true
		g.sum += p
		g.n++
		if kind == SurveyClient {
			g.csum += p
			g.cn++
		} else {
			g.isum += p
			g.in++
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	avg := func(sum float64, n int) float64 {
		if n == 0 {
			return 0
		}
		return sum / float64(n)
	}
	var out []ReportRow
	for k, g := range groups {
		out = append(out, ReportRow{Key: k, Cases: len(g.cases), Surveys: g.n, AvgPercent: avg(g.sum, g.n), Client: avg(g.csum, g.cn), Internal: avg(g.isum, g.in)})
	}
	sort.Slice(out, func(i, j int) bool {
		if by == ByTier {
			return slices.Index(Tiers, out[i].Key) < slices.Index(Tiers, out[j].Key)
		}
		return out[i].Key < out[j].Key
	})
	return out, nil
}
