-- Tokens issued before expiry existed get the default 90 days from now.
UPDATE api_tokens SET expires_at = (EXTRACT(EPOCH FROM now()) * 1000)::BIGINT + 90 * CAST(86400000 AS BIGINT) WHERE expires_at IS NULL;
