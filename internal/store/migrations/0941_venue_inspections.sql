-- Periodic inspection plans of a venue (定期检查, seed 004 第四章): each due
-- occurrence becomes an engineering task through a durable job.
CREATE TABLE venue_inspection_plans (
    id {{pk}},
    venue_id BIGINT NOT NULL REFERENCES venues(id),
    title TEXT NOT NULL,
    rule TEXT NOT NULL,
    first_ms BIGINT NOT NULL,
    next_ms BIGINT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX venue_inspection_plans_venue ON venue_inspection_plans (venue_id);
