-- Billing core (spec wave2 §C1): one ledger for all money of the site.
-- Money is integer fen, tax-inclusive; times are UTC milliseconds; dates
-- (effective_from/to, due_on) are 'YYYY-MM-DD' in Asia/Shanghai.
--
-- billing_price_lists   versions of the general price list (收费标准). A draft
--                       is edited; a published version is never edited, only
--                       replaced by a newer version (effective_from/to).
-- billing_prices        the priced items of one version, by section (bizcentre,
--                       keys, damage, management, parking, phone, deposit);
--                       unit_fen or, for deposits, percent_bp of a base.
-- billing_accounts      who is billed: a client organisation (one account per
--                       org), an individual, a department (internal), or a
--                       one-off walk-in; with the billing profile (开票信息).
-- billing_charges       the receivables ledger: one row per amount owed, from a
--                       source (booking, service_order, rental, key_fee, ...)
--                       with the unit price it used. (source, source_id,
--                       period) is unique, so sources write idempotently.
--                       status open → partly_paid → paid, or cancelled (by
--                       credits only); it is derived from billing_allocations.
-- billing_payments      money received: method, reference, received at/by.
--                       Never edited: a reversal is a new row with the negated
--                       amount and reverses_id set (at most one per payment).
-- billing_deposits      deposits (押金) held as a liability for a purpose; never
--                       income. Applied to charges (allocations) or refunded.
-- billing_deposit_refunds  money paid back out of a deposit.
-- billing_allocations   append-only: settles part of a charge from a payment,
--                       a deposit or a credit (exactly one of the three). A
--                       reversal adds negated rows. Paid/credited amounts of a
--                       charge and the unallocated rest of a payment (account
--                       credit) are sums over this table, stored nowhere else.
-- billing_receipts      three-part receipts (收据) for a payment or a deposit;
--                       number from internal/numbering (series receipt, SJ),
--                       voiding keeps the number; print_count counts prints
--                       (a print after the first is 补打).
-- billing_receipt_lines the lines printed on a receipt, frozen at issue.
--
-- Finally booking_settlements.paid_fen/pay_method/paid_at move into the
-- ledger (an account, a charge per settled booking, a payment allocated to
-- it) and (1013) the three columns are dropped: "paid" has one source.

CREATE TABLE billing_price_lists (
    id {{pk}},
    version INTEGER NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'draft',
    effective_from TEXT NOT NULL,
    effective_to TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    published_by BIGINT REFERENCES users(id),
    published_at BIGINT,
    CHECK (status IN ('draft', 'published'))
);

CREATE TABLE billing_prices (
    id {{pk}},
    list_id BIGINT NOT NULL REFERENCES billing_price_lists(id),
    section TEXT NOT NULL,
    code TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    name_hant TEXT NOT NULL DEFAULT '',
    name_en TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT 'item',
    unit_fen BIGINT NOT NULL DEFAULT 0,
    percent_bp INTEGER NOT NULL DEFAULT 0,
    tax_rate_bp INTEGER NOT NULL DEFAULT 0,
    fapiao_item TEXT NOT NULL DEFAULT '',
    client_bookable BOOLEAN NOT NULL DEFAULT TRUE,
    note TEXT NOT NULL DEFAULT '',
    seq INTEGER NOT NULL DEFAULT 0,
    UNIQUE (list_id, code),
    CHECK (unit_fen >= 0 AND percent_bp >= 0 AND tax_rate_bp >= 0)
);
CREATE INDEX billing_prices_list ON billing_prices(list_id, section, seq);

CREATE TABLE billing_accounts (
    id {{pk}},
    kind TEXT NOT NULL,
    org_id BIGINT REFERENCES client_orgs(id),
    department_id BIGINT REFERENCES departments(id),
    name TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT '',
    contact_name TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    postal_address TEXT NOT NULL DEFAULT '',
    fapiao_type TEXT NOT NULL DEFAULT '',
    buyer_name TEXT NOT NULL DEFAULT '',
    buyer_tax_id TEXT NOT NULL DEFAULT '',
    buyer_address_phone TEXT NOT NULL DEFAULT '',
    buyer_bank_account TEXT NOT NULL DEFAULT '',
    fapiao_email TEXT NOT NULL DEFAULT '',
    closed_at BIGINT,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK (kind IN ('org', 'individual', 'department', 'walkin'))
);
CREATE UNIQUE INDEX billing_accounts_org ON billing_accounts(org_id) WHERE kind = 'org';
CREATE INDEX billing_accounts_name ON billing_accounts(name);

CREATE TABLE billing_charges (
    id {{pk}},
    account_id BIGINT NOT NULL REFERENCES billing_accounts(id),
    source TEXT NOT NULL,
    source_id BIGINT,
    period TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL,
    price_id BIGINT REFERENCES billing_prices(id),
    qty_milli BIGINT NOT NULL DEFAULT 1000,
    unit TEXT NOT NULL DEFAULT 'item',
    unit_fen BIGINT NOT NULL,
    amount_fen BIGINT NOT NULL,
    tax_rate_bp INTEGER NOT NULL DEFAULT 0,
    due_on TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK (amount_fen >= 0 AND unit_fen >= 0 AND qty_milli > 0),
    CHECK (status IN ('open', 'partly_paid', 'paid', 'cancelled'))
);
CREATE UNIQUE INDEX billing_charges_source ON billing_charges(source, source_id, period) WHERE source_id IS NOT NULL;
CREATE INDEX billing_charges_account ON billing_charges(account_id, status, due_on);
CREATE INDEX billing_charges_due ON billing_charges(status, due_on);

