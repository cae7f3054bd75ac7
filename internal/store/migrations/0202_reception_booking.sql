-- The meeting-room booking requested for a reception (booking module).
ALTER TABLE receptions ADD COLUMN booking_id BIGINT;
