-- BIL-15: the paid amount of a booking lives only in the billing ledger
-- (1012 moved it there); the settlement keeps the statement, not the money.
ALTER TABLE booking_settlements DROP COLUMN paid_fen;
ALTER TABLE booking_settlements DROP COLUMN pay_method;
ALTER TABLE booking_settlements DROP COLUMN paid_at;
