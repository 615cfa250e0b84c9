package dev.rsp.tls.certs;

import static dev.rsp.tls.certs.TestCerts.cert;
import static dev.rsp.tls.certs.TestCerts.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.host.CanonicalHost;
import dev.rsp.host.HostNames;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The TLS bundle picks a certificate by the name the core routes by: a server name is canonicalized by the same
 * {@link HostNames} as a Host header, and so are the names in certificates (a U-label CN included).
 */
class CertificateNamesTest {

    private static final CertificateSnapshot SNAPSHOT;

    static {
        try {
            SNAPSHOT = new CertificateSnapshot(List.of(
                    CertificateSnapshotTest.served("alice", "ec", "alice.example.com"),
                    CertificateSnapshotTest.served("buecher", "ec2", "xn--bcher-kva.example"),
                    // a CN in Unicode and no subjectAltName: served for its ASCII form
                    CertificateSnapshotTest.served("mueller", "rsa", cert(key("rsa"), "Müller.Example.", List.of())),
                    CertificateSnapshotTest.served("wild", "rsa2", "*.Shop.Example.")), Optional.empty());
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "ALICE.example.com.         | alice",
            "alice.example.com          | alice",
            "Alice.Example.Com          | alice",
            "BÜCHER.example             | buecher",
            "bücher.example.            | buecher",
            "XN--BCHER-KVA.EXAMPLE      | buecher",
            "xn--mller-kva.example      | mueller",
            "MÜLLER.example             | mueller",
            "WWW.shop.example.          | wild",
            "www.xn--shp-sna.example    | ",
    })
    void aServerNameSelectsTheCertificateOfTheHostTheCoreRoutesBy(String serverName, String base) {
        CanonicalHost routed = HostNames.canonical(serverName);
        assertTrue(routed instanceof CanonicalHost.Valid, serverName);
        String key = ((CanonicalHost.Valid) routed).host();
        assertEquals(Optional.of(key), CertificateNames.canonicalHost(serverName), "the same canonical form as the core");

        Optional<IndexedCertificate> selected = SNAPSHOT.select(Optional.of(serverName), List.of());
        assertEquals(Optional.ofNullable(base), selected.map(IndexedCertificate::id));
        selected.ifPresent(c -> assertTrue(SNAPSHOT.covers(c.served().leaf(), key), "covers the routed host " + key));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "Example.COM.          | example.com",
            "*.Example.COM.        | *.example.com",
            "*.bücher.example      | *.xn--bcher-kva.example",
            "*.com                 | ",
            "w*.example.com        | ",
            "*.*.example.com       | ",
            "example.com:443       | ",
            "Test CA               | ",
            "'  '                  | ",
    })
    void certificateNamesAreCanonicalOrNotServed(String name, String canonical) {
        assertEquals(Optional.ofNullable(canonical), CertificateNames.canonicalName(name));
    }
}
