package billing

import (
	"context"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"jiedai/internal/access"
	"jiedai/internal/attachment"
	"jiedai/internal/audit"
	"jiedai/internal/errs"
	"jiedai/internal/numbering"
	"jiedai/internal/store"
)

// Fapiao statuses: requested → issued → delivered, or rejected; an issued
// or delivered fapiao is reversed by a red-letter record (status reversed).
const (
	FapiaoRequested = "requested"
	FapiaoIssued    = "issued"
	FapiaoDelivered = "delivered"
	FapiaoRejected  = "rejected"
	FapiaoReversed  = "reversed"
)

// FapiaoStatuses lists the statuses in order.
var FapiaoStatuses = []string{FapiaoRequested, FapiaoIssued, FapiaoDelivered, FapiaoRejected, FapiaoReversed}

// SourceDeposit marks a line taken from a deposit (a charge priced from
// the price list's deposit section): a deposit is never invoiced.
const SourceDeposit = "deposit"

// Fapiao is a fapiao request and, once issued, the record of the fapiao.
type Fapiao struct {
	ID           int64        `json:"id"`
	Number       string       `json:"number" doc:"Request number, FP-YYYY-NNNNNN"`
	AccountID    int64        `json:"account_id"`
	AccountName  string       `json:"account_name"`
	Type         FapiaoType   `json:"type" enum:"normal,special"`
	Medium       FapiaoMedium `json:"medium" enum:"paper,digital"`
	Status       string       `json:"status" enum:"requested,issued,delivered,rejected,reversed"`
	Red          bool         `json:"red" doc:"A red-letter (红字) fapiao reversing ReversesID"`
	ReversesID   int64        `json:"reverses_id,omitempty"`
	ReversedByID int64        `json:"reversed_by_id,omitempty"`
	Buyer        Buyer        `json:"buyer"`
	ReceiveEmail string       `json:"receive_email,omitempty"`
	ReceivePhone string       `json:"receive_phone,omitempty"`
	Remarks      string       `json:"remarks,omitempty" doc:"备注"`
	NetFen       int64        `json:"net_fen" doc:"金额 (excluding tax)"`
	TaxFen       int64        `json:"tax_fen" doc:"税额"`
	GrossFen     int64        `json:"gross_fen" doc:"价税合计"`
	FapiaoNo     string       `json:"fapiao_no,omitempty" doc:"The number the tax platform gave"`
	IssuedOn     string       `json:"issued_on,omitempty" doc:"YYYY-MM-DD"`
	FileID       int64        `json:"file_id,omitempty" doc:"The PDF/OFD (attachment id)"`
	Reason       string       `json:"reason,omitempty" doc:"Why it was rejected or reversed"`
	RequestedBy  string       `json:"requested_by,omitempty"`
	RequestedAt  time.Time    `json:"requested_at"`
	IssuedBy     string       `json:"issued_by,omitempty"`
	IssuedAt     time.Time    `json:"issued_at,omitzero"`
	DeliveredAt  time.Time    `json:"delivered_at,omitzero"`
	ClosedAt     time.Time    `json:"closed_at,omitzero"`
	Lines        []FapiaoLine `json:"lines"`
}

// live reports whether the fapiao still covers its charges: requested,
// issued or delivered, and not a red-letter record.
func (f Fapiao) live() bool {
	return !f.Red && (f.Status == FapiaoRequested || f.Status == FapiaoIssued || f.Status == FapiaoDelivered)
}

// ForReader is what the actor may see of the fapiao: client users do not
// see the names of the staff who handled it.
func (f Fapiao) ForReader(a access.Actor) Fapiao {
	if a.IsClient() {
		f.RequestedBy, f.IssuedBy = "", ""
	}
	return f
}

