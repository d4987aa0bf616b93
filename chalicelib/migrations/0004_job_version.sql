-- A counter that grows with every committed change of a job, in commit order. The progress
-- stream sends it as the event id, so a reconnecting browser's Last-Event-ID tells which
-- state it already has. Neither updated_at (a transaction's start time, out of commit order
-- when chunk workers run in parallel) nor the status (a retry moves a job back to queued)
-- orders changes on its own. A BEFORE trigger sees the latest committed row after waiting
-- for its lock, so concurrent updates still count up one by one.
ALTER TABLE import_jobs ADD COLUMN version bigint NOT NULL DEFAULT 0;

CREATE FUNCTION import_jobs_next_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.version := OLD.version + 1;
    RETURN NEW;
END
$$;

CREATE TRIGGER import_jobs_version
    BEFORE UPDATE ON import_jobs
    FOR EACH ROW EXECUTE FUNCTION import_jobs_next_version();
