-- Bookings of venues. A row whose "active" is true holds the range
-- [block_start, block_end) of its venue: start and end widened by the
-- venue's setup and teardown buffers. No two active rows of one venue may
-- overlap: an exclusion constraint on PostgreSQL, a trigger on SQLite, and a
-- check in the same transaction in Go.
CREATE TABLE booking_series (
    id {{pk}},
    rule TEXT NOT NULL,
    first_start BIGINT NOT NULL,
    duration_min INTEGER NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);

CREATE TABLE bookings (
    id {{pk}},
    venue_id BIGINT NOT NULL REFERENCES venues(id),
    series_id BIGINT REFERENCES booking_series(id),
    title TEXT NOT NULL,
    start_ms BIGINT NOT NULL,
    end_ms BIGINT NOT NULL,
    block_start BIGINT NOT NULL,
    block_end BIGINT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    status TEXT NOT NULL,
    purpose TEXT NOT NULL DEFAULT 'internal',
    channel TEXT NOT NULL DEFAULT 'online',
    headcount INTEGER NOT NULL DEFAULT 1,
    layout TEXT NOT NULL DEFAULT '',
    equipment TEXT NOT NULL DEFAULT '',
    priority TEXT NOT NULL DEFAULT 'normal',
    org_id BIGINT,
    client_name TEXT NOT NULL DEFAULT '',
    contact_name TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    rate_tier TEXT NOT NULL DEFAULT 'internal',
    under_contract BOOLEAN NOT NULL DEFAULT FALSE,
    contract_no TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    requested_by BIGINT,
    department_id BIGINT,
    decided_by BIGINT,
    decided_at BIGINT,
    decision_reason TEXT NOT NULL DEFAULT '',
    reply_by BIGINT,
    confirm_token TEXT NOT NULL DEFAULT '',
    confirmed_at BIGINT,
    confirmed_via TEXT NOT NULL DEFAULT '',
    cancelled_at BIGINT,
    cancel_reason TEXT NOT NULL DEFAULT '',
    cancel_fee BIGINT NOT NULL DEFAULT 0,
    bumped_by BIGINT,
    noshow_min INTEGER NOT NULL DEFAULT 0,
    checked_in_at BIGINT,
    checked_in_by BIGINT,
    completed_at BIGINT,
    quote_fen BIGINT NOT NULL DEFAULT 0,
    seq INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK (end_ms > start_ms),
    CHECK (block_end > block_start)
);
CREATE INDEX bookings_venue_time ON bookings(venue_id, block_start, block_end);
CREATE INDEX bookings_status ON bookings(status, start_ms);
CREATE INDEX bookings_requester ON bookings(requested_by, start_ms);
CREATE INDEX bookings_org ON bookings(org_id, start_ms);
CREATE INDEX bookings_series ON bookings(series_id, start_ms);

-- Add-ons ordered with a booking (phase 'ordered') and the lines of the
-- settlement statement (phase 'actual').
CREATE TABLE booking_items (
    id {{pk}},
    booking_id BIGINT NOT NULL REFERENCES bookings(id),
    phase TEXT NOT NULL DEFAULT 'ordered',
    addon_id BIGINT,
    name TEXT NOT NULL,
    unit TEXT NOT NULL DEFAULT 'unit',
    qty INTEGER NOT NULL,
    unit_fen BIGINT NOT NULL,
    amount_fen BIGINT NOT NULL
);
CREATE INDEX booking_items_booking ON booking_items(booking_id, phase);

CREATE TABLE booking_settlements (
    booking_id BIGINT PRIMARY KEY REFERENCES bookings(id),
    room_fen BIGINT NOT NULL DEFAULT 0,
    room_note TEXT NOT NULL DEFAULT '',
    addons_fen BIGINT NOT NULL DEFAULT 0,
    discount_fen BIGINT NOT NULL DEFAULT 0,
    discount_reason TEXT NOT NULL DEFAULT '',
    total_fen BIGINT NOT NULL DEFAULT 0,
    paid_fen BIGINT NOT NULL DEFAULT 0,
    pay_method TEXT NOT NULL DEFAULT '',
    paid_at BIGINT,
    invoice_no TEXT NOT NULL DEFAULT '',
    invoice_date TEXT NOT NULL DEFAULT '',
    settled_by BIGINT,
    settled_at BIGINT NOT NULL
);

-- Per-user calendar feed tokens.
CREATE TABLE booking_feeds (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    token TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);
