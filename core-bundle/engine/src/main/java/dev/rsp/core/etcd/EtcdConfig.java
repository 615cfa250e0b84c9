package dev.rsp.core.etcd;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Configuration of the etcd source, PID {@code rsp.etcd} ({@code etc/rsp.etcd.cfg}, optional: without it rsp reads
 * nothing from etcd). Property names are the method names with {@code _} read as {@code .}.
 */
@ObjectClassDefinition(pid = "rsp.etcd", name = "rsp etcd", description = "Backends, and optionally configuration, from etcd v3: <prefix>backends/<name> = host:port[;options] as in rsp.backends; with config = on, <prefix>config/<pid>/<key> = value overlays key of etc/<pid>.cfg")
public @interface EtcdConfig {

    @AttributeDefinition(description = "etcd client URLs, http://host:port, comma-separated; the next is tried when one fails")
    String[] endpoints() default {"http://127.0.0.1:2379"};

    @AttributeDefinition(description = "Key prefix of this rsp fleet; backends under <prefix>backends/<name>, "
            + "configuration under <prefix>config/<pid>/<key>. Ends with /")
    String prefix() default "/rsp/default/";

    @AttributeDefinition(options = {@Option(value = "on", label = "on"), @Option(value = "off", label = "off")}, description = "on: keys under <prefix>config/ overlay the etc/ files; off: backends only")
    String config() default "off";

    @AttributeDefinition(options = {@Option(value = "allow", label = "allow"), @Option(value = "refuse", label = "refuse")}, description = "allow: etcd may remove every backend; refuse: a set with no backend is refused while rsp has backends")
    String backends_empty() default "refuse";

    @AttributeDefinition(min = "10", max = "60000", description = "Connecting to an endpoint may take this long")
    long timeout_connect_ms() default 2000;

    @AttributeDefinition(min = "10", max = "300000", description = "A read of the prefix, or the start of a watch, may take this long")
    long timeout_request_ms() default 5000;

    @AttributeDefinition(min = "100", max = "3600000", description = "A watch that brings no line for this long is taken as dead and opened again")
    long watch_idle_timeout_ms() default 60_000;

    @AttributeDefinition(min = "1", max = "60000", description = "First wait before reconnecting after a failure; doubles per failure, with jitter")
    long backoff_min_ms() default 200;

    @AttributeDefinition(min = "1", max = "600000", description = "Longest wait between reconnections")
    long backoff_max_ms() default 5000;

    @AttributeDefinition(min = "0", max = "60000", description = "Changes arriving within this long of the first are applied together")
    long coalesce_ms() default 1000;

    @AttributeDefinition(min = "1", max = "1000000", description = "Most keys under the prefix; more and nothing new is applied (the last good set stays)")
    int limits_keys() default 10_000;

    @AttributeDefinition(min = "16", max = "67108864", description = "Largest value of one key in bytes; a larger one is refused like an invalid one")
    int limits_value_bytes() default 1 << 20;

    @AttributeDefinition(min = "1024", max = "1073741824", description = "Largest answer to a read of the prefix, and longest line of a watch, in bytes")
    int limits_response_bytes() default 16 << 20;

    @AttributeDefinition(description = "PEM file of the authorities that sign etcd's server certificates, for https:// "
            + "endpoints; empty: the JDK's default trust store. Relative to rsp's home")
    String tls_ca() default "";

    @AttributeDefinition(description = "PEM file of rsp's client certificate (and its chain) for an etcd run with "
            + "--client-cert-auth; set with tls.key")
    String tls_cert() default "";

    @AttributeDefinition(description = "PEM file of that certificate's private key, unencrypted: PKCS#8 (BEGIN PRIVATE KEY) "
            + "or RSA PKCS#1; set with tls.cert")
    String tls_key() default "";

    @AttributeDefinition(description = "etcd user rsp authenticates as when etcd runs with authentication on; empty: none")
    String username() default "";

    @AttributeDefinition(description = "File whose first line is that user's password (kept out of this file); set with username")
    String password_file() default "";
}
