-- BIL-15: one charge per settled booking (the settlement total, 6% tax,
-- due on the settlement day in Asia/Shanghai), its status from the paid
-- amount that 1012 moves into the ledger.
INSERT INTO billing_charges (account_id, source, source_id, description, qty_milli, unit, unit_fen, amount_fen, tax_rate_bp, due_on, status, created_by, created_at, updated_at)
SELECT COALESCE((SELECT a.id FROM billing_accounts a WHERE a.kind = 'org' AND a.org_id = b.org_id),
                (SELECT a.id FROM billing_accounts a WHERE a.kind = 'walkin' AND a.origin = 'booking:' || CAST(b.id AS TEXT))),
       'booking', b.id, b.title, 1000, 'item', s.total_fen, s.total_fen, 600,
       date(s.settled_at / 1000 + 28800, 'unixepoch'),
       CASE WHEN s.paid_fen >= s.total_fen THEN 'paid' WHEN s.paid_fen > 0 THEN 'partly_paid' ELSE 'open' END,
       s.settled_by, s.settled_at, s.settled_at
FROM booking_settlements s JOIN bookings b ON b.id = s.booking_id;