CREATE TABLE billing_payments (
    id {{pk}},
    account_id BIGINT NOT NULL REFERENCES billing_accounts(id),
    amount_fen BIGINT NOT NULL,
    method TEXT NOT NULL,
    reference TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT '',
    source_id BIGINT,
    note TEXT NOT NULL DEFAULT '',
    received_at BIGINT NOT NULL,
    received_by BIGINT REFERENCES users(id),
    reverses_id BIGINT REFERENCES billing_payments(id),
    reason TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    CHECK ((reverses_id IS NULL AND amount_fen > 0) OR (reverses_id IS NOT NULL AND amount_fen < 0))
);
CREATE UNIQUE INDEX billing_payments_reverses ON billing_payments(reverses_id);
CREATE INDEX billing_payments_account ON billing_payments(account_id, received_at);
CREATE INDEX billing_payments_received ON billing_payments(received_at);

CREATE TABLE billing_deposits (
    id {{pk}},
    account_id BIGINT NOT NULL REFERENCES billing_accounts(id),
    purpose TEXT NOT NULL,
    purpose_id BIGINT,
    description TEXT NOT NULL DEFAULT '',
    price_id BIGINT REFERENCES billing_prices(id),
    amount_fen BIGINT NOT NULL,
    method TEXT NOT NULL,
    reference TEXT NOT NULL DEFAULT '',
    received_at BIGINT NOT NULL,
    received_by BIGINT REFERENCES users(id),
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    CHECK (amount_fen > 0)
);
CREATE INDEX billing_deposits_account ON billing_deposits(account_id, received_at);
CREATE INDEX billing_deposits_purpose ON billing_deposits(purpose, purpose_id);

CREATE TABLE billing_deposit_refunds (
    id {{pk}},
    deposit_id BIGINT NOT NULL REFERENCES billing_deposits(id),
    amount_fen BIGINT NOT NULL,
    method TEXT NOT NULL,
    reference TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    refunded_at BIGINT NOT NULL,
    refunded_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    CHECK (amount_fen > 0)
);
CREATE INDEX billing_deposit_refunds_deposit ON billing_deposit_refunds(deposit_id);

CREATE TABLE billing_allocations (
    id {{pk}},
    charge_id BIGINT NOT NULL REFERENCES billing_charges(id),
    payment_id BIGINT REFERENCES billing_payments(id),
    deposit_id BIGINT REFERENCES billing_deposits(id),
    credit_id BIGINT,
    amount_fen BIGINT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    CHECK ((CASE WHEN payment_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN deposit_id IS NULL THEN 0 ELSE 1 END) + (CASE WHEN credit_id IS NULL THEN 0 ELSE 1 END) = 1),
    CHECK (amount_fen <> 0)
);
CREATE INDEX billing_allocations_charge ON billing_allocations(charge_id);
CREATE INDEX billing_allocations_payment ON billing_allocations(payment_id);
CREATE INDEX billing_allocations_deposit ON billing_allocations(deposit_id);
CREATE INDEX billing_allocations_credit ON billing_allocations(credit_id);

CREATE TABLE billing_receipts (
    id {{pk}},
    number TEXT NOT NULL UNIQUE,
    account_id BIGINT NOT NULL REFERENCES billing_accounts(id),
    payment_id BIGINT REFERENCES billing_payments(id),
    deposit_id BIGINT REFERENCES billing_deposits(id),
    payer TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    method TEXT NOT NULL,
    notice TEXT NOT NULL DEFAULT '',
    issued_at BIGINT NOT NULL,
    issued_by BIGINT REFERENCES users(id),
    print_count INTEGER NOT NULL DEFAULT 0,
    voided_at BIGINT,
    voided_by BIGINT REFERENCES users(id),
    void_reason TEXT NOT NULL DEFAULT '',
    CHECK ((payment_id IS NULL) <> (deposit_id IS NULL)),
    CHECK (amount_fen > 0)
);
CREATE INDEX billing_receipts_account ON billing_receipts(account_id, issued_at);
CREATE INDEX billing_receipts_payment ON billing_receipts(payment_id);
CREATE INDEX billing_receipts_deposit ON billing_receipts(deposit_id);

CREATE TABLE billing_receipt_lines (
    receipt_id BIGINT NOT NULL REFERENCES billing_receipts(id),
    seq INTEGER NOT NULL,
    description TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    PRIMARY KEY (receipt_id, seq)
);

-- BIL-15: booking payments move into the ledger. One account per client
-- organisation with settled bookings, a one-off walk-in account for a
-- settled booking without an organisation.
INSERT INTO billing_accounts (kind, org_id, name, created_at, updated_at)
SELECT 'org', o.id, o.name, MIN(s.settled_at), MIN(s.settled_at)
FROM booking_settlements s JOIN bookings b ON b.id = s.booking_id JOIN client_orgs o ON o.id = b.org_id
GROUP BY o.id, o.name;

INSERT INTO billing_accounts (kind, name, origin, contact_name, phone, email, created_at, updated_at)
SELECT 'walkin', CASE WHEN b.client_name <> '' THEN b.client_name ELSE b.title END, 'booking:' || CAST(b.id AS TEXT),
       b.contact_name, b.contact_phone, b.contact_email, s.settled_at, s.settled_at
FROM booking_settlements s JOIN bookings b ON b.id = s.booking_id
WHERE b.org_id IS NULL;
