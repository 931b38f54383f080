package io.qforge.config;

import java.nio.file.Path;
import java.sql.DriverManager;

/**
 * TEST helper run in a second JVM: starts the embedded database exactly as the service does
 * ({@link EmbeddedPostgresConfig#start}) on the directory given, optionally writes a row, prints
 * {@code READY} and waits to be killed. Exits 2 with the message when the
 * directory is refused.
 */
public final class EmbeddedInstanceMain {
    private EmbeddedInstanceMain() {}

    public static void main(String[] args) throws Exception {
        EmbeddedPostgresConfig.EmbeddedDatabase db;
        try {
            db = EmbeddedPostgresConfig.start(Path.of(args[0]), 0);
        } catch (DataDirInUseException e) {
            System.out.println("REFUSED " + e.getMessage());
            System.exit(2);
            return;
        }
        if (args.length > 1) {
            try (var c = DriverManager.getConnection(db.postgres().getJdbcUrl("postgres", "postgres"))) {
                c.createStatement().execute("CREATE TABLE IF NOT EXISTS marker (v text)");
                c.createStatement().execute("INSERT INTO marker VALUES ('" + args[1] + "')");
            }
        }
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
