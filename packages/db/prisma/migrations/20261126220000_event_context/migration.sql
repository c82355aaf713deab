-- Page context sent by the browser pixel (visitor id, referrer origin + path, UTM tags), kept
-- for the tenant and never forwarded to an ad platform. Existing rows get '{}': a constant
-- default, so PostgreSQL adds the column without rewriting the table.
ALTER TABLE "events" ADD COLUMN "context" JSONB NOT NULL DEFAULT '{}';
