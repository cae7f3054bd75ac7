-- Second guard behind the check in Go: refuse an active booking whose
-- blocked range overlaps another active booking of the same venue.
CREATE TRIGGER bookings_no_overlap_insert BEFORE INSERT ON bookings
WHEN NEW.active
BEGIN
    SELECT RAISE(ABORT, 'booking overlap')
    WHERE EXISTS (SELECT 1 FROM bookings b WHERE b.venue_id = NEW.venue_id AND b.active
        AND b.block_start < NEW.block_end AND NEW.block_start < b.block_end);
END;
CREATE TRIGGER bookings_no_overlap_update BEFORE UPDATE OF active, block_start, block_end, venue_id ON bookings
WHEN NEW.active
BEGIN
    SELECT RAISE(ABORT, 'booking overlap')
    WHERE EXISTS (SELECT 1 FROM bookings b WHERE b.venue_id = NEW.venue_id AND b.active AND b.id <> NEW.id
        AND b.block_start < NEW.block_end AND NEW.block_start < b.block_end);
END;
