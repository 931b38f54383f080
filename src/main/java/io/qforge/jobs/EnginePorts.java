package io.qforge.jobs;

import io.qforge.storage.DatasetInspector;
import io.qforge.storage.EngineDatasetInspector;
import io.qforge.storage.EngineModelInspector;
import io.qforge.storage.ModelInspector;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The service's three ports to the engine: model inspection and dataset inspection (wired to the
 * engine's importer and readers), and the whole job ({@link UnwiredEngine} until the engine's
 * whole-job call exists).
 */
@Configuration(proxyBeanMethods = false)
public class EnginePorts {
    private static final UnwiredEngine UNWIRED = new UnwiredEngine();

    @Bean
    JobEngine jobEngine() {
        return UNWIRED;
    }

    @Bean
    ModelInspector modelInspector() {
        return new EngineModelInspector();
    }

    @Bean
    DatasetInspector datasetInspector() {
        return new EngineDatasetInspector();
    }
}
