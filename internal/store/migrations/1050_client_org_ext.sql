-- Client organisation extensions (X-06): the kind of client (company,
-- representative office, foreign company, company being set up, individual)
-- and its billing profile (开票信息), read by billing when a fapiao is asked for.
ALTER TABLE client_orgs ADD COLUMN kind TEXT NOT NULL DEFAULT 'company';
ALTER TABLE client_orgs ADD COLUMN bill_title TEXT NOT NULL DEFAULT '';
ALTER TABLE client_orgs ADD COLUMN bill_tax_id TEXT NOT NULL DEFAULT '';
ALTER TABLE client_orgs ADD COLUMN bill_address_phone TEXT NOT NULL DEFAULT '';
ALTER TABLE client_orgs ADD COLUMN bill_bank_account TEXT NOT NULL DEFAULT '';
ALTER TABLE client_orgs ADD COLUMN bill_fapiao_type TEXT NOT NULL DEFAULT '';
ALTER TABLE client_orgs ADD COLUMN bill_email TEXT NOT NULL DEFAULT '';
ALTER TABLE client_orgs ADD COLUMN bill_postal_address TEXT NOT NULL DEFAULT '';
