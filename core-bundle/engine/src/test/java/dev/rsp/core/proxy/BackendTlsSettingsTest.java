package dev.rsp.core.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.core.CoreConfigs;
import dev.rsp.spi.routing.Backend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backend.tls.ca} as {@code rsp.core} reads it (socket-free): a file that is missing or holds no certificate
 * refuses the configuration, as at start; a bundle is read whatever text surrounds its blocks; and the client engines
 * made for {@code ;tls} backends verify, name and offer what the README says.
 */
class BackendTlsSettingsTest {

    @TempDir
    Path dir;

    private static ProxySettings.Parsed read(String ca) {
        return ProxySettings.from(CoreConfigs.with(Map.of("backend.tls.ca", ca)));
    }

    private static String onlyError(ProxySettings.Parsed p) {
        List<String> errors = assertInstanceOf(ProxySettings.Invalid.class, p, p::toString).errors();
        assertEquals(1, errors.size(), errors::toString);
        return errors.get(0);
    }

    @Test
    void aMissingFileRefusesTheConfiguration() {
        Path missing = dir.resolve("nope.pem");
        assertEquals("backend.tls.ca = '" + missing + "': no such file (" + missing + ")", onlyError(read(missing.toString())));
    }

    @Test
    void aFileWithoutCertificatesRefusesTheConfiguration() throws Exception {
        Path key = dir.resolve("key.pem");
        Path cert = dir.resolve("unused.pem");
        TestPki.selfSigned("a.example").writePem(cert, key);
        String error = onlyError(read(key.toString()));
        assertTrue(error.startsWith("backend.tls.ca = '" + key + "': no certificate in " + key), error);

        Path garbage = dir.resolve("garbage.pem");
        Files.writeString(garbage, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
        String bad = onlyError(read(garbage.toString()));
        assertTrue(bad.startsWith("backend.tls.ca = '" + garbage + "': certificate 1 of " + garbage + " is not readable"), bad);
    }

    @Test
    void aBundleWithCommentsIsReadAndEqualSettingsComeFromAnUnchangedFile() throws Exception {
        Path bundle = dir.resolve("bundle.pem");
        String first = TestPki.selfSigned("ca-1.example").certificatePem();
        String second = TestPki.selfSigned("ca-2.example").certificatePem();
        String key = TestPki.pem("PRIVATE KEY", new byte[] {1, 2, 3});
        Files.writeString(bundle, "# Issuer: ca-1\n" + first + "\n# Issuer: ca-2\n" + second + key, StandardCharsets.US_ASCII);
        ProxySettings a = assertInstanceOf(ProxySettings.Valid.class, read(bundle.toString())).settings();
        ProxySettings b = assertInstanceOf(ProxySettings.Valid.class, read(bundle.toString())).settings();
        assertEquals(a, b, "reading the same file again changes nothing");
        assertTrue(a.backendTls().toString().contains("2 authorities"), a.backendTls().toString());

        Files.writeString(bundle, first, StandardCharsets.US_ASCII);
        ProxySettings c = assertInstanceOf(ProxySettings.Valid.class, read(bundle.toString())).settings();
        assertNotEquals(a, c, "a changed file is a changed configuration");
        assertEquals(ProxySettings.defaults(CoreConfigs.DEFAULTS), ProxySettings.defaults(CoreConfigs.DEFAULTS));
    }

    @Test
    void aVerifiedBackendsEngineChecksTheHostSendsItAsSniAndOffersOneProtocol() {
        BackendTls tls = ProxySettings.defaults(CoreConfigs.DEFAULTS).backendTls();
        SSLEngine verified = tls.engine(new Backend("w", "web1.example", 443, 1, Backend.Protocol.HTTP1, Backend.Tls.VERIFIED), "http/1.1");
        SSLParameters p = verified.getSSLParameters();
        assertTrue(verified.getUseClientMode());
        assertEquals("HTTPS", p.getEndpointIdentificationAlgorithm());
        assertEquals(List.of(new SNIHostName("web1.example")), p.getServerNames());
        assertEquals(List.of("http/1.1"), List.of(p.getApplicationProtocols()));

        SSLEngine lab = tls.engine(new Backend("l", "10.0.0.9", 8443, 1, Backend.Protocol.H2, Backend.Tls.INSECURE), "h2");
        SSLParameters q = lab.getSSLParameters();
        assertEquals(null, q.getEndpointIdentificationAlgorithm(), "insecure: nothing checked");
        assertTrue(q.getServerNames() == null || q.getServerNames().isEmpty(), "no SNI for an address literal");
        assertEquals(List.of("h2"), List.of(q.getApplicationProtocols()));
        assertEquals(List.of(), BackendTls.serverName("::1").stream().toList());
        assertEquals(List.of(), BackendTls.serverName("my_host.internal").stream().toList(), "SNI cannot carry '_'");
    }
}
