package dev.rsp.core.h2.hpack;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Test helpers: hex blocks, a sink that records "name: value" lines, and the dynamic table as lines. */
final class Fields {
    private Fields() {
    }

    static ByteBuffer hex(String spaced) {
        return ByteBuffer.wrap(HexFormat.of().parseHex(spaced.replaceAll("\\s", "")));
    }

    /** The bytes between position 0 and the position of a buffer that was written to. */
    static String hexOf(ByteBuffer written) {
        byte[] bytes = new byte[written.position()];
        written.duplicate().flip().get(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static String latin1(byte[] bytes, int length) {
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    }

    static List<String> table(DynamicTable table) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < table.count(); i++) {
            lines.add(latin1(table.name(i), table.name(i).length) + ": " + latin1(table.value(i), table.value(i).length));
        }
        return lines;
    }

    /** Records each field as "name: value", with a "(never indexed)" suffix for sensitive ones. */
    static final class Recorder implements FieldSink {
        final List<String> lines = new ArrayList<>();

        @Override
        public void field(byte[] name, int nameLength, byte[] value, int valueLength, boolean sensitive) {
            lines.add(latin1(name, nameLength) + ": " + latin1(value, valueLength) + (sensitive ? " (never indexed)" : ""));
        }
    }
}
