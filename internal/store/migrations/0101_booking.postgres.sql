-- The database itself refuses two active bookings of one venue whose
-- blocked ranges (time plus buffers) overlap.
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings ADD CONSTRAINT bookings_no_overlap
    EXCLUDE USING gist (venue_id WITH =, int8range(block_start, block_end) WITH &&) WHERE (active);
