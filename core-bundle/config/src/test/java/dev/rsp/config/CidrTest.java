package dev.rsp.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Address ranges: what they contain, their normalized form, and the one line a bad one gets. */
class CidrTest {

    static Cidr cidr(String text) {
        List<String> problems = new ArrayList<>();
        Cidr c = Cidr.parse(text, problems);
        assertTrue(problems.isEmpty(), problems.toString());
        return c;
    }

    static boolean in(String range, String address) throws Exception {
        return cidr(range).contains(InetAddress.getByName(address));
    }

    @Test
    void ipv4RangesContainTheirAddressesOnly() throws Exception {
        assertTrue(in("10.0.0.0/8", "10.255.1.2"));
        assertFalse(in("10.0.0.0/8", "11.0.0.0"));
        assertTrue(in("192.168.4.0/22", "192.168.7.255"));
        assertFalse(in("192.168.4.0/22", "192.168.8.0"));
        assertTrue(in("203.0.113.9", "203.0.113.9"));
        assertFalse(in("203.0.113.9", "203.0.113.8"));
        assertTrue(in("0.0.0.0/0", "198.51.100.1"));
        assertFalse(in("0.0.0.0/0", "::1"), "an IPv4 range holds no IPv6 address");
    }

    @Test
    void ipv6RangesContainTheirAddressesOnly() throws Exception {
        assertTrue(in("2001:db8::/32", "2001:db8:ffff::1"));
        assertFalse(in("2001:db8::/32", "2001:db9::1"));
        assertTrue(in("fe80::/10", "febf::1"));
        assertFalse(in("fe80::/10", "fec0::1"));
        assertTrue(in("::1", "::1"));
        assertTrue(in("::/0", "2001:db8::1"));
        assertFalse(in("::/0", "127.0.0.1"));
    }

    @Test
    void anIpv4MappedClientMatchesTheIpv4Range() throws Exception {
        assertTrue(in("10.0.0.0/8", "::ffff:10.1.2.3"), "the JDK reports a mapped address as IPv4");
    }

    @Test
    void lowBitsAreIgnoredAsNginxAndHaproxyDo() {
        assertEquals("10.0.0.0/8", cidr("10.1.2.3/8").toString());
        assertEquals("2001:db8:0:0:0:0:0:0/32", cidr(" 2001:db8:1::/32 ").toString());
        assertEquals(cidr("10.0.0.0/8"), cidr("10.9.9.9/8"));
    }

    @Test
    void badRangesGetOneLineEach() {
        List<String> errors = new ArrayList<>();
        List<Cidr> parsed = Cidr.parseList("proxy.trusted", "10.0.0.0/8, lb.example.com, 10.0.0.0/33, ::/129, 010.0.0.1,"
                + " ::ffff:10.0.0.0/104, 10.0.0.0/-1, ,", errors);
        assertEquals(List.of(cidr("10.0.0.0/8")), parsed);
        assertEquals(List.of(
                "proxy.trusted: 'lb.example.com' is not an address range: expected an IPv4 or IPv6 address, optionally with"
                        + " /bits (10.0.0.0/8, 2001:db8::/32)",
                "proxy.trusted: '10.0.0.0/33': the prefix length must be 0 to 32",
                "proxy.trusted: '::/129': the prefix length must be 0 to 128",
                "proxy.trusted: '010.0.0.1' is not an address range: expected an IPv4 or IPv6 address, optionally with"
                        + " /bits (10.0.0.0/8, 2001:db8::/32)",
                "proxy.trusted: '::ffff:10.0.0.0/104': write an IPv4-mapped range in IPv4 form (e.g. 10.0.0.0/8)",
                "proxy.trusted: '10.0.0.0/-1': the prefix length must be 0 to 32"), errors);
        assertNull(Cidr.parse("", new ArrayList<>()));
    }

    @Test
    void proxyProtocolKeysNeedTrustedPeersWhenOn() {
        List<String> errors = new ArrayList<>();
        assertEquals(ProxyProtocolKeys.OFF, ProxyProtocolKeys.read("off", "", 5000, 4096, errors));
        ProxyProtocolKeys.Values v = ProxyProtocolKeys.read(" V2 ", "10.0.0.0/8", 5000, 4096, errors);
        assertEquals(ProxyProtocolKeys.Versions.V2, v.versions());
        assertTrue(errors.isEmpty(), errors.toString());
        assertNull(ProxyProtocolKeys.read("any", "", 50, 51, errors));
        assertEquals(List.of("proxy.trusted: required with proxy.protocol = any: the addresses of the load balancers that"
                        + " send the header (CIDRs, e.g. 10.0.0.0/8, 2001:db8::/32); 0.0.0.0/0, ::/0 trusts everyone",
                "proxy.timeout.ms = 50: expected 100 to 60000", "proxy.max.v2.bytes = 51: expected 52 to 65551"), errors);
    }
}
