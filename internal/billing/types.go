// Package billing keeps one ledger for all money of the site (spec wave2
// §C1): the versioned price list, billing accounts, charges (receivables),
// payments and their allocations to charges, deposits held as a liability,
// and gapless three-part receipts. "Paid" has one source: the allocations.
package billing

import "time"

// AuditEntity names for the audit log.
const (
	AuditPriceList = "billing_price_list"
	AuditAccount   = "billing_account"
	AuditCharge    = "billing_charge"
	AuditPayment   = "billing_payment"
	AuditDeposit   = "billing_deposit"
	AuditReceipt   = "billing_receipt"
)

// Price list statuses. A published version is never edited, only replaced.
const (
	ListDraft     = "draft"
	ListPublished = "published"
)

// Price list sections (BIL-01). Venue rates and add-ons stay on the venue
// rate card.
const (
	SectionBizCentre  = "bizcentre"  // business-centre services (BIZ-01)
	SectionKeys       = "keys"       // key cutting, lost-key compensation (KEY-08/09)
	SectionDamage     = "damage"     // damage compensation schedule (TEN-17)
	SectionManagement = "management" // management fee per m² per month (TEN-06/07)
	SectionParking    = "parking"
	SectionPhone      = "phone" // phone line
	SectionDeposit    = "deposit"
)

// Sections lists the price list sections in display order.
var Sections = []string{SectionBizCentre, SectionKeys, SectionDamage, SectionManagement, SectionParking, SectionPhone, SectionDeposit}

