package dev.rsp.core.forwarded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Socket-free: which address of a forwarding list is the client, and how the lists are split. */
class ClientChainTest {

    static ForwardedPolicy trusting(String ranges) {
        List<String> errors = new ArrayList<>();
        ForwardedPolicy p = ForwardedPolicy.read(ranges, "both", errors);
        assertEquals(List.of(), errors);
        return p;
    }

    static String client(String peer, List<String> hops, String trusted) {
        ClientChain.Client c = ClientChain.find(peer, hops, trusting(trusted));
        return c == null ? null : c.ip();
    }

    @Test
    void theRightmostUntrustedAddressIsTheClient() {
        assertEquals("203.0.113.9", client("10.0.0.1", List.of("198.51.100.1", "203.0.113.9", "10.0.0.2"), "10.0.0.0/8"));
    }

    @Test
    void everyHopTrustedMakesTheLeftmostTheClient() {
        assertEquals("10.0.0.3", client("10.0.0.1", List.of("10.0.0.3", "10.0.0.2"), "10.0.0.0/8"));
    }

    @Test
    void anUntrustedPeerOrAnEmptyListLeavesThePeer() {
        assertNull(client("192.0.2.1", List.of("203.0.113.9"), "10.0.0.0/8"));
        assertNull(client("10.0.0.1", List.of(), "10.0.0.0/8"));
        assertNull(ClientChain.find("10.0.0.1", List.of("203.0.113.9"), ForwardedPolicy.DEFAULT), "no one trusted");
    }

    @Test
    void aHopThatIsNoAddressStopsTheWalkAtTheLastTrustedOne() {
        assertEquals("10.0.0.5", client("10.0.0.1", List.of("203.0.113.9", "_hidden", "10.0.0.5"), "10.0.0.0/8"));
        assertEquals("10.0.0.5", client("10.0.0.1", List.of("203.0.113.9", "unknown", "10.0.0.5"), "10.0.0.0/8"));
        assertNull(client("10.0.0.1", List.of("example.com"), "10.0.0.0/8"), "nothing known beyond the peer");
    }

    @Test
    void portsAndBracketsAreTakenOff() {
        assertEquals("192.0.2.7", client("::1", List.of("192.0.2.7:4711"), "::1"));
        assertEquals("2001:db8:0:0:0:0:0:17", client("::1", List.of("[2001:db8::17]:4711"), "::1"));
        assertEquals("2001:db8:0:0:0:0:0:17", client("::1", List.of("2001:db8::17"), "::1"));
        assertEquals("2001:db8:0:0:0:0:0:17", client("::1", List.of("[2001:db8::17]"), "::1"));
    }

    @Test
    void forwardedElementsGiveTheirForNodesUnquoted() {
        List<String> hops = new ArrayList<>();
        ClientChain.forwarded("for=192.0.2.60;proto=http;by=203.0.113.43, For=\"[2001:db8:cafe::17]:4711\", proto=https, "
                + "for=\"_gazonk\";host=\"a,b;c\"", hops);
        assertEquals(List.of("192.0.2.60", "[2001:db8:cafe::17]:4711", "", "_gazonk"), hops);
    }

    @Test
    void xForwardedForIsSplitOnCommas() {
        List<String> hops = new ArrayList<>();
        ClientChain.xForwardedFor(" 192.0.2.1 ,, 10.0.0.2", hops);
        assertEquals(List.of("192.0.2.1", "10.0.0.2"), hops);
    }

    @Test
    void forwardedNodesQuoteAndBracketIpv6() {
        assertEquals("192.0.2.1", ClientChain.forwardedNode("192.0.2.1"));
        assertEquals("\"[2001:db8:0:0:0:0:0:1]\"", ClientChain.forwardedNode("2001:db8:0:0:0:0:0:1"));
    }
}
