// Package forms prints paper forms in copies (一式N份, X-03) and keeps the
// register of every print: a form of a record prints first as the original
// and every later print is a reprint (补打), marked on the paper and in the
// audit log of the record itself.
//
// An area describes its form once as a Spec (which parts, how laid out on
// A4) and calls Record when someone prints; the web helper (internal/web,
// forms.go) lays the copies out with the part label, the document number,
// signature and seal boxes and a QR code back to the record. See
// docs/forms.md.
package forms

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/audit"
	"jiedai/internal/clock"
	"jiedai/internal/errs"
	"jiedai/internal/namecheck"
	"jiedai/internal/store"
)

// Layout is how the copies of a form share the paper.
type Layout string

const (
	// Pages prints every copy on its own A4 page (letters, contracts).
	Pages Layout = "pages"
	// Cut prints the copies one under the other on the same sheets,
	// separated by a dashed cut line (receipts, slips: 三联 on one A4).
	Cut Layout = "cut"
)

// Part is the label of one copy: an i18n key, shown with N as {n} (for
// "第{n}份"). The common labels are the Part* values below.
type Part struct {
	Key string
	N   int
}

// The part labels the seeds name.
var (
	PartFinance     = Part{Key: "forms.part.finance"}     // 财务联
	PartClient      = Part{Key: "forms.part.client"}      // 客户联
	PartStub        = Part{Key: "forms.part.stub"}        // 存根联 (商务中心存档)
	PartEngineering = Part{Key: "forms.part.engineering"} // 工程部存
	PartService     = Part{Key: "forms.part.service"}     // 服务部存
	PartFile        = Part{Key: "forms.part.file"}        // 存档联
)

// Originals returns n parts labelled 第1份 … 第n份 (合同一式四份).
func Originals(n int) []Part {
	ps := make([]Part, n)
	for i := range ps {
		ps[i] = Part{Key: "forms.part.original", N: i + 1}
	}
	return ps
}

// Spec describes a paper form of an area.
type Spec struct {
	Form   string // stable name of the form, e.g. "booking_letter", "bizcenter_receipt"
	Entity string // the record's audit entity, e.g. "booking"; prints are audited on it
	Parts  []Part // one per copy, in print order
	Layout Layout
}

// Print is one registered print of a form of a record.
type Print struct {
	ID       int64     `json:"id"`
	Form     string    `json:"form"`
	Entity   string    `json:"entity"`
	EntityID int64     `json:"entity_id"`
	Seq      int       `json:"seq" doc:"1 for the first print; 2 and later are reprints (补打)"`
	Number   string    `json:"number" doc:"The document number printed on every copy"`
	Copies   int       `json:"copies"`
	Reason   string    `json:"reason,omitempty" doc:"Why it was printed again"`
	By       int64     `json:"by,omitempty"`
	ByName   string    `json:"by_name"`
	At       time.Time `json:"at"`
}

// Reprint reports whether this print is a reprint (补打).
func (p Print) Reprint() bool { return p.Seq > 1 }

// MaxReason is the longest reprint reason accepted, in characters.
const MaxReason = 200

// Service keeps the register of prints.
type Service struct {
	DB    *store.DB
	Clock clock.Clock
}

// New returns the service.
func New(db *store.DB, c clock.Clock) *Service { return &Service{DB: db, Clock: c} }

// Record registers a print of spec's form of the record entityID, numbered
// number, and audits it on the record ("print" or "reprint"). The caller
// has loaded the record through its area's read call, which decides who
// may read it; Record refuses anyone not signed in and a spec that names
// no form, entity or copy.
func (s *Service) Record(ctx context.Context, a access.Actor, spec Spec, entityID int64, number, reason string) (Print, error) {
	if err := check(a, spec); err != nil {
		return Print{}, err
	}
	var l errs.List
	reason = namecheck.Check(&l, "reason", reason, false, MaxReason)
	if err := l.Err(); err != nil {
		return Print{}, err
	}
	p := Print{Form: spec.Form, Entity: spec.Entity, EntityID: entityID, Number: number, Copies: len(spec.Parts),
		Reason: reason, By: a.UserID, ByName: a.Name, At: s.Clock.Now().UTC()}
	if p.ByName == "" {
		p.ByName = a.Username
	}
	// Two prints at the same moment may read the same last seq on
	// PostgreSQL; the unique (form, entity, entity_id, seq) refuses the
	// second, which then reads again.
	var err error
	for try := 0; try < 10; try++ {
		err = s.record(ctx, a, &p)
		if !errors.Is(err, store.ErrConflict) {
			break
		}
	}
	if err != nil {
		return Print{}, errs.Wrap(err, "record print")
	}
	return p, nil
}