// FapiaoInput asks for a fapiao for some charges of an account. An empty
// buyer takes the account's billing profile.
type FapiaoInput struct {
	AccountID       int64        `json:"account_id"`
	Type            FapiaoType   `json:"type" enum:"normal,special"`
	Medium          FapiaoMedium `json:"medium" enum:"paper,digital"`
	Buyer           Buyer        `json:"buyer" required:"false" doc:"Empty: the account's billing profile"`
	ReceiveEmail    string       `json:"receive_email,omitempty"`
	ReceivePhone    string       `json:"receive_phone,omitempty"`
	Remarks         string       `json:"remarks,omitempty"`
	PropertyAddress string       `json:"property_address,omitempty" doc:"The premises' detailed address, for rent and management-fee lines"`
	ChargeIDs       []int64      `json:"charge_ids"`
}

// Field limits of a request.
const (
	maxRemarks       = 200
	maxFapiaoCharges = 5000
)

func (in *FapiaoInput) normalize() {
	in.Buyer = in.Buyer.Normalize()
	in.ReceiveEmail, in.ReceivePhone = strings.TrimSpace(in.ReceiveEmail), strings.TrimSpace(in.ReceivePhone)
	in.Remarks, in.PropertyAddress = strings.TrimSpace(in.Remarks), strings.TrimSpace(in.PropertyAddress)
}

// validate checks what needs no database.
func (in FapiaoInput) validate(l *errs.List) {
	if !slices.Contains(FapiaoKinds, in.Type) {
		l.Add("type", "err.invalid")
	}
	if !slices.Contains(FapiaoMedia, in.Medium) {
		l.Add("medium", "err.invalid")
	}
	in.Buyer.Validate(in.Type, "buyer_", l)
	if in.ReceiveEmail != "" {
		checkEmail(l, "receive_email", in.ReceiveEmail)
	}
	checkLen(l, "receive_phone", in.ReceivePhone, 40)
	if in.Medium == MediumDigital && in.ReceiveEmail == "" && in.ReceivePhone == "" {
		l.Add("receive_email", "err.fapiao_receiver")
	}
	checkLen(l, "remarks", in.Remarks, maxRemarks)
	checkLen(l, "property_address", in.PropertyAddress, maxBuyerBlock)
	if len(in.ChargeIDs) == 0 {
		l.Add("charges", "err.fapiao_no_charges")
	}
	if len(in.ChargeIDs) > maxFapiaoCharges {
		l.Add("charges", "err.invalid")
	}
}

// checkEmail adds an error when v is not a plain email address.
func checkEmail(l *errs.List, field, v string) {
	if m, err := mail.ParseAddress(v); err != nil || m.Address != v || len(v) > 200 {
		l.Add(field, "err.email")
	}
}

// CanRequestFapiao reports whether the actor may ask for a fapiao on the
// account: finance and office for any account, a client user for their
// own organisation's.
func CanRequestFapiao(a access.Actor, acc Account) bool {
	if a.IsClient() {
		return CanReadAccount(a, acc)
	}
	return a.Has(access.Finance, access.Office)
}

// ProfileBuyer is the buyer block of the account's billing profile.
func (acc Account) ProfileBuyer() Buyer {
	kind := BuyerEnterprise
	if acc.Kind == AccountIndividual || acc.Kind == AccountWalkIn {
		kind = BuyerIndividual
	}
	return Buyer{Kind: kind, Name: acc.BuyerName, TaxID: acc.BuyerTaxID, AddressPhone: acc.BuyerAddressPhone, BankAccount: acc.BuyerBankAccount}.Normalize()
}

