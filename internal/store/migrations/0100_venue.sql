-- Venues (会场/会议室), their maintenance periods, add-ons of the rate card and repairs (报修).
CREATE TABLE venues (
    id {{pk}},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT 'meeting_room',
    location TEXT NOT NULL DEFAULT '',
    floor TEXT NOT NULL DEFAULT '',
    capacity INTEGER NOT NULL,
    cap_boardroom INTEGER NOT NULL DEFAULT 0,
    cap_theatre INTEGER NOT NULL DEFAULT 0,
    cap_classroom INTEGER NOT NULL DEFAULT 0,
    cap_ushape INTEGER NOT NULL DEFAULT 0,
    equipment TEXT NOT NULL DEFAULT '',
    buffer_before_min INTEGER NOT NULL DEFAULT 0,
    buffer_after_min INTEGER NOT NULL DEFAULT 0,
    open_from_min INTEGER NOT NULL DEFAULT 480,
    open_to_min INTEGER NOT NULL DEFAULT 1320,
    open_days INTEGER NOT NULL DEFAULT 127,
    in_service BOOLEAN NOT NULL DEFAULT TRUE,
    bookable_by_clients BOOLEAN NOT NULL DEFAULT TRUE,
    description TEXT NOT NULL DEFAULT '',
    rate_hour_internal BIGINT NOT NULL DEFAULT 0,
    rate_half_internal BIGINT NOT NULL DEFAULT 0,
    rate_day_internal BIGINT NOT NULL DEFAULT 0,
    rate_hour_client BIGINT NOT NULL DEFAULT 0,
    rate_half_client BIGINT NOT NULL DEFAULT 0,
    rate_day_client BIGINT NOT NULL DEFAULT 0,
    rate_hour_key BIGINT NOT NULL DEFAULT 0,
    rate_half_key BIGINT NOT NULL DEFAULT 0,
    rate_day_key BIGINT NOT NULL DEFAULT 0,
    feed_token TEXT NOT NULL UNIQUE,
    door_token TEXT NOT NULL UNIQUE,
    sort INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE venue_maintenance (
    id {{pk}},
    venue_id BIGINT NOT NULL REFERENCES venues(id),
    start_ms BIGINT NOT NULL,
    end_ms BIGINT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    repair_id BIGINT,
    cancelled BOOLEAN NOT NULL DEFAULT FALSE,
    created_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX venue_maintenance_venue ON venue_maintenance(venue_id, start_ms);

CREATE TABLE venue_addons (
    id {{pk}},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT 'service',
    unit TEXT NOT NULL DEFAULT 'unit',
    price_internal BIGINT NOT NULL DEFAULT 0,
    price_client BIGINT NOT NULL DEFAULT 0,
    price_key BIGINT NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    sort INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE venue_repairs (
    id {{pk}},
    venue_id BIGINT NOT NULL REFERENCES venues(id),
    equipment TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    reported_by BIGINT,
    reported_at BIGINT NOT NULL,
    resolution TEXT NOT NULL DEFAULT '',
    resolved_by BIGINT,
    resolved_at BIGINT,
    maintenance_id BIGINT
);
CREATE INDEX venue_repairs_venue ON venue_repairs(venue_id, status);
