package io.qforge.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * One real PostgreSQL per test JVM: Testcontainers when a Docker engine answers, else an
 * embedded PostgreSQL (zonky) in a fresh temp directory. Stopped by a shutdown hook.
 */
public final class TestDatabase {
    private static String url;
    private static String user;
    private static String password;

    private TestDatabase() {}

    public static synchronized void register(DynamicPropertyRegistry registry) {
        if (url == null) start();
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> user);
        registry.add("spring.datasource.password", () -> password);
    }

    private static void start() {
        try {
            if (DockerClientFactory.instance().isDockerAvailable()) {
                var pg = new PostgreSQLContainer("postgres:17-alpine");
                pg.start();
                Runtime.getRuntime().addShutdownHook(new Thread(pg::stop));
                url = pg.getJdbcUrl();
                user = pg.getUsername();
                password = pg.getPassword();
            } else {
                var dir = Files.createTempDirectory("qforge-test-pg");
                var pg = EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true).start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        pg.close();
                    } catch (Exception ignored) {
                        // JVM is exiting
                    }
                }));
                url = pg.getJdbcUrl("postgres", "postgres");
                user = "postgres";
                password = "";
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot start a PostgreSQL for tests", e);
        }
    }
}
