package dev.rsp.core.proxy;

/**
 * A response rsp makes itself, with its own content (not an error page): {@link Downstream#answer}.
 *
 * @param location the Location of a redirect, or "" for none
 */
record LocalAnswer(int status, String contentType, byte[] body, String location) {

    LocalAnswer(int status, String contentType, byte[] body) {
        this(status, contentType, body, "");
    }
}
