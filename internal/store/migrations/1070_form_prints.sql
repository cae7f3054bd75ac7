-- The register of printed paper forms (X-03): every print of a form of a
-- record, numbered per form and record, so a reprint (补打) is told from
-- the first print on paper and in the audit log.
CREATE TABLE form_prints (
    id {{pk}},
    form TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    seq INTEGER NOT NULL,
    number TEXT NOT NULL,
    copies INTEGER NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    printed_by BIGINT,
    printed_by_name TEXT NOT NULL DEFAULT '',
    printed_at BIGINT NOT NULL,
    UNIQUE (form, entity, entity_id, seq)
);
