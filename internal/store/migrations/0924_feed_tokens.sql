-- Calendar feed links can be revoked. A person's revoked feed is not made
-- again when their page is shown; a venue's revoked feed answers no one.
-- Either comes back only as a new link (a new token).
ALTER TABLE booking_feeds ADD COLUMN revoked BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE venues ADD COLUMN feed_revoked BOOLEAN NOT NULL DEFAULT FALSE;