func (s *Service) record(ctx context.Context, a access.Actor, p *Print) error {
	return s.DB.InTx(ctx, func(tx *store.Tx) error {
		var last int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) FROM form_prints WHERE form = ? AND entity = ? AND entity_id = ?`,
			p.Form, p.Entity, p.EntityID).Scan(&last); err != nil {
			return fmt.Errorf("read last print of %s %s/%d: %w", p.Form, p.Entity, p.EntityID, err)
		}
		p.Seq = last + 1
		if p.Reprint() && p.Reason == "" {
			return errs.Field("reason", "forms.err.reason_required")
		}
		id, err := store.InsertID(ctx, tx, `INSERT INTO form_prints (form, entity, entity_id, seq, number, copies, reason, printed_by, printed_by_name, printed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, p.Form, p.Entity, p.EntityID, p.Seq, p.Number, p.Copies, p.Reason, store.IDOrNil(p.By), p.ByName, store.Ms(p.At))
		if err != nil {
			return fmt.Errorf("register print of %s %s/%d: %w", p.Form, p.Entity, p.EntityID, err)
		}
		p.ID = id
		action := "print"
		if p.Reprint() {
			action = "reprint"
		}
		return audit.Record(ctx, tx, p.At, a, p.Entity, p.EntityID, action, nil, *p)
	})
}

// Get returns a registered print of spec's form of the record, or
// not-found when the print belongs to another form or record.
func (s *Service) Get(ctx context.Context, spec Spec, entityID, id int64) (Print, error) {
	ps, err := s.list(ctx, `AND id = ?`, spec, entityID, id)
	if err != nil {
		return Print{}, err
	}
	if len(ps) == 0 {
		return Print{}, errs.Missing()
	}
	return ps[0], nil
}

// History lists the prints of spec's form of the record, first print first.
func (s *Service) History(ctx context.Context, spec Spec, entityID int64) ([]Print, error) {
	return s.list(ctx, "", spec, entityID)
}

func (s *Service) list(ctx context.Context, cond string, spec Spec, entityID int64, more ...any) ([]Print, error) {
	args := append([]any{spec.Form, spec.Entity, entityID}, more...)
	rows, err := s.DB.Query(ctx, `SELECT id, form, entity, entity_id, seq, number, copies, reason, COALESCE(printed_by, 0), printed_by_name, printed_at
		FROM form_prints WHERE form = ? AND entity = ? AND entity_id = ? `+cond+` ORDER BY seq`, args...)
	if err != nil {
		return nil, fmt.Errorf("list prints of %s %s/%d: %w", spec.Form, spec.Entity, entityID, err)
	}
	defer rows.Close()
	var out []Print
	for rows.Next() {
		var p Print
		var at int64
		if err := rows.Scan(&p.ID, &p.Form, &p.Entity, &p.EntityID, &p.Seq, &p.Number, &p.Copies, &p.Reason, &p.By, &p.ByName, &at); err != nil {
			return nil, fmt.Errorf("scan print: %w", err)
		}
		p.At = store.Time(at)
		out = append(out, p)
	}
	return out, rows.Err()
}

func check(a access.Actor, spec Spec) error {
	if a.UserID == 0 && !a.System {
		return errs.New(errs.Unauthorized, "err.login_required")
	}
	if spec.Form == "" || spec.Entity == "" || len(spec.Parts) == 0 || (spec.Layout != Pages && spec.Layout != Cut) {
		return fmt.Errorf("form spec %q of %q: needs a form, an entity, parts and a layout", spec.Form, spec.Entity)
	}
	for _, p := range spec.Parts {
		if p.Key == "" || !utf8.ValidString(p.Key) {
			return fmt.Errorf("form spec %q: a part has no label key", spec.Form)
		}
	}
	return nil
}
