package dev.rsp.tls.acme;

import dev.rsp.tls.acme.ondemand.OnDemandSettings;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

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

    @AttributeDefinition(options = {@Option(value = "ec-p256", label = "ec-p256"), @Option(value = "rsa-2048", label = "rsa-2048")}, name = "key.type", description = "Key of each new certificate: ec-p256 or rsa-2048")
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

    @AttributeDefinition(min = "1", max = "64", name = "orders.parallel", description = "Orders run at the same time (each holds one thread "
            + "while it waits for the CA)")
    int orders_parallel() default AcmeSettings.DEFAULT_ORDERS_PARALLEL;

    @AttributeDefinition(min = "10000", max = "3600000", name = "order.timeout.ms", description = "Longest one order may take, from creating it to the "
            + "certificate downloaded (validation included)")
    long order_timeout_ms() default AcmeSettings.DEFAULT_ORDER_TIMEOUT_MS;

    @AttributeDefinition(min = "1000", max = "600000", name = "network.timeout.ms", description = "Longest one request to the CA may take")
    long network_timeout_ms() default AcmeSettings.DEFAULT_NETWORK_TIMEOUT_MS;

    @AttributeDefinition(min = "100", max = "3600000", name = "check.interval.ms", description = "How often storage is looked at and due renewals "
            + "and retries are started")
    long check_interval_ms() default AcmeSettings.DEFAULT_CHECK_INTERVAL_MS;

    @AttributeDefinition(min = "10001", max = "86400000", name = "lock.stale.ms", description = "Age after which another instance's lock on a name is "
            + "taken over (it must be longer than order.timeout.ms)")
    long lock_stale_ms() default AcmeSettings.DEFAULT_LOCK_STALE_MS;

    @AttributeDefinition(min = "1000", max = "86400000", name = "backoff.min.ms", description = "Wait after a name's first failed order; it doubles "
            + "with each further failure")
    long backoff_min_ms() default AcmeSettings.DEFAULT_BACKOFF_MIN_MS;

    @AttributeDefinition(min = "1000", max = "604800000", name = "backoff.max.ms", description = "Longest wait between a name's failed orders")
    long backoff_max_ms() default AcmeSettings.DEFAULT_BACKOFF_MAX_MS;

    @AttributeDefinition(name = "ondemand.allow.file", description = "On demand: the allow-list file of names (and "
            + "*.patterns) that may be ordered; relative to the rsp home; empty: none")
    String ondemand_allow_file() default "";

    @AttributeDefinition(name = "ondemand.allow.poll.ms", min = "100", max = "86400000", description = "How often the "
            + "allow-list file is checked for changes")
    long ondemand_allow_poll_ms() default OnDemandSettings.DEFAULT_ALLOW_POLL_MS;

    @AttributeDefinition(name = "ondemand.ask.url", description = "On demand: http(s) permission endpoint asked "
            + "before ordering (?domain=<name> is added; 200 allows); empty: none")
    String ondemand_ask_url() default "";

    @AttributeDefinition(name = "ondemand.ask.timeout.ms", min = "100", max = "60000", description = "Connect and "
            + "answer time of one ask")
    long ondemand_ask_timeout_ms() default OnDemandSettings.DEFAULT_ASK_TIMEOUT_MS;

    @AttributeDefinition(name = "ondemand.ask.cache.allowed.ms", min = "0", max = "604800000", description = "How long "
            + "an allowing answer is kept; 0 keeps none")
    long ondemand_ask_cache_allowed_ms() default OnDemandSettings.DEFAULT_ASK_CACHE_ALLOWED_MS;

    @AttributeDefinition(name = "ondemand.ask.cache.refused.ms", min = "0", max = "86400000", description = "How long "
            + "a refusal or a failed ask is kept; 0 keeps none")
    long ondemand_ask_cache_refused_ms() default OnDemandSettings.DEFAULT_ASK_CACHE_REFUSED_MS;

    @AttributeDefinition(name = "ondemand.ask.cache.size", min = "0", max = "10000000", description = "Names whose "
            + "answers are kept")
    int ondemand_ask_cache_size() default OnDemandSettings.DEFAULT_ASK_CACHE_SIZE;

    @AttributeDefinition(name = "ondemand.ask.max.in.flight", min = "1", max = "1000", description = "Asks at once; "
            + "beyond, names are refused without asking")
    int ondemand_ask_max_in_flight() default OnDemandSettings.DEFAULT_ASK_MAX_IN_FLIGHT;

    @AttributeDefinition(name = "ondemand.max.in.flight", min = "1", max = "1000", description = "On-demand orders at "
            + "once")
    int ondemand_max_in_flight() default OnDemandSettings.DEFAULT_MAX_IN_FLIGHT;

    @AttributeDefinition(name = "ondemand.orders.per.hour", min = "1", max = "100000", description = "On-demand orders "
            + "started per sliding hour (a warning above 100, Let's Encrypt's average)")
    int ondemand_orders_per_hour() default OnDemandSettings.DEFAULT_ORDERS_PER_HOUR;

    @AttributeDefinition(name = "ondemand.backoff.initial.ms", min = "1000", max = "86400000", description = "Wait "
            + "after a name's first failed on-demand order; it doubles with each further failure")
    long ondemand_backoff_initial_ms() default OnDemandSettings.DEFAULT_BACKOFF_INITIAL_MS;

    @AttributeDefinition(name = "ondemand.backoff.max.ms", min = "1000", max = "2592000000", description = "Longest "
            + "wait between a name's failed on-demand orders")
    long ondemand_backoff_max_ms() default OnDemandSettings.DEFAULT_BACKOFF_MAX_MS;

    @AttributeDefinition(name = "ondemand.wait.ms", min = "0", max = "120000", description = "How long a handshake "
            + "waits for issuance (0: order in the background and serve the default certificate now)")
    long ondemand_wait_ms() default OnDemandSettings.DEFAULT_WAIT_MS;
}
