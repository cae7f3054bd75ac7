-- The audit log stays append-only, except that an erasure may rewrite the
-- payload of a row it listed in audit_erasures.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
        AND NEW.actor_name = OLD.actor_name AND NEW.entity = OLD.entity AND NEW.entity_id = OLD.entity_id
        AND NEW.action = OLD.action AND NEW.ip = OLD.ip
        AND EXISTS (SELECT 1 FROM audit_erasures e WHERE e.audit_id = OLD.id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
