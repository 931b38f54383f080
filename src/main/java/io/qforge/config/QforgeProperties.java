package io.qforge.config;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Every {@code qforge.*} setting with its default (the README lists them). Durations take
 * Spring's forms ({@code 30s}, {@code 5m}); sizes {@code 256MB}.
 */
@ConfigurationProperties("qforge")
public class QforgeProperties {
    private final Uploads uploads = new Uploads();
    private final Workers workers = new Workers();
    private final Embedded embedded = new Embedded();
    private final Bootstrap bootstrap = new Bootstrap();
    private final Quotas quotas = new Quotas();
    private final Polling polling = new Polling();

    public Uploads getUploads() { return uploads; }
    public Workers getWorkers() { return workers; }
    public Embedded getEmbedded() { return embedded; }
    public Bootstrap getBootstrap() { return bootstrap; }
    public Quotas getQuotas() { return quotas; }
    public Polling getPolling() { return polling; }

    /** How {@code GET /v1/jobs/{id}} serves polls. */
    public static class Polling {
        /**
         * A job row read for a poll answers every poll of that job for this long (changes made by
         * this process evict it at once; another instance's are seen within this time). 0 = read
         * the database on every poll.
         */
        private Duration jobCacheTtl = Duration.ofMillis(500);

        public Duration getJobCacheTtl() { return jobCacheTtl; }
        public void setJobCacheTtl(Duration v) { jobCacheTtl = v; }
    }

    /** Upload limits and the spool directory (uploads are streamed to a temp file there). */
    public static class Uploads {
        /** Largest accepted ONNX model. */
        private DataSize maxModelSize = DataSize.ofMegabytes(256);
        /** Largest accepted dataset file (PostgreSQL bytea holds at most 1 GB). */
        private DataSize maxDatasetSize = DataSize.ofMegabytes(1000);
        /** Where uploads are spooled while hashed and checked; default: the JVM temp dir. */
        private Path tempDir = Path.of(System.getProperty("java.io.tmpdir"));
        /** Largest array (elements) a dataset may hold; checked from the .npy headers at upload and at run time. */
        private long maxArrayElements = 200_000_000L;
        /**
         * Most bytes checking one dataset upload may inflate (all zip entries together, counted as
         * they leave the decompressor, whatever the zip declares); more is refused (422).
         */
        private DataSize maxInflatedBytes = DataSize.ofGigabytes(4);
        /** Most entries a dataset archive may hold (a .npz holds one per array); more is refused (422). */
        private int maxZipEntries = 1000;

        public DataSize getMaxModelSize() { return maxModelSize; }
        public void setMaxModelSize(DataSize v) { maxModelSize = v; }
        public DataSize getMaxDatasetSize() { return maxDatasetSize; }
        public void setMaxDatasetSize(DataSize v) { maxDatasetSize = v; }
        public Path getTempDir() { return tempDir; }
        public long getMaxArrayElements() { return maxArrayElements; }
        public void setMaxArrayElements(long v) { maxArrayElements = v; }
        public DataSize getMaxInflatedBytes() { return maxInflatedBytes; }
        public void setMaxInflatedBytes(DataSize v) { maxInflatedBytes = v; }
        public int getMaxZipEntries() { return maxZipEntries; }
        public void setMaxZipEntries(int v) { maxZipEntries = v; }
        /** The engine's dataset limits for these settings (total bytes bounded by the upload size limit). */
        public io.qforge.engine.data.DatasetLimits datasetLimits() {
            return new io.qforge.engine.data.DatasetLimits(maxArrayElements,
                    Math.max(io.qforge.engine.data.DatasetLimits.DEFAULT.maxTotalBytes(), 4 * maxDatasetSize.toBytes()),
                    maxInflatedBytes.toBytes(), maxZipEntries);
        }
        public void setTempDir(Path v) { tempDir = v; }

