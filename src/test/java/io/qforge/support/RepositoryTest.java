package io.qforge.support;

import io.qforge.db.JpaJson;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.data.jpa.test.autoconfigure.DataJpaTest;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.context.annotation.Import;

/**
 * A repository slice ({@code @DataJpaTest}: entities, repositories, Flyway, Hibernate with
 * {@code ddl-auto=validate}) over the one real test PostgreSQL, not a replacement database. Each
 * test runs in a transaction that is rolled back. Test classes add
 * {@code @DynamicPropertySource} via {@link RepositoryTestBase}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@DataJpaTest
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@ImportAutoConfiguration(JacksonAutoConfiguration.class)
@Import(JpaJson.class)
public @interface RepositoryTest {}
