package dev.rsp.core.proxy;

/** A response rsp makes itself, with its own content (not an error page): {@link Downstream#answer}. */
record LocalAnswer(int status, String contentType, byte[] body) {
}