        /**
         * Wall time one upload body may take to arrive; past it the upload is refused with 408. A
         * client that sends nothing at all is cut off sooner by {@code server.tomcat.connection-timeout}.
         */
        private Duration uploadTimeout = Duration.ofMinutes(10);
        /** Longest stored model/dataset name (characters); longer names are cut. */
        private int maxNameLength = 200;

        public Duration getUploadTimeout() { return uploadTimeout; }
        public void setUploadTimeout(Duration v) { uploadTimeout = v; }
        public int getMaxNameLength() { return maxNameLength; }
        public void setMaxNameLength(int v) { maxNameLength = v; }
    }

    /** Per-tenant limits on what one tenant may hold or use at a time. */
    public static class Quotas {
        /** Bytes one tenant may store: its models, datasets and job artifacts together. */
        private DataSize storedBytes = DataSize.ofGigabytes(10);
        /** Jobs one tenant may have QUEUED or RUNNING at once; more get 429. */
        private int activeJobs = 20;
        /** Live event streams ({@code text/event-stream}) one tenant may hold open in one process. */
        private int eventStreams = 10;
        /** The {@code Retry-After} sent with a 429 for the job and stream quotas. */
        private Duration retryAfter = Duration.ofSeconds(30);

        public DataSize getStoredBytes() { return storedBytes; }
        public void setStoredBytes(DataSize v) { storedBytes = v; }
        public int getActiveJobs() { return activeJobs; }
        public void setActiveJobs(int v) { activeJobs = v; }
        public int getEventStreams() { return eventStreams; }
        public void setEventStreams(int v) { eventStreams = v; }
        public Duration getRetryAfter() { return retryAfter; }
        public void setRetryAfter(Duration v) { retryAfter = v; }
    }

    /** The in-process worker pool and the queue's lease policy. */
    public static class Workers {
        /** Worker threads in this process (0 = this process only serves the API). */
        private int count = 1;
        /** The queue these workers claim from; jobs are submitted to it too. */
        private String queue = "default";
        /** How long an idle worker waits before looking for work again. */
        private Duration pollInterval = Duration.ofSeconds(1);
        /** A claimed job's lease; a heartbeat renews it. */
        private Duration leaseDuration = Duration.ofSeconds(60);
        /** How often a running job's worker renews its lease. */
        private Duration heartbeatInterval = Duration.ofSeconds(15);
        /** How often the reaper looks for expired leases (0 = never: tests run it by hand). */
        private Duration reaperInterval = Duration.ofSeconds(15);
        /** Claims a job may use; the reaper fails it after this many lost leases. */
        private int maxAttempts = 3;
        /** Wall time one attempt of a job may run; past it the job FAILS with a message saying so. */
        private Duration maxJobDuration = Duration.ofHours(24);
        /**
         * Times a worker thread that died (an error escaped its loop, or it was interrupted) is
         * replaced over the life of the process; once they are used up and no worker is left,
         * liveness reports DOWN so the orchestrator restarts the process.
         */
        private int maxRestarts = 3;

        public int getCount() { return count; }
        public void setCount(int v) { count = v; }
        public String getQueue() { return queue; }
        public void setQueue(String v) { queue = v; }
        public Duration getPollInterval() { return pollInterval; }
        public void setPollInterval(Duration v) { pollInterval = v; }
        public Duration getLeaseDuration() { return leaseDuration; }
        public void setLeaseDuration(Duration v) { leaseDuration = v; }
        public Duration getHeartbeatInterval() { return heartbeatInterval; }
        public void setHeartbeatInterval(Duration v) { heartbeatInterval = v; }
        public Duration getReaperInterval() { return reaperInterval; }
        public void setReaperInterval(Duration v) { reaperInterval = v; }
        public int getMaxAttempts() { return maxAttempts; }
        public void setMaxAttempts(int v) { maxAttempts = v; }
        public Duration getMaxJobDuration() { return maxJobDuration; }
        public void setMaxJobDuration(Duration v) { maxJobDuration = v; }
        public int getMaxRestarts() { return maxRestarts; }
        public void setMaxRestarts(int v) { maxRestarts = v; }

