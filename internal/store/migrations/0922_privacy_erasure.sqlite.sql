-- The audit log stays append-only, except that an erasure may rewrite the
-- payload of a row it listed in audit_erasures.
DROP TRIGGER audit_log_no_update;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN NOT (NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.actor_id IS OLD.actor_id AND NEW.actor_name = OLD.actor_name
    AND NEW.entity = OLD.entity AND NEW.entity_id = OLD.entity_id AND NEW.action = OLD.action AND NEW.ip = OLD.ip
    AND EXISTS (SELECT 1 FROM audit_erasures e WHERE e.audit_id = OLD.id))
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
