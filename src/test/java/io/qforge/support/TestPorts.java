package io.qforge.support;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;

/** Test beans replacing the production ones: a hand-moved clock and the scripted job engine (model and dataset inspection use the real engine). */
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

}
