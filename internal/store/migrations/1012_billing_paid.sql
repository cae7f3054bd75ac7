-- BIL-15: the paid amount of each settlement becomes a ledger payment
-- allocated to the booking's charge (any excess stays on the account as
-- credit). 1013 then drops the settlement's own paid columns.
INSERT INTO billing_payments (account_id, amount_fen, method, source, source_id, note, received_at, received_by, created_by, created_at)
SELECT c.account_id, s.paid_fen, CASE WHEN s.pay_method <> '' THEN s.pay_method ELSE 'cash' END, 'booking', s.booking_id,
       'booking settlement', COALESCE(s.paid_at, s.settled_at), s.settled_by, s.settled_by, s.settled_at
FROM booking_settlements s JOIN billing_charges c ON c.source = 'booking' AND c.source_id = s.booking_id
WHERE s.paid_fen > 0;

INSERT INTO billing_allocations (charge_id, payment_id, amount_fen, created_by, created_at)
SELECT c.id, p.id, CASE WHEN p.amount_fen < c.amount_fen THEN p.amount_fen ELSE c.amount_fen END, p.created_by, p.created_at
FROM billing_payments p JOIN billing_charges c ON c.source = 'booking' AND c.source_id = p.source_id
WHERE p.source = 'booking' AND c.amount_fen > 0;
