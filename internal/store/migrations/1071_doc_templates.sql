-- Document templates with versions (X-10): standard contracts, 管理协议,
-- 用户手册, 装修指南, apology letters, 责任书 and 保密协议. A version is a
-- draft, goes through approval (entity doc_template, the version's id) and
-- is published; only the published version is used, and editing a
-- published template makes a new draft version.
CREATE TABLE doc_templates (
    id {{pk}},
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    owner_dept_id BIGINT,
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE doc_template_versions (
    id {{pk}},
    template_id BIGINT NOT NULL REFERENCES doc_templates(id),
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    title TEXT NOT NULL,
    body_zh_hans TEXT NOT NULL,
    body_zh_hant TEXT NOT NULL DEFAULT '',
    body_en TEXT NOT NULL DEFAULT '',
    resign BOOLEAN NOT NULL DEFAULT FALSE,
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    published_at BIGINT,
    UNIQUE (template_id, version)
);
-- The person asked to acknowledge or sign a document version (X-04), and
-- how they did: a click on the portal (name, time, address) or a scan of
-- the signed paper uploaded as an attachment.
CREATE TABLE acknowledgements (
    id {{pk}},
    version_id BIGINT NOT NULL REFERENCES doc_template_versions(id),
    user_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    subject_entity TEXT NOT NULL DEFAULT '',
    subject_id BIGINT NOT NULL DEFAULT 0,
    requested_by BIGINT,
    requested_at BIGINT NOT NULL,
    signed_at BIGINT,
    method TEXT NOT NULL DEFAULT '',
    signed_name TEXT NOT NULL DEFAULT '',
    ip TEXT NOT NULL DEFAULT '',
    attachment_id BIGINT,
    recorded_by BIGINT
);
CREATE INDEX acknowledgements_user ON acknowledgements(user_id, status);
CREATE INDEX acknowledgements_version ON acknowledgements(version_id, status);
