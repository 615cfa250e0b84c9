package dev.rsp.tls.acme;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the ACME client, PID {@code rsp.acme} ({@code etc/rsp.acme.cfg}, optional: without it rsp obtains
 * no certificate itself). Property names are the method names with {@code _} read as {@code .}. The values are
 * validated by {@link AcmeSettings}; a configuration that does not validate is logged and the previous good one stays
 * in force (at start: the component does not start).
 */
@ObjectClassDefinition(name = "rsp ACME", description = "Obtains and renews certificates from an ACME CA (RFC 8555)")
public @interface AcmeConfig {

    @AttributeDefinition(name = "directory.url", description = "The CA's ACME directory URL, e.g. "
            + "https://acme-v02.api.letsencrypt.org/directory (required: there is no default CA)")
    String directory_url();

    @AttributeDefinition(description = "Contact address given to the CA with the account (expiry notices); empty: none")
    String email() default "";

    @AttributeDefinition(description = "A PEM file of CA certificates the directory's HTTPS certificate is checked "
            + "against (a test CA); empty: the JDK's trusted CAs. A relative path is resolved against the rsp home")
    String truststore() default "";

    @AttributeDefinition(description = "Host names to obtain certificates for, comma-separated; one certificate each")
    String names() default "";

    @AttributeDefinition(description = "Directory of the account key and the certificates obtained (NAME.pem: chain, "
            + "then key); instances sharing it coordinate through lock files. Relative to the rsp home")
    String storage() default AcmeSettings.DEFAULT_STORAGE;

    @AttributeDefinition(name = "key.type", description = "Key of each new certificate: ec-p256 or rsa-2048")
    String key_type() default "ec-p256";

    @AttributeDefinition(name = "renew.fraction", description = "Renew when this fraction of a certificate's lifetime "
            + "remains (a decimal or a fraction such as 1/3), a little earlier for spread")
    String renew_fraction() default AcmeSettings.DEFAULT_RENEW_FRACTION;

    @AttributeDefinition(description = "Challenge types to answer, comma-separated, in preference order: http-01 "
            + "(port 80 must reach rsp) and tls-alpn-01 (port 443 must reach rsp's TLS listener)")
    String challenges() default AcmeSettings.DEFAULT_CHALLENGES;

    @AttributeDefinition(description = "Obtain certificates on demand for names the TLS listener is asked for and has "
            + "none, when the on-demand policy allows")
    boolean ondemand() default false;

    @AttributeDefinition(name = "orders.parallel", description = "Orders run at the same time (each holds one thread "
            + "while it waits for the CA)")
    int orders_parallel() default AcmeSettings.DEFAULT_ORDERS_PARALLEL;

    @AttributeDefinition(name = "order.timeout.ms", description = "Longest one order may take, from creating it to the "
            + "certificate downloaded (validation included)")
    long order_timeout_ms() default AcmeSettings.DEFAULT_ORDER_TIMEOUT_MS;

    @AttributeDefinition(name = "network.timeout.ms", description = "Longest one request to the CA may take")
    long network_timeout_ms() default AcmeSettings.DEFAULT_NETWORK_TIMEOUT_MS;

    @AttributeDefinition(name = "check.interval.ms", description = "How often storage is looked at and due renewals "
            + "and retries are started")
    long check_interval_ms() default AcmeSettings.DEFAULT_CHECK_INTERVAL_MS;

    @AttributeDefinition(name = "lock.stale.ms", description = "Age after which another instance's lock on a name is "
            + "taken over (it must be longer than order.timeout.ms)")
    long lock_stale_ms() default AcmeSettings.DEFAULT_LOCK_STALE_MS;

    @AttributeDefinition(name = "backoff.min.ms", description = "Wait after a name's first failed order; it doubles "
            + "with each further failure")
    long backoff_min_ms() default AcmeSettings.DEFAULT_BACKOFF_MIN_MS;

    @AttributeDefinition(name = "backoff.max.ms", description = "Longest wait between a name's failed orders")
    long backoff_max_ms() default AcmeSettings.DEFAULT_BACKOFF_MAX_MS;
}
