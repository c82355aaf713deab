-- Hand-written: Prisma's schema language has no triggers.
-- Every replica of every app keeps caches of API keys, tenants and destinations. These
-- triggers announce each change on one channel at commit time (NOTIFY is transactional), so a
-- revoked key stops working on every replica at once instead of when a cache entry expires.

CREATE FUNCTION attribution_notify_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  -- Through JSON, because a record field that one of the tables lacks cannot even be named.
  changed jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
BEGIN
  PERFORM pg_notify(
    'attribution_changes',
    json_build_object(
      'table', TG_TABLE_NAME,
      'tenant_id', CASE WHEN TG_TABLE_NAME = 'tenants' THEN changed ->> 'id' ELSE changed ->> 'tenant_id' END,
      'key_hash', changed ->> 'key_hash'
    )::text
  );
  RETURN NULL;
END;
$$;

CREATE TRIGGER tenants_notify_change
  AFTER UPDATE OR DELETE ON "tenants"
  FOR EACH ROW EXECUTE FUNCTION attribution_notify_change();

CREATE TRIGGER api_keys_notify_change
  AFTER UPDATE OR DELETE ON "api_keys"
  FOR EACH ROW EXECUTE FUNCTION attribution_notify_change();

CREATE TRIGGER destinations_notify_change
  AFTER INSERT OR UPDATE OR DELETE ON "destinations"
  FOR EACH ROW EXECUTE FUNCTION attribution_notify_change();
