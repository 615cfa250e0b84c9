package dev.rsp.core.admin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AdminSettingsTest {

    static final String TOKEN = "s3cret-token-0123456789";

    @Test
    void loopbackNeedsNoToken() {
        assertInstanceOf(AdminSettings.Valid.class, AdminSettings.from("127.0.0.1:9090", ""));
        assertInstanceOf(AdminSettings.Valid.class, AdminSettings.from("[::1]:9090", ""));
        assertInstanceOf(AdminSettings.Valid.class, AdminSettings.from("localhost:0", ""));
    }

    @Test
    void aNonLoopbackAddressIsRefusedWithoutAToken() {
        AdminSettings.Parsed p = AdminSettings.from("0.0.0.0:9090", "");
        assertInstanceOf(AdminSettings.Invalid.class, p);
        assertTrue(((AdminSettings.Invalid) p).reason().contains("not a loopback address"), p.toString());
        assertInstanceOf(AdminSettings.Invalid.class, AdminSettings.from("10.1.2.3:9090", "  "));
        assertInstanceOf(AdminSettings.Valid.class, AdminSettings.from("0.0.0.0:9090", TOKEN));
    }

    @Test
    void badValuesAreRefused() {
        for (String listen : new String[] {"9090", "127.0.0.1:x", "127.0.0.1:70000", ":9090", "no-such-host.invalid:1"}) {
            assertInstanceOf(AdminSettings.Invalid.class, AdminSettings.from(listen, ""), listen);
        }
        assertInstanceOf(AdminSettings.Invalid.class, AdminSettings.from("127.0.0.1:1", "short"));
        assertInstanceOf(AdminSettings.Invalid.class, AdminSettings.from("127.0.0.1:1", "has a space in it ....."));
    }

    @Test
    void onlyTheExactBearerTokenAuthorizes() {
        AdminSettings s = ((AdminSettings.Valid) AdminSettings.from("127.0.0.1:0", TOKEN)).settings();
        assertTrue(s.authorizes("Bearer " + TOKEN));
        assertTrue(s.authorizes("bearer " + TOKEN));
        assertFalse(s.authorizes(null));
        assertFalse(s.authorizes(TOKEN));
        assertFalse(s.authorizes("Bearer " + TOKEN + "x"));
        assertFalse(s.authorizes("Bearer " + TOKEN.substring(1)));
        assertFalse(s.authorizes("Basic " + TOKEN));
        AdminSettings none = ((AdminSettings.Valid) AdminSettings.from("127.0.0.1:0", "")).settings();
        assertFalse(none.authorizes("Bearer "));
    }
}
