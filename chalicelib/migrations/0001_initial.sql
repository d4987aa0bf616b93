-- Products, import jobs and the per-chunk progress that makes retried chunks idempotent.

CREATE TABLE products (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- Stored trimmed and lowercased by the application (one normalisation, in Python),
    -- so this plain unique constraint makes SKUs unique case-insensitively.
    sku            text NOT NULL UNIQUE CHECK (char_length(sku) BETWEEN 1 AND 255),
    name           text NOT NULL,
    description    text NOT NULL DEFAULT '',
    price          numeric(12, 2) CHECK (price >= 0),
    active         boolean NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    -- Position of the import row that last wrote this product: the job's creation order
    -- and the row's index in its file. An import only overwrites a product written by an
    -- earlier position, so parallel chunks committing in any order still leave the last
    -- row of the file, and of the newest import, in place. NULL means written by hand.
    source_job_seq bigint,
    source_row     bigint
);

CREATE TABLE import_jobs (
    id              uuid PRIMARY KEY,
    seq             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    status          text NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'validating', 'parsing', 'completed', 'failed', 'cancelled')),
    file_name       text NOT NULL,
    file_size       bigint NOT NULL CHECK (file_size > 0),
    upload_key      text NOT NULL,
    total_rows      bigint,
    processed_rows  bigint NOT NULL DEFAULT 0,
    created_rows    bigint NOT NULL DEFAULT 0,
    updated_rows    bigint NOT NULL DEFAULT 0,
    error_count     bigint NOT NULL DEFAULT 0,
    warning_count   bigint NOT NULL DEFAULT 0,
    message         text,
    encoding        text,
    delimiter       text,
    column_map      jsonb,
    execution_arn   text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    finished_at     timestamptz
);

CREATE INDEX import_jobs_created_at_idx ON import_jobs (created_at DESC, id);
CREATE INDEX import_jobs_running_idx ON import_jobs (status)
    WHERE status IN ('queued', 'validating', 'parsing');

CREATE TABLE import_chunks (
    job_id          uuid NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
    chunk_index     integer NOT NULL,
    start_offset    bigint NOT NULL,
    end_offset      bigint NOT NULL,
    first_row       bigint NOT NULL,
    first_line      bigint NOT NULL,
    row_count       bigint NOT NULL,
    -- Rows of this chunk already committed, errors included. A retried worker skips them.
    committed_rows  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (job_id, chunk_index)
);

CREATE TABLE import_issues (
    job_id      uuid NOT NULL REFERENCES import_jobs (id) ON DELETE CASCADE,
    line        bigint NOT NULL,
    severity    text NOT NULL CHECK (severity IN ('error', 'warning')),
    reason      text NOT NULL,
    raw         text NOT NULL DEFAULT ''
);

CREATE INDEX import_issues_job_line_idx ON import_issues (job_id, line);