        /** Where a job attempt runs: in a child JVM of its own (default) or in the worker thread. */
        public enum Isolation { PROCESS, THREAD }

        /**
         * {@code process}: each attempt runs in a child JVM (the API JVM holds no training garbage,
         * the job's memory goes back to the OS when it ends, a memory budget is enforced, a crash
         * kills only the child). {@code thread}: in the worker thread of this JVM (no budget).
         */
        private Isolation isolation = Isolation.PROCESS;
        /**
         * Resident memory one job's child JVM may use (heap, ND4J/JavaCPP off-heap, natives); past it
         * the child is killed and the job FAILS naming this setting. Unset: what this machine or
         * container has after this JVM's maximum heap and 1 GiB, shared by {@code count} workers
         * (see {@link io.qforge.jobs.ChildSettings}).
         */
        private DataSize memoryBudget;
        /** The child JVM's {@code -Xmx}; unset: a quarter of the memory budget (at least 512 MB). */
        private DataSize childHeap;
        /** After SIGTERM (cancel, shutdown), how long a child JVM may take to exit before SIGKILL. */
        private Duration killGrace = Duration.ofSeconds(5);
        /** Extra JVM options for the child JVMs, separated by spaces (e.g. {@code -XX:+UseSerialGC}). */
        private String childJvmOptions = "";
        /**
         * Scheduling niceness of the child JVMs (0-19; 0 = the same priority as the API). Training is
         * background work: with a positive value the kernel runs request threads and the database
         * first when they are runnable, so polling stays fast while a job uses every core, and the
         * job still gets all the CPU the API leaves idle.
         */
        private int childNice = 10;

        public Isolation getIsolation() { return isolation; }
        public void setIsolation(Isolation v) { isolation = v; }
        public DataSize getMemoryBudget() { return memoryBudget; }
        public void setMemoryBudget(DataSize v) { memoryBudget = v; }
        public DataSize getChildHeap() { return childHeap; }
        public void setChildHeap(DataSize v) { childHeap = v; }
        public Duration getKillGrace() { return killGrace; }
        public void setKillGrace(Duration v) { killGrace = v; }
        public String getChildJvmOptions() { return childJvmOptions; }
        public void setChildJvmOptions(String v) { childJvmOptions = v; }
        public int getChildNice() { return childNice; }
        public void setChildNice(int v) { childNice = v; }
    }

    /** The embedded PostgreSQL used when {@code spring.datasource.url} is not set. */
    public static class Embedded {
        /** PostgreSQL data directory; kept across restarts. */
        private Path dataDir = Path.of("data", "pg");
        /** TCP port; 0 picks a free one. */
        private int port = 0;

        public Path getDataDir() { return dataDir; }
        public void setDataDir(Path v) { dataDir = v; }
        public int getPort() { return port; }
        public void setPort(int v) { port = v; }
    }

    /** How the first API key comes to exist. */
    public static class Bootstrap {
        /**
         * With the embedded database and no API key at all, create tenant "default" with one key
         * and print it once on standard output.
         */
        private boolean createKeyWhenEmpty = true;
        /**
         * Bearer token for {@code /v1/admin/**} (creating tenants and keys). Empty = the admin
         * endpoints answer 404.
         */
        private String adminToken = "";

        public boolean isCreateKeyWhenEmpty() { return createKeyWhenEmpty; }
        public void setCreateKeyWhenEmpty(boolean v) { createKeyWhenEmpty = v; }
        public String getAdminToken() { return adminToken; }
        public void setAdminToken(String v) { adminToken = v; }
    }

    private final Limits limits = new Limits();
    private final Auth auth = new Auth();

    public Limits getLimits() { return limits; }
    public Auth getAuth() { return auth; }