// RequestFapiao records a fapiao request for open or paid charges of one
// account: each charge's amount less its credits, split per line into
// net and tax. Charges already on a live request, cancelled charges and
// deposits are refused. More lines than one fapiao of the medium takes
// become several requests, in order.
func (b *Books) RequestFapiao(ctx context.Context, a access.Actor, in FapiaoInput) ([]Fapiao, error) {
	in.normalize()
	now := b.Clock.Now()
	var ids []int64
	err := b.DB.InTx(ctx, func(tx *store.Tx) error {
		acc, err := readableAccount(ctx, tx, a, in.AccountID)
		if err != nil {
			return err
		}
		if !CanRequestFapiao(a, acc) {
			return errs.Forbid()
		}
		if in.Buyer.Name == "" && in.Buyer.TaxID == "" && in.Buyer.AddressPhone == "" && in.Buyer.BankAccount == "" {
			in.Buyer = acc.ProfileBuyer()
		}
		if in.ReceiveEmail == "" && in.ReceivePhone == "" {
			in.ReceiveEmail = acc.FapiaoEmail
		}
		var l errs.List
		in.validate(&l)
		if err := l.Err(); err != nil {
			return err
		}
		lines, err := invoiceable(ctx, tx, acc.ID, in.ChargeIDs)
		if err != nil {
			return err
		}
		if _, _, _, err := SplitLines(lines); err != nil {
			return err
		}
		remarks := in.Remarks
		if slices.ContainsFunc(lines, func(ln FapiaoLine) bool { return IsPremises(ln.Source) }) {
			if in.PropertyAddress == "" && !strings.Contains(remarks, "不动产地址") {
				return errs.Field("property_address", "err.fapiao_property_address")
			}
			remarks = PremisesRemarks(remarks, []string{in.PropertyAddress})
			if utf8.RuneCountInString(remarks) > maxRemarks+maxBuyerBlock {
				return errs.Field("remarks", "err.too_long", "max", maxRemarks)
			}
		}
		for _, chunk := range ChunkLines(lines, LineLimit(in.Medium)) {
			f := Fapiao{AccountID: acc.ID, Type: in.Type, Medium: in.Medium, Status: FapiaoRequested, Buyer: in.Buyer,
				ReceiveEmail: in.ReceiveEmail, ReceivePhone: in.ReceivePhone, Remarks: remarks, Lines: chunk}
			id, err := insertFapiao(ctx, tx, now, a, f)
			if err != nil {
				return err
			}
			ids = append(ids, id)
			after, err := loadFapiao(ctx, tx, id)
			if err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, now, a, AuditFapiao, id, "request", nil, after); err != nil {
				return err
			}
		}
		finance, err := roleUsers(ctx, tx, access.Finance)
		if err != nil {
			return err
		}
		return b.tell(ctx, tx, now, finance, "billing.msg.fapiao_requested", map[string]any{"account": acc.Name}, "/billing/fapiao")
	})
	if err != nil {
		return nil, err
	}
	out := make([]Fapiao, 0, len(ids))
	for _, id := range ids {
		f, err := loadFapiao(ctx, b.DB, id)
		if err != nil {
			return nil, err
		}
		out = append(out, f.ForReader(a))
	}
	return out, nil
}

