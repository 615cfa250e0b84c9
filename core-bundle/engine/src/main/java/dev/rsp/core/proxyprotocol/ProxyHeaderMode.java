package dev.rsp.core.proxyprotocol;

/** Which PROXY protocol versions a listener accepts; anything else is refused as a bad signature. */
public enum ProxyHeaderMode {
    V1, V2, ANY;

    boolean acceptsV1() {
        return this != V2;
    }

    boolean acceptsV2() {
        return this != V1;
    }
}
