package dev.rsp.core.proxyprotocol;

/**
 * Why a PROXY protocol header was refused: a short reason for the log line and a stable counter name for when the
 * parser is wired into the listeners.
 */
public enum ProxyHeaderRejection {
    NOT_REJECTED("not rejected", "proxy.ok"),
    BAD_SIGNATURE("no PROXY protocol signature of an accepted version", "proxy.reject.signature"),
    V1_TOO_LONG("PROXY v1 line longer than 107 bytes", "proxy.reject.v1_too_long"),
    V1_MALFORMED("malformed PROXY v1 line", "proxy.reject.v1_malformed"),
    BAD_ADDRESS("bad address in the PROXY header", "proxy.reject.address"),
    BAD_PORT("bad port in the PROXY header", "proxy.reject.port"),
    V2_BAD_VERSION_OR_COMMAND("PROXY v2 version or command not 2/LOCAL|PROXY", "proxy.reject.v2_command"),
    V2_TOO_LONG("PROXY v2 header longer than the configured cap", "proxy.reject.v2_too_long"),
    V2_UNSUPPORTED_FAMILY("PROXY v2 address family or transport not TCP over IPv4/IPv6", "proxy.reject.family"),
    V2_SHORT_ADDRESSES("PROXY v2 length shorter than its address block", "proxy.reject.v2_short"),
    V2_BAD_TLV("PROXY v2 TLV overruns the header or is malformed", "proxy.reject.tlv"),
    CRC_MISMATCH("PROXY v2 CRC32C does not match", "proxy.reject.crc");

    private final String reason;
    private final String counter;

    ProxyHeaderRejection(String reason, String counter) {
        this.reason = reason;
        this.counter = counter;
    }

    public String reason() {
        return reason;
    }

    public String counter() {
        return counter;
    }
}
