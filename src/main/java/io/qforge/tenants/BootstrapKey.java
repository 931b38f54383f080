package io.qforge.tenants;

import io.qforge.config.EmbeddedPostgresConfig.EmbeddedDatabase;
import io.qforge.config.QforgeProperties;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * First start on the embedded database with no API key at all: create tenant {@code default}
 * with one key and print it once (it is stored only as a hash). With an external database, keys
 * are made through {@code /v1/admin} with the admin token.
 */
@Component
public class BootstrapKey implements ApplicationRunner {
    private static final Logger log = LoggerFactory.getLogger(BootstrapKey.class);

    private final TenantStore tenants;
    private final QforgeProperties props;
    private final Optional<EmbeddedDatabase> embedded;

    public BootstrapKey(TenantStore tenants, QforgeProperties props, Optional<EmbeddedDatabase> embedded) {
        this.tenants = tenants;
        this.props = props;
        this.embedded = embedded;
    }

    @Override
    public void run(ApplicationArguments args) {
        if (embedded.isEmpty() || !props.getBootstrap().isCreateKeyWhenEmpty() || tenants.countKeys() > 0) {
            return;
        }
        var key = tenants.findByName("default").map(tenants::createKey)
                .orElseGet(() -> tenants.createTenant("default"));
        log.info("Created tenant 'default' and its first API key (printed once on standard output)");
        System.out.println();
        System.out.println("qforge: API key for tenant 'default' (shown only now, store it):");
        System.out.println("    " + key.secret());
        System.out.println();
    }
}
