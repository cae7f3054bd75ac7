-- PIPL right to deletion: a guest or a client contact can be erased. The
-- row stays (statistics keep counting it) with its personal fields blank.
ALTER TABLE reception_guests ADD COLUMN erased_at BIGINT;
ALTER TABLE client_contacts ADD COLUMN erased_at BIGINT;

-- The audit rows whose personal values an erasure replaced: the only rows
-- whose payload (before_json, after_json) may be rewritten, and nothing else
-- of them (see the dialect files).
CREATE TABLE audit_erasures (
    audit_id BIGINT PRIMARY KEY REFERENCES audit_log(id),
    erased_at BIGINT NOT NULL
);
