package dev.rsp.core.http;

import java.nio.ByteBuffer;

/**
 * The field lines of a head after its start line, up to the empty line: syntax through {@link FieldLineScanner},
 * meaning through {@link HeadFieldRules}, limits from {@link HeadLimits}, each field recorded in the
 * {@link HttpHead}. Shared by the request and response parsers. One instance per parser, one thread.
 */
final class HeaderSection {
    private final FieldLineScanner lines = new FieldLineScanner();
    private final HeadFieldRules rules;
    private final HeadLimits limits;
    /** Where the next call continues; after DONE, just after the empty line. */
    int next;
    Defect defect = Defect.BAD_FIELD_NAME;

    HeaderSection(boolean request, HeadLimits limits) {
        this.rules = new HeadFieldRules(request);
        this.limits = limits;
    }

    void reset() {
        lines.reset();
        rules.reset();
    }

    /** Continues with buf[next, limit); on DONE {@code head.headEnd} is set, on REJECT {@link #defect}. */
    ParseStatus scan(ByteBuffer buf, int limit, HttpHead head) {
        int stop = (int) Math.min((long) head.headStart + limits.maxHeadBytes(), Integer.MAX_VALUE);
        while (true) {
            int event = lines.scan(buf, next, limit, stop);
            next = lines.next;
            switch (event) {
                case FieldLineScanner.NEED_MORE:
                    return ParseStatus.NEED_MORE;
                case FieldLineScanner.LINE:
                    if (head.headerCount() == limits.maxHeaders()) {
                        return refuse(Defect.TOO_MANY_HEADERS);
                    }
                    int i = head.addField(lines.lineStart, lines.nameEnd, lines.valueStart, lines.valueEnd,
                            lines.lineEnd);
                    if (!rules.field(buf, head, i)) {
                        return refuse(rules.defect());
                    }
                    break;
                case FieldLineScanner.END:
                    head.headEnd = next;
                    return rules.finish(buf, head) ? ParseStatus.DONE : refuse(rules.defect());
                default:
                    return refuse(lines.defect);
            }
        }
    }

    private ParseStatus refuse(Defect found) {
        defect = found;
        return ParseStatus.REJECT;
    }
}