    /**
     * Per-tenant request rate (a token bucket per tenant, checked after authentication on every
     * {@code /v1/**} request except {@code /v1/admin/**}); over it a request gets 429 with
     * {@code Retry-After}. The defaults let one tenant poll a job 500 times a second.
     */
    public static class Limits {
        /** Sustained requests per second per tenant (0 = no limit). */
        private long requestsPerSecond = 1000;
        /** Requests a tenant may make at once above the sustained rate (the bucket's size). */
        private long burst = 2000;

        public long getRequestsPerSecond() { return requestsPerSecond; }
        public void setRequestsPerSecond(long v) { requestsPerSecond = v; }
        public long getBurst() { return burst; }
        public void setBurst(long v) { burst = v; }
    }

    /** How API keys are looked up. */
    public static class Auth {
        /**
         * How long a valid key -> tenant lookup is remembered (0 = ask the database on every request).
         * A key revoked through this process stops working at once; revoked elsewhere, within this time.
         */
        private Duration keyCacheTtl = Duration.ofSeconds(10);
        /** Most keys remembered at once (least recently used ones go first). */
        private long keyCacheSize = 10_000;

        public Duration getKeyCacheTtl() { return keyCacheTtl; }
        public void setKeyCacheTtl(Duration v) { keyCacheTtl = v; }
        public long getKeyCacheSize() { return keyCacheSize; }
        public void setKeyCacheSize(long v) { keyCacheSize = v; }
    }

    private final Datasets datasets = new Datasets();

    public Datasets getDatasets() { return datasets; }

    /**
     * Limits of converting IDX, CSV and image-folder uploads into the stored .npz (checked as the
     * upload is read; the converted archive is bounded by {@code qforge.uploads.max-dataset-size}).
     */
    public static class Datasets {
        /** Most images (and zip entries) of an image-folder zip. */
        private int maxImages = 100_000;
        /** Most pixels (width x height, read from the image header before decoding) of one image. */
        private long maxImagePixels = 4096L * 4096;
        /** Largest image file inside an image-folder zip. */
        private DataSize maxImageBytes = DataSize.ofMegabytes(32);
        /** Most data rows of a CSV. */
        private int maxCsvRows = 10_000_000;
        /** Most columns of a CSV. */
        private int maxCsvColumns = 100_000;
        /** Longest CSV cell (characters). */
        private int maxCsvCellChars = 1000;
        /** Most classes: distinct CSV labels, image class folders. */
        private int maxClasses = 10_000;

        public int getMaxImages() { return maxImages; }
        public void setMaxImages(int v) { maxImages = v; }
        public long getMaxImagePixels() { return maxImagePixels; }
        public void setMaxImagePixels(long v) { maxImagePixels = v; }
        public DataSize getMaxImageBytes() { return maxImageBytes; }
        public void setMaxImageBytes(DataSize v) { maxImageBytes = v; }
        public int getMaxCsvRows() { return maxCsvRows; }
        public void setMaxCsvRows(int v) { maxCsvRows = v; }
        public int getMaxCsvColumns() { return maxCsvColumns; }
        public void setMaxCsvColumns(int v) { maxCsvColumns = v; }
        public int getMaxCsvCellChars() { return maxCsvCellChars; }
        public void setMaxCsvCellChars(int v) { maxCsvCellChars = v; }
        public int getMaxClasses() { return maxClasses; }
        public void setMaxClasses(int v) { maxClasses = v; }

        /** The engine's conversion limits for these settings and the upload settings. */
        public io.qforge.engine.data.ingest.IngestLimits ingestLimits(Uploads uploads) {
            return new io.qforge.engine.data.ingest.IngestLimits(uploads.datasetLimits(),
                    uploads.getMaxDatasetSize().toBytes(), maxImages, maxImagePixels, maxImageBytes.toBytes(),
                    maxCsvRows, maxCsvColumns, maxCsvCellChars, maxClasses);
        }
    }
}
