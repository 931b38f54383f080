package io.qforge.security;

import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.stereotype.Component;

/**
 * Tomcat would refuse {@code %2f} and {@code %5c} in a path itself, with its own HTML error page
 * and before any of the service's code runs. Passing them through lets {@link PathFirewall}
 * reject them like every other non-normalised path, as a 400 problem+json; nothing after the
 * firewall ever sees an encoded separator.
 */
@Component
class EncodedSeparators implements TomcatConnectorCustomizer {
    @Override
    public void customize(org.apache.catalina.connector.Connector connector) {
        connector.setEncodedSolidusHandling("passthrough");
        connector.setEncodedReverseSolidusHandling("passthrough");
    }
}
