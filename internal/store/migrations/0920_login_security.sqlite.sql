-- Tokens issued before expiry existed get the default 90 days from now.
UPDATE api_tokens SET expires_at = CAST(strftime('%s', 'now') AS INTEGER) * 1000 + 90 * CAST(86400000 AS BIGINT) WHERE expires_at IS NULL;
