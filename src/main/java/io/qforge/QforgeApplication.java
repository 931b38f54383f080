package io.qforge;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** qforge: quantization-aware training as a service. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class QforgeApplication {
    public static void main(String[] args) {
        SpringApplication.run(QforgeApplication.class, args);
    }
}
