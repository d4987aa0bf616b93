-- What a retried job needs to resume without planning again, and how often it ran.
ALTER TABLE import_jobs
    ADD COLUMN file_format jsonb,
    ADD COLUMN attempts integer NOT NULL DEFAULT 0;
