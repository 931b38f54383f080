package io.qforge.jobs;

import io.qforge.storage.DatasetInspector;
import io.qforge.storage.ModelInspector;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The service's three ports to the engine: model inspection, dataset inspection, the whole job. */
@Configuration(proxyBeanMethods = false)
public class EnginePorts {
    private static final UnwiredEngine UNWIRED = new UnwiredEngine();

    @Bean
    JobEngine jobEngine() {
        return UNWIRED;
    }

    @Bean
    ModelInspector modelInspector() {
        return UNWIRED;
    }

    @Bean
    DatasetInspector datasetInspector() {
        return UNWIRED;
    }
}
