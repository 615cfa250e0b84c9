package dev.rsp.core.proxy;

import dev.rsp.core.edge.FieldEdits;
import dev.rsp.core.edge.HeaderRules;
import java.nio.ByteBuffer;

/**
 * The request side of the rules of {@code rsp.headers}, as {@link HeadWriter#request} applies them to the head for
 * the backend: fields the matching rules remove or set are left out, and their set and add fields are written after
 * the proxy's own, in rule order (a field a later rule sets or removes again is left out). The same head goes to an
 * HTTP/2 backend, translated ({@link H2Heads#request}). Static; allocates nothing; loop thread.
 */
final class RequestEdits {

    private RequestEdits() {
    }

    /** Whether field {@code i} of {@code r} is dropped by a rule of {@code mask}. */
    static boolean drops(HeaderRules rules, long mask, RequestFields r, int i) {
        for (long m = mask; m != 0; m &= m - 1) {
            FieldEdits e = rules.rule(Long.numberOfTrailingZeros(m)).request();
            for (int k = 0; k < e.dropCount(); k++) {
                if (r.nameIs(i, e.drop(k))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Writes the set and add fields of the rules of {@code mask} as HTTP/1 field lines. */
    static void writeFields(HeaderRules rules, long mask, ByteBuffer out) {
        for (long m = mask; m != 0; m &= m - 1) {
            int k = Long.numberOfTrailingZeros(m);
            FieldEdits e = rules.rule(k).request();
            long later = k == 63 ? 0 : mask & (-1L << (k + 1));
            for (int f = 0; f < e.fieldCount(); f++) {
                if (!droppedLater(rules, later, e.lowerName(f))) {
                    HeadWriter.ascii(out, e.name(f));
                    HeadWriter.ascii(out, ": ");
                    HeadWriter.ascii(out, e.value(f));
                    HeadWriter.ascii(out, "\r\n");
                }
            }
        }
    }

    private static boolean droppedLater(HeaderRules rules, long later, String lowerName) {
        for (long m = later; m != 0; m &= m - 1) {
            if (rules.rule(Long.numberOfTrailingZeros(m)).request().drops(lowerName)) {
                return true;
            }
        }
        return false;
    }
}
