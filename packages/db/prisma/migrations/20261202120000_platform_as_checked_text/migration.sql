-- Hand-written. The platforms a destination can be are the destinations registry's
-- (packages/destinations/src/registry.ts), not a database type: adding a platform is one folder
-- and one registry line, with no migration. The columns stay checked strings (the registry's
-- ids are lowercase identifiers); which ids exist is checked where they are written (the CLI
-- validates against the registry, the dispatcher records only platforms it routed to).
--
-- Changing the type rewrites both tables (enum and text are stored differently): on a large
-- deliveries table, run this migration in a quiet hour.
ALTER TABLE "destinations" ALTER COLUMN "platform" TYPE TEXT;
ALTER TABLE "deliveries" ALTER COLUMN "destination" TYPE TEXT;
DROP TYPE "platform";

ALTER TABLE "destinations" ADD CONSTRAINT "destinations_platform_check" CHECK ("platform" ~ '^[a-z][a-z0-9_]{1,31}$');
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_destination_check" CHECK ("destination" ~ '^[a-z][a-z0-9_]{1,31}$');
