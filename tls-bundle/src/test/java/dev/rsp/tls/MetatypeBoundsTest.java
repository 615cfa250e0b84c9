package dev.rsp.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.tls.acme.AcmeComponent;
import dev.rsp.tls.acme.AcmeSettings;
import dev.rsp.tls.acme.ondemand.OnDemandSettings;
import dev.rsp.tls.front.TlsSettings;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The metatype bnd generated for rsp.tls and rsp.acme (what the web console, Karaf and bin/rsp config show) agrees
 * with the validators: the keys are those bin/rsp check knows, each min, max and option is accepted and one beyond is
 * refused.
 */
class MetatypeBoundsTest {

    /** key to {min, max, options joined by |}, of the OCD in {@code file}. */
    static Map<String, String[]> attributes(String file) throws Exception {
        Path xml = Path.of(System.getProperty("basedir", ".")).resolve("target/classes/OSGI-INF/metatype").resolve(file);
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document d = f.newDocumentBuilder().parse(Files.newInputStream(xml));
        Map<String, String[]> ads = new LinkedHashMap<>();
        NodeList list = d.getElementsByTagName("AD");
        for (int i = 0; i < list.getLength(); i++) {
            Element ad = (Element) list.item(i);
            NodeList options = ad.getElementsByTagName("Option");
            List<String> values = new ArrayList<>();
            for (int o = 0; o < options.getLength(); o++) {
                values.add(((Element) options.item(o)).getAttribute("value"));
            }
            ads.put(ad.getAttribute("id"), new String[] {ad.getAttribute("min"), ad.getAttribute("max"), String.join("|", values)});
        }
        return ads;
    }

    @Test
    void tlsBoundsAreTheValidatorsBounds() throws Exception {
        check(attributes("dev.rsp.tls.front.TlsConfig.xml"), Map.of(), p -> TlsSettings.parse(p, TlsSettings.Supported.byJdk())
                instanceof TlsSettings.Invalid i ? i.errors() : List.of());
    }

    @Test
    void acmeBoundsAreTheValidatorsBounds() throws Exception {
        Map<String, String[]> ads = attributes("dev.rsp.tls.acme.AcmeConfig.xml");
        assertEquals(AcmeComponent.SCHEMA.keyNames().stream().sorted().toList(), ads.keySet().stream().sorted().toList(),
                "bin/rsp check and the metatype know the same rsp.acme keys");
        Map<String, String> base = Map.of("directory.url", "https://acme.example.com/dir", "lock.stale.ms", "86400000",
                "order.timeout.ms", "10000", "backoff.max.ms", "604800000", "ondemand.backoff.max.ms", "2592000000");
        check(ads, base, p -> {
            List<String> errors = new ArrayList<>();
            if (AcmeSettings.parse(p) instanceof AcmeSettings.Invalid i) {
                errors.addAll(i.errors());
            }
            if (OnDemandSettings.parse(p) instanceof OnDemandSettings.Invalid i) {
                errors.addAll(i.errors());
            }
            return errors;
        });
    }

    /** Companions that keep a bound valid where another key bounds it too. */
    static final Map<String, Map<String, String>> COMPANIONS = Map.of(
            "order.timeout.ms", Map.of("lock.stale.ms", "86400000"),
            "lock.stale.ms", Map.of("order.timeout.ms", "10000"),
            "backoff.min.ms", Map.of("backoff.max.ms", "604800000"),
            "backoff.max.ms", Map.of("backoff.min.ms", "1000"),
            "ondemand.backoff.initial.ms", Map.of("ondemand.backoff.max.ms", "2592000000"),
            "ondemand.backoff.max.ms", Map.of("ondemand.backoff.initial.ms", "1000"));

    private static void check(Map<String, String[]> ads, Map<String, String> base,
                              Function<Map<String, String>, List<String>> errors) {
        assertEquals(List.of(), errors.apply(base), "the base configuration is valid");
        int checked = 0;
        for (Map.Entry<String, String[]> e : ads.entrySet()) {
            String key = e.getKey();
            String[] b = e.getValue();
            Map<String, String> with = new HashMap<>(base);
            with.putAll(COMPANIONS.getOrDefault(key, Map.of()));
            for (int side = 0; side < 2; side++) {
                if (b[side].isEmpty()) {
                    continue;
                }
                with.put(key, b[side]);
                assertEquals(List.of(), errors.apply(with), key + " = " + b[side]);
                BigInteger beyond = new BigInteger(b[side]).add(BigInteger.valueOf(side == 0 ? -1 : 1));
                with.put(key, beyond.toString());
                assertFalse(errors.apply(with).isEmpty(), key + " = " + beyond + " is refused");
                checked++;
            }
            if (!b[2].isEmpty()) {
                for (String option : b[2].split("\\|")) {
                    with.put(key, option);
                    assertEquals(List.of(), errors.apply(with), key + " = " + option);
                }
                with.put(key, "no-such-option");
                assertFalse(errors.apply(with).isEmpty(), key + " outside its options is refused");
                checked++;
            }
        }
        assertTrue(checked >= 8, "bounds checked: " + checked);
    }
}
