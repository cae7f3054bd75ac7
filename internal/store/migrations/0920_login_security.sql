-- Log-in throttle: attempts counted per bucket (one user name from one
-- address, one address, one user name) in fixed windows, updated by one
-- upsert per attempt so that concurrent attempts cannot pass together.
CREATE TABLE login_throttle (
    bucket TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    n BIGINT NOT NULL
);

-- API tokens expire (NULL only until the dialect file below sets it).
ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
