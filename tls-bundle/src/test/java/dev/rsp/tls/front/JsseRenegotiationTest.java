package dev.rsp.tls.front;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class JsseRenegotiationTest {

    private static Properties with(String value) {
        Properties p = new Properties();
        if (value != null) {
            p.setProperty(JsseRenegotiation.PROPERTY, value);
        }
        return p;
    }

    @Test
    void unsetBecomesTrue() {
        Properties p = with(null);
        assertEquals(JsseRenegotiation.Setting.SET_TO_REFUSE, JsseRenegotiation.refuseUnlessAllowed(p));
        assertEquals("true", p.getProperty(JsseRenegotiation.PROPERTY));
        assertEquals(JsseRenegotiation.Setting.REFUSED, JsseRenegotiation.refuseUnlessAllowed(p), "idempotent");
    }

    @Test
    void anOperatorsFalseStays() {
        Properties p = with("FALSE");
        assertEquals(JsseRenegotiation.Setting.ALLOWED_BY_OPERATOR, JsseRenegotiation.refuseUnlessAllowed(p));
        assertEquals("FALSE", p.getProperty(JsseRenegotiation.PROPERTY));
    }

    @Test
    void aValueJsseWouldThrowOnIsReplaced() {
        Properties p = with("yes");
        assertEquals(JsseRenegotiation.Setting.INVALID_REPLACED, JsseRenegotiation.refuseUnlessAllowed(p));
        assertEquals("true", p.getProperty(JsseRenegotiation.PROPERTY));
    }

    @Test
    void theTlsFrontSetsItBeforeItsFirstEngine() throws Exception {
        Class.forName(TlsFrontService.class.getName(), true, TlsFrontService.class.getClassLoader());
        assertNotNull(System.getProperty(JsseRenegotiation.PROPERTY), "decided when the class that makes engines loads");
    }
}
