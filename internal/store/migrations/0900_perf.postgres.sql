-- The two-day limit on a blocked range that makes bounded look-ups safe.
ALTER TABLE bookings ADD CONSTRAINT bookings_block_span CHECK (block_end - block_start <= 172800000);
