-- Client meetings, the missing steps (seed 004): the room is booked from the
-- meeting through the booking module (venue_id is the room asked for, the
-- booking holds it), outside guests get the notice by e-mail, and
-- attendees give feedback at the close.
ALTER TABLE meetings ADD COLUMN venue_id BIGINT REFERENCES venues(id);
ALTER TABLE meeting_attendees ADD COLUMN guest_email TEXT NOT NULL DEFAULT '';

CREATE TABLE meeting_feedback (
    id {{pk}},
    meeting_id BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (meeting_id, user_id)
);
