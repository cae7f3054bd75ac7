-- Client organisations (客户单位) and their contacts (联系人). A merged
-- duplicate keeps its row with merged_into set, so old links still resolve.
CREATE TABLE client_orgs (
    id {{pk}},
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    short_name TEXT NOT NULL DEFAULT '',
    industry TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    merged_into BIGINT REFERENCES client_orgs(id),
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX client_orgs_key ON client_orgs(name_key);
CREATE INDEX client_orgs_merged ON client_orgs(merged_into);

CREATE TABLE client_contacts (
    id {{pk}},
    org_id BIGINT NOT NULL REFERENCES client_orgs(id),
    name TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    mobile TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    wechat TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    merged_into BIGINT REFERENCES client_contacts(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX client_contacts_org ON client_contacts(org_id);
CREATE INDEX client_contacts_merged ON client_contacts(merged_into);
