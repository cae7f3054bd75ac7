-- Fapiao, credits and audit periods (spec wave2 BIL-09, BIL-10, BIL-13).
--
-- billing_fapiao        a fapiao request and, once finance issued it on the tax
--                       platform, its record: number FP-YYYY-NNNNNN (series
--                       fapiao_request), type (normal 普通 / special 专用),
--                       medium (paper / digital 数电), the buyer block copied
--                       from the request, amounts (net + tax = gross), status
--                       requested → issued → delivered, or rejected (reason);
--                       an issued one is never edited: a red-letter (红字)
--                       row (red = TRUE, reverses_id) reverses it and the
--                       original's status becomes reversed.
-- billing_fapiao_lines  the lines: the charge each invoices, the item, the
--                       tax-inclusive amount split per line into net and tax.
-- billing_credits       a credit (冲减) reducing or cancelling an open charge,
--                       with its reason; above the threshold it waits for an
--                       approval chain (entity billing_credit) and is applied
--                       (an allocation with credit_id) when approved.
-- billing_periods       audit periods (month / quarter): open → signed off via
--                       the approval step audit → locked. No payment may be
--                       dated in a locked period.
-- billing_findings      the auditor's findings in a period, each a task.
CREATE TABLE billing_fapiao (
    id {{pk}},
    number TEXT NOT NULL UNIQUE,
    account_id BIGINT NOT NULL REFERENCES billing_accounts(id),
    kind TEXT NOT NULL,
    medium TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'requested',
    red BOOLEAN NOT NULL DEFAULT FALSE,
    reverses_id BIGINT REFERENCES billing_fapiao(id),
    buyer_kind TEXT NOT NULL DEFAULT 'enterprise',
    buyer_name TEXT NOT NULL,
    buyer_tax_id TEXT NOT NULL DEFAULT '',
    buyer_address_phone TEXT NOT NULL DEFAULT '',
    buyer_bank_account TEXT NOT NULL DEFAULT '',
    receive_email TEXT NOT NULL DEFAULT '',
    receive_phone TEXT NOT NULL DEFAULT '',
    remarks TEXT NOT NULL DEFAULT '',
    net_fen BIGINT NOT NULL,
    tax_fen BIGINT NOT NULL,
    gross_fen BIGINT NOT NULL,
    fapiao_no TEXT NOT NULL DEFAULT '',
    issued_on TEXT NOT NULL DEFAULT '',
    file_id BIGINT REFERENCES attachments(id),
    reason TEXT NOT NULL DEFAULT '',
    requested_by BIGINT REFERENCES users(id),
    requested_at BIGINT NOT NULL,
    issued_by BIGINT REFERENCES users(id),
    issued_at BIGINT,
    delivered_at BIGINT,
    closed_by BIGINT REFERENCES users(id),
    closed_at BIGINT,
    CHECK (kind IN ('normal', 'special')),
    CHECK (medium IN ('paper', 'digital')),
    CHECK (status IN ('requested', 'issued', 'delivered', 'rejected', 'reversed')),
    CHECK (net_fen + tax_fen = gross_fen AND gross_fen > 0),
    CHECK ((red AND reverses_id IS NOT NULL) OR (NOT red AND reverses_id IS NULL))
);
CREATE UNIQUE INDEX billing_fapiao_reverses ON billing_fapiao(reverses_id);
CREATE INDEX billing_fapiao_account ON billing_fapiao(account_id, requested_at);
CREATE INDEX billing_fapiao_status ON billing_fapiao(status, requested_at);

CREATE TABLE billing_fapiao_lines (
    fapiao_id BIGINT NOT NULL REFERENCES billing_fapiao(id),
    seq INTEGER NOT NULL,
    charge_id BIGINT REFERENCES billing_charges(id),
    source TEXT NOT NULL DEFAULT '',
    item TEXT NOT NULL,
    spec TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT '',
    qty BIGINT NOT NULL DEFAULT 1,
    rate_bp INTEGER NOT NULL,
    gross_fen BIGINT NOT NULL,
    net_fen BIGINT NOT NULL,
    tax_fen BIGINT NOT NULL,
    PRIMARY KEY (fapiao_id, seq),
    CHECK (net_fen + tax_fen = gross_fen)
);
CREATE INDEX billing_fapiao_lines_charge ON billing_fapiao_lines(charge_id);

CREATE TABLE billing_credits (
    id {{pk}},
    number TEXT NOT NULL UNIQUE,
    charge_id BIGINT NOT NULL REFERENCES billing_charges(id),
    amount_fen BIGINT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    requested_by BIGINT REFERENCES users(id),
    requested_at BIGINT NOT NULL,
    decided_at BIGINT,
    CHECK (amount_fen > 0),
    CHECK (status IN ('pending', 'applied', 'rejected'))
);
CREATE INDEX billing_credits_charge ON billing_credits(charge_id);
CREATE INDEX billing_credits_status ON billing_credits(status, requested_at);

CREATE TABLE billing_periods (
    id {{pk}},
    kind TEXT NOT NULL,
    start_on TEXT NOT NULL,
    end_on TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    summary TEXT NOT NULL DEFAULT '',
    opened_by BIGINT REFERENCES users(id),
    opened_at BIGINT NOT NULL,
    locked_at BIGINT,
    UNIQUE (start_on, end_on),
    CHECK (kind IN ('month', 'quarter')),
    CHECK (status IN ('open', 'review', 'locked')),
    CHECK (start_on <= end_on)
);
CREATE INDEX billing_periods_range ON billing_periods(status, start_on, end_on);

CREATE TABLE billing_findings (
    id {{pk}},
    period_id BIGINT NOT NULL REFERENCES billing_periods(id),
    severity TEXT NOT NULL,
    text TEXT NOT NULL,
    department_id BIGINT REFERENCES departments(id),
    task_id BIGINT REFERENCES tasks(id),
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    CHECK (severity IN ('low', 'medium', 'high'))
);
CREATE INDEX billing_findings_period ON billing_findings(period_id);
