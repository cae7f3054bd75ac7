-- Files attached to any record, kept in the database so every instance serves them.
CREATE TABLE attachments (
    id {{pk}},
    entity TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    data {{blob}} NOT NULL,
    uploaded_by BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX attachments_entity ON attachments(entity, entity_id);
