-- A refused form's messages and values, kept between the POST and the GET
-- it redirects to (post/redirect/get): read once, then deleted; rows older
-- than a few minutes are swept on the next write.
CREATE TABLE web_flashes (
    token TEXT PRIMARY KEY,
    back TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX web_flashes_created ON web_flashes(created_at);
