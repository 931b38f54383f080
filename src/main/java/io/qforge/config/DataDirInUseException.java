package io.qforge.config;

import java.nio.file.Path;

/** This process may not use the embedded data directory: another one does. Nothing was touched. */
public class DataDirInUseException extends IllegalStateException {
    private final Path dataDir;

    DataDirInUseException(Path dataDir, String why) {
        super("The embedded PostgreSQL data directory " + dataDir + " is in use: " + why + ". This process did not "
                + "start and left it alone. Stop the other process, or give this one its own directory with "
                + "qforge.embedded.data-dir (or share one PostgreSQL through spring.datasource.url).");
        this.dataDir = dataDir;
    }

    public Path dataDir() {
        return dataDir;
    }
}
