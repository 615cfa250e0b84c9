package dev.rsp.core.h2.hpack;

/**
 * Receives the fields of one header block from {@link HpackDecoder#decode}, in block order, as octets: no
 * {@code String} and no map is built, so the stream layer can test pseudo-header names and copy values straight
 * into the request it forwards. Called on the decoder's thread, during {@code decode} only.
 *
 * <p>{@code name[0, nameLength)} and {@code value[0, valueLength)} are the octets as the peer sent them; HPACK
 * checks nothing about them (see {@link FieldChecks}). The arrays belong to the decoder: they may be longer than
 * the lengths given, are valid only during the call and must not be modified. Copy what must outlive the call.
 *
 * <p>{@code sensitive} is true for a field sent as "never indexed" (RFC 7541 §6.2.3): whoever encodes it again,
 * e.g. towards an HTTP/2 backend, must keep that representation (§7.1.3).
 *
 * <p>A sink must not throw. One that rejects a field (a malformed request, RFC 9113 §8.1.1) should remember that
 * and return: the decoder has to finish the block anyway to keep its dynamic table in step with the peer's.
 */
@FunctionalInterface
public interface FieldSink {
    void field(byte[] name, int nameLength, byte[] value, int valueLength, boolean sensitive);
}