// invoiceable reads the charges as fapiao lines, in the order asked,
// refusing those of another account, cancelled ones, those already on a
// live fapiao, deposits and those fully credited.
func invoiceable(ctx context.Context, q store.Querier, accountID int64, ids []int64) ([]FapiaoLine, error) {
	seen := map[int64]bool{}
	var lines []FapiaoLine
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		var ln FapiaoLine
		var acc, amount, credited, qtyMilli int64
		var status, section, fapiaoItem string
		err := q.QueryRow(ctx, `SELECT c.account_id, c.source, c.description, c.unit, c.qty_milli, c.tax_rate_bp, c.amount_fen, c.status,
 COALESCE((SELECT SUM(x.amount_fen) FROM billing_allocations x WHERE x.charge_id = c.id AND x.credit_id IS NOT NULL), 0),
 COALESCE(p.section, ''), COALESCE(p.fapiao_item, '')
 FROM billing_charges c LEFT JOIN billing_prices p ON p.id = c.price_id WHERE c.id = ?`, id).Scan(
			&acc, &ln.Source, &ln.Item, &ln.Unit, &qtyMilli, &ln.Rate, &amount, &status, &credited, &section, &fapiaoItem)
		if store.IsNoRows(err) || (err == nil && acc != accountID) {
			return nil, errs.Field("charges", "err.fapiao_charge_unknown", "id", id)
		}
		if err != nil {
			return nil, fmt.Errorf("read charge %d: %w", id, err)
		}
		if section == SectionDeposit {
			return nil, errs.Field("charges", "err.fapiao_deposit")
		}
		if status == ChargeCancelled || amount-credited <= 0 {
			return nil, errs.Field("charges", "err.fapiao_charge_cancelled", "item", ln.Item)
		}
		var taken int
		if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM billing_fapiao_lines l JOIN billing_fapiao f ON f.id = l.fapiao_id
 WHERE l.charge_id = ? AND NOT f.red AND f.status IN ('requested', 'issued', 'delivered')`, id).Scan(&taken); err != nil {
			return nil, fmt.Errorf("charge %d on fapiao: %w", id, err)
		}
		if taken > 0 {
			return nil, errs.Field("charges", "err.fapiao_charge_taken", "item", ln.Item)
		}
		if fapiaoItem != "" {
			ln.Item = fapiaoItem
		}
		ln.ChargeID, ln.GrossFen = id, amount-credited
		ln.Qty = max(qtyMilli/1000, 1)
		lines = append(lines, ln)
	}
	return lines, nil
}

func insertFapiao(ctx context.Context, tx store.Querier, now time.Time, a access.Actor, f Fapiao) (int64, error) {
	net, tax, gross, err := SplitLines(f.Lines)
	if err != nil {
		return 0, err
	}
	no, err := numbering.Next(ctx, tx, numbering.FapiaoRequest, now)
	if err != nil {
		return 0, err
	}
	status := FapiaoRequested
	var issuedAt, issuedBy any
	if f.Red {
		status, issuedAt, issuedBy = FapiaoIssued, store.Ms(now), store.IDOrNil(a.UserID)
	}
	id, err := store.InsertID(ctx, tx, `INSERT INTO billing_fapiao (number, account_id, kind, medium, status, red, reverses_id, buyer_kind, buyer_name, buyer_tax_id,
 buyer_address_phone, buyer_bank_account, receive_email, receive_phone, remarks, net_fen, tax_fen, gross_fen, fapiao_no, issued_on, reason,
 requested_by, requested_at, issued_by, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		no, f.AccountID, f.Type, f.Medium, status, f.Red, store.IDOrNil(f.ReversesID), f.Buyer.Kind, f.Buyer.Name, f.Buyer.TaxID,
		f.Buyer.AddressPhone, f.Buyer.BankAccount, f.ReceiveEmail, f.ReceivePhone, f.Remarks, net, tax, gross, f.FapiaoNo, f.IssuedOn, f.Reason,
		store.IDOrNil(a.UserID), store.Ms(now), issuedBy, issuedAt)
	if err != nil {
		return 0, fmt.Errorf("insert fapiao: %w", err)
	}
	for i, ln := range f.Lines {
		if _, err := tx.Exec(ctx, `INSERT INTO billing_fapiao_lines (fapiao_id, seq, charge_id, source, item, spec, unit, qty, rate_bp, gross_fen, net_fen, tax_fen)
 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, i+1, store.IDOrNil(ln.ChargeID), ln.Source, ln.Item, ln.Spec, ln.Unit, ln.Qty, ln.Rate, ln.GrossFen, ln.NetFen, ln.TaxFen); err != nil {
			return 0, fmt.Errorf("insert fapiao line: %w", err)
		}
	}
	return id, nil
}

const fapiaoCols = `f.id, f.number, f.account_id, a.name, f.kind, f.medium, f.status, f.red, COALESCE(f.reverses_id, 0),
 COALESCE((SELECT r.id FROM billing_fapiao r WHERE r.reverses_id = f.id), 0), f.buyer_kind, f.buyer_name, f.buyer_tax_id,
 f.buyer_address_phone, f.buyer_bank_account, f.receive_email, f.receive_phone, f.remarks, f.net_fen, f.tax_fen, f.gross_fen,
 f.fapiao_no, f.issued_on, COALESCE(f.file_id, 0), f.reason, COALESCE(ru.display_name, ''), f.requested_at, COALESCE(iu.display_name, ''),
 f.issued_at, f.delivered_at, f.closed_at
 FROM billing_fapiao f JOIN billing_accounts a ON a.id = f.account_id LEFT JOIN users ru ON ru.id = f.requested_by LEFT JOIN users iu ON iu.id = f.issued_by`

func scanFapiao(sc interface{ Scan(...any) error }) (Fapiao, error) {
	var f Fapiao
	var req int64
	var issued, delivered, closed *int64
	err := sc.Scan(&f.ID, &f.Number, &f.AccountID, &f.AccountName, &f.Type, &f.Medium, &f.Status, &f.Red, &f.ReversesID, &f.ReversedByID,
		&f.Buyer.Kind, &f.Buyer.Name, &f.Buyer.TaxID, &f.Buyer.AddressPhone, &f.Buyer.BankAccount, &f.ReceiveEmail, &f.ReceivePhone, &f.Remarks,
		&f.NetFen, &f.TaxFen, &f.GrossFen, &f.FapiaoNo, &f.IssuedOn, &f.FileID, &f.Reason, &f.RequestedBy, &req, &f.IssuedBy, &issued, &delivered, &closed)
	if err != nil {
		return f, err
	}
	f.RequestedAt = store.Time(req)
	for _, p := range []struct {
		v   *int64
		dst *time.Time
	}{{issued, &f.IssuedAt}, {delivered, &f.DeliveredAt}, {closed, &f.ClosedAt}} {
		if p.v != nil {
			*p.dst = store.Time(*p.v)
		}
	}
	return f, nil
}

func loadFapiao(ctx context.Context, q store.Querier, id int64) (Fapiao, error) {
	f, err := scanFapiao(q.QueryRow(ctx, `SELECT `+fapiaoCols+` WHERE f.id = ?`, id))
	if err != nil {
		return Fapiao{}, errs.Wrap(store.MapError(err), fmt.Sprintf("read fapiao %d", id))
	}
	rows, err := q.Query(ctx, `SELECT COALESCE(charge_id, 0), source, item, spec, unit, qty, rate_bp, gross_fen, net_fen, tax_fen FROM billing_fapiao_lines WHERE fapiao_id = ? ORDER BY seq`, id)
	if err != nil {
		return Fapiao{}, fmt.Errorf("read fapiao lines: %w", err)
	}
	defer rows.Close()
	f.Lines = []FapiaoLine{}
	for rows.Next() {
		var ln FapiaoLine
		if err := rows.Scan(&ln.ChargeID, &ln.Source, &ln.Item, &ln.Spec, &ln.Unit, &ln.Qty, &ln.Rate, &ln.GrossFen, &ln.NetFen, &ln.TaxFen); err != nil {
			return Fapiao{}, fmt.Errorf("scan fapiao line: %w", err)
		}
		f.Lines = append(f.Lines, ln)
	}
	return f, rows.Err()
}

// GetFapiao returns a fapiao the actor may read.
func (b *Books) GetFapiao(ctx context.Context, a access.Actor, id int64) (Fapiao, error) {
	f, err := loadFapiao(ctx, b.DB, id)
	if err != nil {
		return Fapiao{}, err
	}
	if _, err := readableAccount(ctx, b.DB, a, f.AccountID); err != nil {
		return Fapiao{}, err
	}
	return f.ForReader(a), nil
}

// CanReadFapiao is the attachment guard of fapiao files.
func (b *Books) CanReadFapiao(ctx context.Context, a access.Actor, id int64) (bool, error) {
	_, err := b.GetFapiao(ctx, a, id)
	if err != nil {
		if k := errs.As(err).Kind; k == errs.NotFound || k == errs.Forbidden {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

// FapiaoFilter selects fapiao for a list.
type FapiaoFilter struct {
	AccountID int64
	Status    string
	Limit     int
}

// ListFapiao returns fapiao newest first: every account's for the books'
// readers, the own organisation's for a client user.
func (b *Books) ListFapiao(ctx context.Context, a access.Actor, f FapiaoFilter) ([]Fapiao, error) {
	where, args := []string{"1 = 1"}, []any{}
	switch {
	case a.IsClient():
		where = append(where, "a.kind = 'org' AND a.org_id = ?")
		args = append(args, a.OrgID)
	case !CanReadBooks(a):
		return nil, errs.Forbid()
	}
	if f.AccountID != 0 {
		where, args = append(where, "f.account_id = ?"), append(args, f.AccountID)
	}
	if f.Status != "" {
		if !slices.Contains(FapiaoStatuses, f.Status) {
			return nil, errs.Field("status", "err.invalid")
		}
		where, args = append(where, "f.status = ?"), append(args, f.Status)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 500
	}
	rows, err := b.DB.Query(ctx, `SELECT `+fapiaoCols+` WHERE `+strings.Join(where, " AND ")+fmt.Sprintf(` ORDER BY f.requested_at DESC, f.id DESC LIMIT %d`, f.Limit), args...)
	if err != nil {
		return nil, fmt.Errorf("list fapiao: %w", err)
	}
	defer rows.Close()
	out := []Fapiao{}
	for rows.Next() {
		x, err := scanFapiao(rows)
		if err != nil {
			return nil, fmt.Errorf("scan fapiao: %w", err)
		}
		out = append(out, x.ForReader(a))
	}
	return out, rows.Err()
}

// IssueInput is what finance records of a fapiao issued on the tax
// platform: its number, date, type and amounts, and the PDF or OFD file.
type IssueInput struct {
	FapiaoNo string       `json:"fapiao_no"`
	IssuedOn string       `json:"issued_on" doc:"YYYY-MM-DD"`
	Type     FapiaoType   `json:"type" enum:"normal,special"`
	Medium   FapiaoMedium `json:"medium" enum:"paper,digital"`
	NetFen   int64        `json:"net_fen"`
	TaxFen   int64        `json:"tax_fen"`
	FileName string       `json:"-"`
	File     []byte       `json:"-"`
}

func checkFapiaoNo(l *errs.List, no, on string) {
	if no == "" {
		l.Add("fapiao_no", "err.required")
	} else if len(no) > 30 || strings.Trim(no, "0123456789") != "" {
		l.Add("fapiao_no", "err.fapiao_number")
	}
	if _, err := time.Parse(time.DateOnly, on); err != nil {
		l.Add("issued_on", "err.bad_date")
	}
}

// changeFapiao runs a finance transition on a fapiao in one transaction
// and records it in the audit log.
func (b *Books) changeFapiao(ctx context.Context, a access.Actor, id int64, action string, fn func(tx *store.Tx, now time.Time, f Fapiao) error) (Fapiao, error) {
	if !CanKeepBooks(a) {
		_, err := b.GetFapiao(ctx, a, id)
		return Fapiao{}, errs.Refuse(err == nil)
	}
	now := b.Clock.Now()
	err := b.DB.InTx(ctx, func(tx *store.Tx) error {
		before, err := loadFapiao(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := fn(tx, now, before); err != nil {
			return err
		}
		after, err := loadFapiao(ctx, tx, id)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, AuditFapiao, id, action, before, after)
	})
	if err != nil {
		return Fapiao{}, err
	}
	return b.GetFapiao(ctx, a, id)
}

// IssueFapiao records the issue of a requested fapiao (finance). The
// amounts must be those of the request; the file is required for a 数电
// fapiao. An issued fapiao is never edited again.
func (b *Books) IssueFapiao(ctx context.Context, a access.Actor, id int64, in IssueInput) (Fapiao, error) {
	in.FapiaoNo, in.IssuedOn = strings.TrimSpace(in.FapiaoNo), strings.TrimSpace(in.IssuedOn)
	return b.changeFapiao(ctx, a, id, "issue", func(tx *store.Tx, now time.Time, f Fapiao) error {
		if f.Status != FapiaoRequested || f.Red {
			return errs.State(f.Status, "issue")
		}
		var l errs.List
		checkFapiaoNo(&l, in.FapiaoNo, in.IssuedOn)
		if in.Type == "" {
			in.Type = f.Type
		}
		if in.Medium == "" {
			in.Medium = f.Medium
		}
		if !slices.Contains(FapiaoKinds, in.Type) {
			l.Add("type", "err.invalid")
		}
		if !slices.Contains(FapiaoMedia, in.Medium) {
			l.Add("medium", "err.invalid")
		}
		if in.Type == FapiaoSpecial && f.Type != FapiaoSpecial {
			f.Buyer.Validate(FapiaoSpecial, "buyer_", &l)
		}
		if in.NetFen != f.NetFen || in.TaxFen != f.TaxFen {
			l.Add("net_fen", "err.fapiao_amounts", "net", f.NetFen, "tax", f.TaxFen)
		}
		if in.Medium == MediumDigital && len(in.File) == 0 {
			l.Add("file", "err.fapiao_file")
		}
		if err := l.Err(); err != nil {
			return err
		}
		var file any
		if len(in.File) > 0 {
			at, err := attachment.AddTx(ctx, tx, now, a, AuditFapiao, id, in.FileName, in.File)
			if err != nil {
				return err
			}
			file = at.ID
		}
		if _, err := tx.Exec(ctx, `UPDATE billing_fapiao SET status = 'issued', kind = ?, medium = ?, fapiao_no = ?, issued_on = ?, file_id = ?, issued_by = ?, issued_at = ? WHERE id = ? AND status = 'requested'`,
			in.Type, in.Medium, in.FapiaoNo, in.IssuedOn, file, store.IDOrNil(a.UserID), store.Ms(now), id); err != nil {
			return fmt.Errorf("issue fapiao: %w", err)
		}
		return b.tellAccount(ctx, tx, now, f, "billing.msg.fapiao_issued")
	})
}

func (b *Books) tellAccount(ctx context.Context, tx store.Querier, now time.Time, f Fapiao, key string) error {
	acc, err := loadAccount(ctx, tx, f.AccountID)
	if err != nil {
		return err
	}
	ids, err := orgUsers(ctx, tx, acc)
	if err != nil {
		return err
	}
	return b.tell(ctx, tx, now, ids, key, map[string]any{"number": f.Number}, "/portal/billing")
}

// DeliverFapiao marks an issued fapiao as delivered to the client.
func (b *Books) DeliverFapiao(ctx context.Context, a access.Actor, id int64) (Fapiao, error) {
	return b.changeFapiao(ctx, a, id, "deliver", func(tx *store.Tx, now time.Time, f Fapiao) error {
		if f.Status != FapiaoIssued || f.Red {
			return errs.State(f.Status, "deliver")
		}
		_, err := tx.Exec(ctx, `UPDATE billing_fapiao SET status = 'delivered', delivered_at = ? WHERE id = ?`, store.Ms(now), id)
		return err
	})
}

// RejectFapiao refuses a request, with the reason the client sees.
func (b *Books) RejectFapiao(ctx context.Context, a access.Actor, id int64, reason string) (Fapiao, error) {
	reason = strings.TrimSpace(reason)
	return b.changeFapiao(ctx, a, id, "reject", func(tx *store.Tx, now time.Time, f Fapiao) error {
		if f.Status != FapiaoRequested {
			return errs.State(f.Status, "reject")
		}
		if reason == "" {
			return errs.Field("reason", "err.required")
		}
		if utf8.RuneCountInString(reason) > maxRemarks {
			return errs.Field("reason", "err.too_long", "max", maxRemarks)
		}
		if _, err := tx.Exec(ctx, `UPDATE billing_fapiao SET status = 'rejected', reason = ?, closed_by = ?, closed_at = ? WHERE id = ?`,
			reason, store.IDOrNil(a.UserID), store.Ms(now), id); err != nil {
			return fmt.Errorf("reject fapiao: %w", err)
		}
		return b.tellAccount(ctx, tx, now, f, "billing.msg.fapiao_rejected")
	})
}

// ReverseInput records the red-letter (红字) fapiao issued on the tax
// platform against an issued one, and whether to request it again.
type ReverseInput struct {
	FapiaoNo string `json:"fapiao_no" doc:"The red-letter fapiao's number"`
	IssuedOn string `json:"issued_on" doc:"YYYY-MM-DD"`
	Reason   string `json:"reason"`
	Reissue  bool   `json:"reissue,omitempty" doc:"Request a new fapiao for the same charges, with the account's current billing profile"`
}

// ReverseFapiao reverses an issued fapiao by a red-letter record linked to
// it, never by editing it; the charges are free to be invoiced again, and
// with Reissue a new request for them is made at once (with the account's
// billing profile as it is now when it serves the type, else the same buyer).
func (b *Books) ReverseFapiao(ctx context.Context, a access.Actor, id int64, in ReverseInput) (Fapiao, error) {
	in.FapiaoNo, in.IssuedOn, in.Reason = strings.TrimSpace(in.FapiaoNo), strings.TrimSpace(in.IssuedOn), strings.TrimSpace(in.Reason)
	return b.changeFapiao(ctx, a, id, "reverse", func(tx *store.Tx, now time.Time, f Fapiao) error {
		if f.Red || (f.Status != FapiaoIssued && f.Status != FapiaoDelivered) {
			return errs.State(f.Status, "reverse")
		}
		var l errs.List
		checkFapiaoNo(&l, in.FapiaoNo, in.IssuedOn)
		if in.Reason == "" {
			l.Add("reason", "err.required")
		}
		checkLen(&l, "reason", in.Reason, maxRemarks)
		if err := l.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE billing_fapiao SET status = 'reversed', reason = ?, closed_by = ?, closed_at = ? WHERE id = ?`,
			in.Reason, store.IDOrNil(a.UserID), store.Ms(now), id); err != nil {
			return fmt.Errorf("reverse fapiao: %w", err)
		}
		red := f
		red.Red, red.ReversesID, red.FapiaoNo, red.IssuedOn, red.Reason = true, f.ID, in.FapiaoNo, in.IssuedOn, in.Reason
		red.Remarks = fmt.Sprintf("对应正数发票代码号码：%s", f.FapiaoNo)
		redID, err := insertFapiao(ctx, tx, now, a, red)
		if err != nil {
			return err
		}
		redRow, err := loadFapiao(ctx, tx, redID)
		if err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, now, a, AuditFapiao, redID, "red_letter", nil, redRow); err != nil {
			return err
		}
		if !in.Reissue {
			return nil
		}
		acc, err := loadAccount(ctx, tx, f.AccountID)
		if err != nil {
			return err
		}
		again := f
		again.FapiaoNo, again.IssuedOn, again.Reason = "", "", ""
		var pl errs.List
		if pb := acc.ProfileBuyer(); pb.Name != "" {
			if pb.Validate(again.Type, "buyer_", &pl); len(pl) == 0 {
				again.Buyer = pb // the profile as it is now, when it serves
			}
		}
		newID, err := insertFapiao(ctx, tx, now, a, again)
		if err != nil {
			return err
		}
		row, err := loadFapiao(ctx, tx, newID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, a, AuditFapiao, newID, "reissue", nil, row)
	})
}

// BookingFapiao returns the number and date of the live fapiao that
// invoices a booking's charge ("" when none): the booking statement's
// invoice number and date are a view of it.
func BookingFapiao(ctx context.Context, q store.Querier, bookingID int64) (no, on string, err error) {
	err = q.QueryRow(ctx, `SELECT f.fapiao_no, f.issued_on FROM billing_fapiao f JOIN billing_fapiao_lines l ON l.fapiao_id = f.id
 JOIN billing_charges c ON c.id = l.charge_id WHERE c.source = 'booking' AND c.source_id = ? AND NOT f.red AND f.status IN ('issued', 'delivered')
 ORDER BY f.issued_at DESC, f.id DESC LIMIT 1`, bookingID).Scan(&no, &on)
	if store.IsNoRows(err) {
		return "", "", nil
	}
	return no, on, err
}
