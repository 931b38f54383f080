package io.qforge.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Start-up refused because the embedded data directory is in use: Boot prints this instead of a stack trace. */
class DataDirInUseFailureAnalyzer extends AbstractFailureAnalyzer<DataDirInUseException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, DataDirInUseException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Stop the qforge that uses " + cause.dataDir() + ", or start this one with its own "
                        + "--qforge.embedded.data-dir=<dir> (or with spring.datasource.url for a shared PostgreSQL).",
                cause);
    }
}
