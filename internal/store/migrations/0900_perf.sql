-- Indexes for bounded time look-ups on large booking tables (years of
-- history). A booking's blocked range is never longer than two days (at
-- most 24 hours plus buffers of at most 4 hours each; the database refuses
-- longer ones below), so whatever overlaps [from, to) starts after
-- from - 2 days: queries add that bound and read only a few days of rows.
CREATE INDEX bookings_active_block ON bookings(block_start, block_end, venue_id) WHERE active;
CREATE INDEX bookings_venue_start ON bookings(venue_id, start_ms);
CREATE INDEX bookings_start ON bookings(start_ms);
CREATE INDEX bookings_confirm_token ON bookings(confirm_token) WHERE confirm_token <> '';
-- The venue list is cached in each instance and revalidated against the
-- venues' count and latest change.
CREATE INDEX venues_updated ON venues(updated_at);
