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
 * rate limits see; X-Forwarded-For and Forwarded still get the peer appended, since that is the hop rsp saw.
 *
 * <p>The scheme the same way: rsp's own TLS, or, from a trusted peer that says so (a load balancer terminating TLS in
 * front of rsp), the first value of its X-Forwarded-Proto (or its first Forwarded element's {@code proto}, by the same
 * choice of list). Without it, {@code redirect.https} behind such a balancer would redirect every request, its own
 * HTTPS ones included, in a loop. An untrusted peer's claim is never read. Static; loop thread only.
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
        facts.https = down.tls();
        if (!facts.trustedPeer) {
            if (has(request, "x-forwarded-for") || has(request, "forwarded")) {
                engine.counters().count(Counter.FORWARDED_REPLACED);
            }
            return;
        }
        Boolean https = claimedHttps(policy, request);
        if (https != null) {
            facts.https = https;
        }
        ClientChain.Client client = ClientChain.find(peer, hops(policy, request), policy);
        if (client != null) {
            engine.counters().count(Counter.FORWARDED_CLIENT);
            request.forwardedClient(new InetSocketAddress(client.address(), 0));
            facts.clientIp = client.ip();
        }
    }

    /** Whether the client's scheme was https as the peer's list says it (see the class comment); null: not said. */
    static Boolean claimedHttps(ForwardedPolicy policy, RequestFields r) {
        boolean forwarded = readsForwarded(policy, r);
        for (int i = 0; i < r.fieldCount(); i++) {
            if (forwarded && r.nameIs(i, "forwarded")) {
                String proto = ClientChain.firstProto(r.value(i));
                return proto == null ? null : proto.equalsIgnoreCase("https");
            }
            if (!forwarded && r.nameIs(i, "x-forwarded-proto")) {
                String v = r.value(i);
                int comma = v.indexOf(',');
                return (comma < 0 ? v : v.substring(0, comma)).trim().equalsIgnoreCase("https");
            }
        }
        return null;
    }

    private static boolean readsForwarded(ForwardedPolicy policy, RequestFields r) {
        return policy.header() == ForwardedPolicy.Header.FORWARDED
                || policy.header() == ForwardedPolicy.Header.BOTH && has(r, "forwarded");
    }

    private static List<String> hops(ForwardedPolicy policy, RequestFields r) {
        boolean forwarded = readsForwarded(policy, r);
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
