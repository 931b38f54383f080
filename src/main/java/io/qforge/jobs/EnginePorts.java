package io.qforge.jobs;

import io.qforge.config.QforgeProperties;
import io.qforge.storage.DatasetInspector;
import io.qforge.storage.EngineDatasetInspector;
import io.qforge.storage.EngineModelInspector;
import io.qforge.storage.ModelInspector;
import org.springframework.context.annotation.Bean;
import tools.jackson.databind.ObjectMapper;
import org.springframework.context.annotation.Configuration;

/**
 * The service's three ports to the engine: model inspection and dataset inspection (wired to the
 * engine's importer and readers), and the whole job ({@link EngineJobRunner} over the engine's
 * {@code QatJob}).
 */
@Configuration(proxyBeanMethods = false)
public class EnginePorts {
    @Bean
    JobEngine jobEngine(ObjectMapper json, QforgeProperties props, java.time.Clock clock) {
        return new EngineJobRunner(json, props.getUploads().datasetLimits(), props.getWorkers().getMaxJobDuration(), clock);
    }

    @Bean
    ModelInspector modelInspector() {
        return new EngineModelInspector();
    }

    @Bean
    DatasetInspector datasetInspector(QforgeProperties props) {
        return new EngineDatasetInspector(props.getUploads().datasetLimits());
    }
}
