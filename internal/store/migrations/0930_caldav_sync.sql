-- CalDAV sync tokens (RFC 6578). A token names one state of one reader's
-- calendar: the set of its objects with their ETags, kept here so that the
-- next sync can say what changed and what went away. A state is keyed by
-- its digest: two instances (or one after a restart) that see the same
-- calendar share its row and its token. States unused for long are pruned;
-- a client holding a pruned token is told to sync afresh.
CREATE TABLE caldav_states (
    id {{pk}},
    user_id BIGINT NOT NULL REFERENCES users(id),
    calendar TEXT NOT NULL,
    digest TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX caldav_states_digest ON caldav_states(user_id, calendar, digest);
CREATE INDEX caldav_states_used ON caldav_states(user_id, calendar, used_at);

CREATE TABLE caldav_state_items (
    state_id BIGINT NOT NULL REFERENCES caldav_states(id),
    name TEXT NOT NULL,
    etag TEXT NOT NULL,
    PRIMARY KEY (state_id, name)
);