// PriceList is one version of the general price list (收费标准).
// EffectiveFrom/To are dates (YYYY-MM-DD, Asia/Shanghai); To is "" while open.
type PriceList struct {
	ID            int64     `json:"id"`
	Version       int       `json:"version"`
	Title         string    `json:"title"`
	Notes         string    `json:"notes,omitempty"`
	Status        string    `json:"status" enum:"draft,published"`
	EffectiveFrom string    `json:"effective_from"`
	EffectiveTo   string    `json:"effective_to,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	PublishedAt   time.Time `json:"published_at,omitzero"`
	PublishedBy   string    `json:"published_by,omitempty"`
	Prices        []Price   `json:"prices"`
}

// Price is one priced item of a price list version. A deposit may be a
// percentage (PercentBP, basis points of its base) instead of an amount.
type Price struct {
	ID             int64  `json:"id"`
	ListID         int64  `json:"list_id"`
	Section        string `json:"section"`
	Code           string `json:"code"`
	NameZh         string `json:"name_zh"`
	NameHant       string `json:"name_hant"`
	NameEn         string `json:"name_en"`
	Unit           string `json:"unit"`
	UnitFen        int64  `json:"unit_fen"`
	PercentBP      int    `json:"percent_bp,omitempty"`
	TaxRateBP      int    `json:"tax_rate_bp"`
	FapiaoItem     string `json:"fapiao_item,omitempty"`
	ClientBookable bool   `json:"client_bookable"`
	Note           string `json:"note,omitempty"`
	Seq            int    `json:"seq"`
}

// Account kinds (BIL-03).
const (
	AccountOrg        = "org"        // a client organisation, one account each
	AccountIndividual = "individual" // a private person
	AccountDepartment = "department" // internal charge-backs
	AccountWalkIn     = "walkin"     // a one-off walk-in guest
)

// Account is who is billed, with the billing profile (开票信息).
type Account struct {
	ID                int64     `json:"id"`
	Kind              string    `json:"kind" enum:"org,individual,department,walkin"`
	OrgID             int64     `json:"org_id,omitempty"`
	DepartmentID      int64     `json:"department_id,omitempty"`
	Name              string    `json:"name"`
	Origin            string    `json:"origin,omitempty" doc:"What a walk-in account was opened for, e.g. booking:12"`
	ContactName       string    `json:"contact_name,omitempty"`
	Phone             string    `json:"phone,omitempty"`
	Email             string    `json:"email,omitempty"`
	PostalAddress     string    `json:"postal_address,omitempty"`
	FapiaoType        string    `json:"fapiao_type,omitempty"`
	BuyerName         string    `json:"buyer_name,omitempty"`
	BuyerTaxID        string    `json:"buyer_tax_id,omitempty"`
	BuyerAddressPhone string    `json:"buyer_address_phone,omitempty"`
	BuyerBankAccount  string    `json:"buyer_bank_account,omitempty"`
	FapiaoEmail       string    `json:"fapiao_email,omitempty"`
	Closed            bool      `json:"closed"`
	CreatedAt         time.Time `json:"created_at"`
}

// Charge sources (BIL-04).
const (
	SourceBooking       = "booking"        // booking settlement
	SourceServiceOrder  = "service_order"  // business-centre service receipt
	SourceRental        = "rental"         // rent
	SourceKeyFee        = "key_fee"        // key cutting
	SourceCompensation  = "compensation"   // damage or lost key
	SourcePaymentNotice = "payment_notice" // a payment-notice line (CON-10)
	SourceManagementFee = "management_fee"
	SourceRecurring     = "recurring" // recurring service
	SourceManual        = "manual"
)

// Sources lists the charge sources.
var Sources = []string{SourceBooking, SourceServiceOrder, SourceRental, SourceKeyFee, SourceCompensation, SourcePaymentNotice, SourceManagementFee, SourceRecurring, SourceManual}

// Charge statuses: open → partly_paid → paid; cancelled only by credits.
const (
	ChargeOpen       = "open"
	ChargePartlyPaid = "partly_paid"
	ChargePaid       = "paid"
	ChargeCancelled  = "cancelled"
)

// Charge is one amount owed (tax-inclusive fen). QtyMilli is the quantity
// in thousandths (1000 = 1); Amount = round(QtyMilli × UnitFen / 1000).
// PaidFen and CreditedFen are sums of allocations, never stored.
type Charge struct {
	ID          int64     `json:"id"`
	AccountID   int64     `json:"account_id"`
	AccountName string    `json:"account_name"`
	Source      string    `json:"source"`
	SourceID    int64     `json:"source_id,omitempty"`
	Period      string    `json:"period,omitempty" doc:"YYYY-MM for periodic charges"`
	Description string    `json:"description"`
	PriceID     int64     `json:"price_id,omitempty"`
	QtyMilli    int64     `json:"qty_milli"`
	Unit        string    `json:"unit"`
	UnitFen     int64     `json:"unit_fen"`
	AmountFen   int64     `json:"amount_fen"`
	TaxRateBP   int       `json:"tax_rate_bp"`
	DueOn       string    `json:"due_on"`
	Status      string    `json:"status" enum:"open,partly_paid,paid,cancelled"`
	PaidFen     int64     `json:"paid_fen"`
	CreditedFen int64     `json:"credited_fen"`
	CreatedAt   time.Time `json:"created_at"`
}

// Outstanding is what is still owed on the charge.
func (c Charge) Outstanding() int64 { return max(c.AmountFen-c.PaidFen-c.CreditedFen, 0) }

// Payment is money received (BIL-05). A reversal is a payment of the
// negated amount with ReversesID set; a payment is never edited.
type Payment struct {
	ID           int64        `json:"id"`
	AccountID    int64        `json:"account_id"`
	AccountName  string       `json:"account_name"`
	AmountFen    int64        `json:"amount_fen"`
	Method       string       `json:"method"`
	Reference    string       `json:"reference,omitempty"`
	Source       string       `json:"source,omitempty"`
	SourceID     int64        `json:"source_id,omitempty"`
	Note         string       `json:"note,omitempty"`
	ReceivedAt   time.Time    `json:"received_at"`
	ReceivedBy   string       `json:"received_by,omitempty"`
	ReversesID   int64        `json:"reverses_id,omitempty"`
	ReversedByID int64        `json:"reversed_by_id,omitempty"`
	Reason       string       `json:"reason,omitempty" doc:"Why a reversal was made"`
	Allocations  []Allocation `json:"allocations"`
	UnallocFen   int64        `json:"unallocated_fen" doc:"The rest, held as credit on the account"`
	ReceiptID    int64        `json:"receipt_id,omitempty"`
	ReceiptNo    string       `json:"receipt_no,omitempty"`
	CreatedAt    time.Time    `json:"created_at"`
}

// Allocation settles part of a charge from a payment, a deposit or a credit.
type Allocation struct {
	ID          int64     `json:"id"`
	ChargeID    int64     `json:"charge_id"`
	Description string    `json:"description,omitempty"`
	PaymentID   int64     `json:"payment_id,omitempty"`
	DepositID   int64     `json:"deposit_id,omitempty"`
	CreditID    int64     `json:"credit_id,omitempty"`
	AmountFen   int64     `json:"amount_fen"`
	CreatedAt   time.Time `json:"created_at"`
}

// Deposit purposes (BIL-06).
const (
	PurposeBooking      = "booking"
	PurposeServiceOrder = "service_order"
	PurposeRental       = "rental"
	PurposeLease        = "lease"
	PurposeKey          = "key"
	PurposeOther        = "other"
)

// Purposes lists the deposit purposes.
var Purposes = []string{PurposeBooking, PurposeServiceOrder, PurposeRental, PurposeLease, PurposeKey, PurposeOther}

// Deposit is money held for a purpose, a liability, never income.
// AppliedFen and RefundedFen are sums; HeldFen is what is still held.
type Deposit struct {
	ID          int64     `json:"id"`
	AccountID   int64     `json:"account_id"`
	AccountName string    `json:"account_name"`
	Purpose     string    `json:"purpose"`
	PurposeID   int64     `json:"purpose_id,omitempty"`
	Description string    `json:"description,omitempty"`
	PriceID     int64     `json:"price_id,omitempty"`
	AmountFen   int64     `json:"amount_fen"`
	Method      string    `json:"method"`
	Reference   string    `json:"reference,omitempty"`
	ReceivedAt  time.Time `json:"received_at"`
	ReceivedBy  string    `json:"received_by,omitempty"`
	AppliedFen  int64     `json:"applied_fen"`
	RefundedFen int64     `json:"refunded_fen"`
	HeldFen     int64     `json:"held_fen"`
	Refunds     []Refund  `json:"refunds"`
	ReceiptID   int64     `json:"receipt_id,omitempty"`
	ReceiptNo   string    `json:"receipt_no,omitempty"`
}

// Refund is money paid back out of a deposit.
type Refund struct {
	ID         int64     `json:"id"`
	DepositID  int64     `json:"deposit_id"`
	AmountFen  int64     `json:"amount_fen"`
	Method     string    `json:"method"`
	Reference  string    `json:"reference,omitempty"`
	Note       string    `json:"note,omitempty"`
	RefundedAt time.Time `json:"refunded_at"`
	RefundedBy string    `json:"refunded_by,omitempty"`
}

// Receipt copies (X-03, seed 002-5 2(2)③): 财务联/客户联/存根联.
var ReceiptCopies = []string{"finance", "client", "stub"}

// Receipt is a numbered three-part receipt for a payment or a deposit.
type Receipt struct {
	ID          int64         `json:"id"`
	Number      string        `json:"number"`
	AccountID   int64         `json:"account_id"`
	AccountName string        `json:"account_name"`
	PaymentID   int64         `json:"payment_id,omitempty"`
	DepositID   int64         `json:"deposit_id,omitempty"`
	Payer       string        `json:"payer"`
	AmountFen   int64         `json:"amount_fen"`
	Method      string        `json:"method"`
	Notice      string        `json:"notice" doc:"The site text printed on it, e.g. 本收据不作报销凭证"`
	IssuedAt    time.Time     `json:"issued_at"`
	IssuedBy    string        `json:"issued_by,omitempty"`
	PrintCount  int           `json:"print_count"`
	Voided      bool          `json:"voided"`
	VoidedAt    time.Time     `json:"voided_at,omitzero"`
	VoidedBy    string        `json:"voided_by,omitempty"`
	VoidReason  string        `json:"void_reason,omitempty"`
	Lines       []ReceiptLine `json:"lines"`
}

// ReceiptLine is a line printed on a receipt, frozen at issue.
type ReceiptLine struct {
	Seq         int    `json:"seq"`
	Description string `json:"description"`
	AmountFen   int64  `json:"amount_fen"`
}
