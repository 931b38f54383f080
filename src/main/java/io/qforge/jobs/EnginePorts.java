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
 * {@code QatJob}), in a child JVM per attempt ({@link ChildJobEngine}, {@code qforge.workers.isolation=process},
 * the default) or in the worker thread ({@code thread}).
 */
@Configuration(proxyBeanMethods = false)
public class EnginePorts {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(EnginePorts.class);

    @Bean
    JobEngine jobEngine(ObjectMapper json, QforgeProperties props, java.time.Clock clock) {
        var workers = props.getWorkers();
        if (workers.getIsolation() == QforgeProperties.Workers.Isolation.THREAD) {
            return new EngineJobRunner(json, props.getUploads().datasetLimits(), workers.getMaxJobDuration(), clock);
        }
        var settings = ChildSettings.of(workers);
        if (workers.getCount() > 0) {
            log.info("jobs run in child JVMs: qforge.workers.memory-budget {}{}, qforge.workers.child-heap {}",
                    ChildSettings.size(settings.budget()), settings.explicitBudget() ? "" : " (default for this machine)",
                    ChildSettings.size(settings.heap()));
        }
        return new ChildJobEngine(json, props.getUploads().datasetLimits(), workers.getMaxJobDuration(), settings);
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
