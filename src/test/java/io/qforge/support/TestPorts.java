package io.qforge.support;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** Test beans replacing the production ones: a hand-moved clock and test implementations of the engine ports. */
@TestConfiguration(proxyBeanMethods = false)
public class TestPorts {
    @Bean
    @Primary
    MutableClock testClock() {
        return new MutableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }

    @Bean
    @Primary
    ScriptedEngine scriptedEngine() {
        return new ScriptedEngine();
    }

    @Bean
    @Primary
    OrtModelInspector ortModelInspector() {
        return new OrtModelInspector();
    }

    @Bean
    @Primary
    NpzHeaders npzHeaders() {
        return new NpzHeaders();
    }

}
