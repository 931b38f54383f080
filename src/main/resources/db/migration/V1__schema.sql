-- qforge schema: tenants own everything; bytes live in PostgreSQL (blobs), metadata beside them.

CREATE TABLE tenants (
    id          uuid PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL
);

-- API keys are stored as the SHA-256 (hex) of the secret; the secret is shown once.
CREATE TABLE api_keys (
    id          uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    key_hash    char(64) NOT NULL UNIQUE,
    prefix      text NOT NULL,
    created_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);

-- Immutable byte contents (uploads, checkpoints, artifacts). EXTERNAL storage = uncompressed
-- TOAST, so substring() reads only the chunks asked for (streamed downloads, HTTP Range).
CREATE TABLE blobs (
    id          uuid PRIMARY KEY,
    sha256      char(64) NOT NULL,
    size        bigint NOT NULL,
    data        bytea NOT NULL,
    created_at  timestamptz NOT NULL
);
ALTER TABLE blobs ALTER COLUMN data SET STORAGE EXTERNAL;

CREATE TABLE models (
    id          uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants(id),
    name        text NOT NULL,
    blob_id     uuid NOT NULL REFERENCES blobs(id),
    sha256      char(64) NOT NULL,
    size        bigint NOT NULL,
    summary     jsonb NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX models_tenant ON models (tenant_id, created_at);

CREATE TABLE datasets (
    id          uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants(id),
    name        text NOT NULL,
    format      text NOT NULL,
    blob_id     uuid NOT NULL REFERENCES blobs(id),
    sha256      char(64) NOT NULL,
    size        bigint NOT NULL,
    summary     jsonb NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX datasets_tenant ON datasets (tenant_id, created_at);

CREATE TABLE jobs (
    id                uuid PRIMARY KEY,
    tenant_id         uuid NOT NULL REFERENCES tenants(id),
    model_id          uuid NOT NULL REFERENCES models(id),
    dataset_id        uuid NOT NULL REFERENCES datasets(id),
    spec              jsonb NOT NULL,
    queue             text NOT NULL,
    status            text NOT NULL CHECK (status IN ('QUEUED','RUNNING','SUCCEEDED','FAILED','CANCELLED')),
    phase             text,
    owner             text,
    lease_expires_at  timestamptz,
    heartbeat_at      timestamptz,
    attempts          int NOT NULL DEFAULT 0,
    version           bigint NOT NULL DEFAULT 0,
    cancel_requested  boolean NOT NULL DEFAULT false,
    epoch             int,
    total_epochs      int,
    step              int,
    steps_per_epoch   int,
    progress          double precision NOT NULL DEFAULT 0,
    claim_progress    double precision NOT NULL DEFAULT 0,
    metrics           jsonb,
    error             text,
    idempotency_key   text,
    request_hash      char(64),
    created_at        timestamptz NOT NULL,
    started_at        timestamptz,
    finished_at       timestamptz,
    updated_at        timestamptz NOT NULL,
    UNIQUE (tenant_id, idempotency_key)
);
-- The claim scans this: queued jobs of one queue, oldest first.
CREATE INDEX jobs_claim ON jobs (queue, created_at, id) WHERE status = 'QUEUED';
CREATE INDEX jobs_lease ON jobs (lease_expires_at) WHERE status = 'RUNNING';
CREATE INDEX jobs_tenant ON jobs (tenant_id, created_at);

-- Phase changes, per-epoch metrics, claims, failures: the job's history, newest last.
CREATE TABLE job_events (
    id          bigserial PRIMARY KEY,
    job_id      uuid NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    at          timestamptz NOT NULL,
    type        text NOT NULL,
    data        jsonb NOT NULL
);
CREATE INDEX job_events_job ON job_events (job_id, id);

-- The newest training checkpoint of a job (one row; replaced each epoch).
CREATE TABLE job_checkpoints (
    job_id      uuid PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
    epoch       int NOT NULL,
    blob_id     uuid NOT NULL REFERENCES blobs(id),
    created_at  timestamptz NOT NULL
);

CREATE TABLE artifacts (
    id            uuid PRIMARY KEY,
    job_id        uuid NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    name          text NOT NULL,
    content_type  text NOT NULL,
    blob_id       uuid NOT NULL REFERENCES blobs(id),
    sha256        char(64) NOT NULL,
    size          bigint NOT NULL,
    created_at    timestamptz NOT NULL,
    UNIQUE (job_id, name)
);

-- The accuracy comparison (FP32 / PTQ / QAT / INT8 engine / ONNX Runtime, sizes, per-layer error).
CREATE TABLE reports (
    job_id      uuid PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
    body        jsonb NOT NULL,
    created_at  timestamptz NOT NULL
);
