-- Per-destination event rules and test mode (docs/destinations.md, "Event rules" and "Test mode").
-- New delivery outcomes: `filtered` (a rule kept the event away) and `skipped` (the platform cannot
-- use it, e.g. a Google Ads conversion with neither a click id nor a user identifier).
ALTER TYPE "delivery_status" ADD VALUE IF NOT EXISTS 'filtered';
ALTER TYPE "delivery_status" ADD VALUE IF NOT EXISTS 'skipped';

ALTER TABLE "destinations" ADD COLUMN "test_mode" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "destinations" ADD COLUMN "event_rules" JSONB NOT NULL DEFAULT '{}';

-- Until now a stored Meta test_event_code sent every event as a test event; test mode is now its
-- own switch, so destinations that had a code keep behaving as they did.
UPDATE "destinations" SET "test_mode" = true WHERE "settings" ? 'test_event_code';
