package io.qforge.db;

import org.hibernate.cfg.MappingSettings;
import org.hibernate.type.format.jackson.Jackson3JsonFormatMapper;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * jsonb columns mapped with {@code @JdbcTypeCode(SqlTypes.JSON)} are read and written with the
 * application's own {@link JsonMapper} (the one the API uses), not with whichever Jackson
 * Hibernate would find on the classpath (both Jackson 2 and 3 are there).
 */
@Configuration(proxyBeanMethods = false)
public class JpaJson {
    @Bean
    HibernatePropertiesCustomizer jsonFormatMapper(JsonMapper json) {
        return properties -> properties.put(MappingSettings.JSON_FORMAT_MAPPER, new Jackson3JsonFormatMapper(json));
    }
}
