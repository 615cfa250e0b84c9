package dev.rsp.core.proxy;

import dev.rsp.core.forwarded.ClientChain;
import dev.rsp.core.forwarded.ForwardedPolicy;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Settles the client address of one request, in this order: the connection's client (the TCP peer, or the address a
 * trusted PROXY header named: {@link ConnectionStart}) is the peer; when that peer is in {@code forwarded.trusted},
 * the client is the one its forwarding list names ({@link ClientChain}). Which list is read follows
 * {@code forwarded.header}: X-Forwarded-For, Forwarded, or with {@code both} Forwarded when the request has one, else
 * X-Forwarded-For. The address found is what routing ({@code clientAddress}), Lua, the access log and the request
 * rate limits see; X-Forwarded-For and Forwarded still get the peer appended, since that is the hop rsp saw. Static;
 * loop thread only.
 */
final class RealClient {

    private RealClient() {
    }

    /**
     * Settles the client of {@code request} on {@code down} into {@code facts}: {@code clientIp} (the peer itself, or,
     * from a trusted peer, the address its list named, then also set on the request as its
     * {@link ExchangeRequest#forwardedClient}) and {@code trustedPeer}. Counts what it did.
     */
    static void settle(ProxyEngine engine, Downstream down, ExchangeRequest request, ExchangeFacts facts) {
        ForwardedPolicy policy = engine.settings().forwarded();
        String peer = down.clientIp();
        facts.clientIp = peer;
        facts.trustedPeer = policy.trustsAnyone() && policy.trusts(peer);
        if (!facts.trustedPeer) {
            if (has(request, "x-forwarded-for") || has(request, "forwarded")) {
                engine.counters().count(Counter.FORWARDED_REPLACED);
            }
            return;
        }
        ClientChain.Client client = ClientChain.find(peer, hops(policy, request), policy);
        if (client != null) {
            engine.counters().count(Counter.FORWARDED_CLIENT);
            request.forwardedClient(new InetSocketAddress(client.address(), 0));
            facts.clientIp = client.ip();
        }
    }

    private static List<String> hops(ForwardedPolicy policy, RequestFields r) {
        boolean forwarded = policy.header() == ForwardedPolicy.Header.FORWARDED
                || policy.header() == ForwardedPolicy.Header.BOTH && has(r, "forwarded");
        List<String> hops = new ArrayList<>(4);
        for (int i = 0; i < r.fieldCount(); i++) {
            if (forwarded && r.nameIs(i, "forwarded")) {
                ClientChain.forwarded(r.value(i), hops);
            } else if (!forwarded && r.nameIs(i, "x-forwarded-for")) {
                ClientChain.xForwardedFor(r.value(i), hops);
            }
        }
        return hops;
    }

    private static boolean has(RequestFields r, String name) {
        for (int i = 0; i < r.fieldCount(); i++) {
            if (r.nameIs(i, name)) {
                return true;
            }
        }
        return false;
    }
}
