-- The seating plan of a booking (座位图, seed 001 三(三)1: 按照预先安排的
-- 座位图引导客户就座): a simple seat list; a drawn plan is an attachment of
-- the booking.
CREATE TABLE booking_seats (
    id {{pk}},
    booking_id BIGINT NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
    seat TEXT NOT NULL,
    name TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    sort INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX booking_seats_booking ON booking_seats (booking_id, sort);
