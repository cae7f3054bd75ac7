-- The no-overlap triggers of 0101, bounded to two days back (see above),
-- and the two-day limit on a blocked range that makes the bound safe.
DROP TRIGGER bookings_no_overlap_insert;
DROP TRIGGER bookings_no_overlap_update;
CREATE TRIGGER bookings_block_span_insert BEFORE INSERT ON bookings
WHEN NEW.block_end - NEW.block_start > 172800000
BEGIN
    SELECT RAISE(ABORT, 'booking block longer than two days');
END;
CREATE TRIGGER bookings_block_span_update BEFORE UPDATE OF block_start, block_end ON bookings
WHEN NEW.block_end - NEW.block_start > 172800000
BEGIN
    SELECT RAISE(ABORT, 'booking block longer than two days');
END;
CREATE TRIGGER bookings_no_overlap_insert BEFORE INSERT ON bookings
WHEN NEW.active
BEGIN
    SELECT RAISE(ABORT, 'booking overlap')
    WHERE EXISTS (SELECT 1 FROM bookings b WHERE b.venue_id = NEW.venue_id AND b.active
        AND b.block_start > NEW.block_start - 172800000 AND b.block_start < NEW.block_end AND NEW.block_start < b.block_end);
END;
CREATE TRIGGER bookings_no_overlap_update BEFORE UPDATE OF active, block_start, block_end, venue_id ON bookings
WHEN NEW.active
BEGIN
    SELECT RAISE(ABORT, 'booking overlap')
    WHERE EXISTS (SELECT 1 FROM bookings b WHERE b.venue_id = NEW.venue_id AND b.active AND b.id <> NEW.id
        AND b.block_start > NEW.block_start - 172800000 AND b.block_start < NEW.block_end AND NEW.block_start < b.block_end);
END;
