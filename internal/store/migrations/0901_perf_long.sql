-- The few held bookings longer than six hours: searches across all venues
-- look back six hours in bookings_active_block and two days only in this
-- small index (see booking.blocked).
CREATE INDEX bookings_active_long ON bookings(block_start, block_end, venue_id) WHERE active AND block_end - block_start > 21600000;
