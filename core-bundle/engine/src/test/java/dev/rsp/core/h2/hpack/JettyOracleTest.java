package dev.rsp.core.h2.hpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.junit.jupiter.api.Test;

/**
 * Jetty's HPACK codec (test scope only) as an oracle: random header lists (fixed seeds) encoded by one side and
 * decoded by the other, hundreds of blocks per connection so that both dynamic tables fill, evict and resize.
 */
class JettyOracleTest {
    private static final int BLOCKS = 600;

    @Test
    void jettyDecodesOurResponses() throws Exception {
        for (int tableSize : new int[] {4096, 256, 0}) {
            Random random = new Random(7541L + tableSize);
            HpackEncoder ours = new HpackEncoder();
            ours.peerMaxTableSize(tableSize);
            org.eclipse.jetty.http2.hpack.HpackDecoder jetty =
                    new org.eclipse.jetty.http2.hpack.HpackDecoder(1 << 20, System::nanoTime);
            ByteBuffer out = ByteBuffer.allocate(1 << 16);
            for (int block = 0; block < BLOCKS; block++) {
                List<String> fields = RandomFields.response(random);
                out.clear();
                assertTrue(ours.startBlock(out));
                for (String line : fields) {
                    int colon = line.indexOf(": ", 1);
                    String name = line.substring(0, colon);
                    String value = line.substring(colon + 2);
                    assertTrue(name.equals(":status") ? ours.status(out, Integer.parseInt(value))
                            : ours.field(out, name, value));
                }
                MetaData decoded = jetty.decode(out.flip());
                assertTrue(decoded.isResponse());
                List<String> lines = new ArrayList<>();
                lines.add(":status: " + ((MetaData.Response) decoded).getStatus());
                lines.addAll(lines(decoded.getHttpFields()));
                assertEquals(fields, lines, "table " + tableSize + ", block " + block);
            }
            assertEquals(tableSize > 0, ours.table().count() > 0, "the dynamic table was used");
        }
    }

    @Test
    void weDecodeJettysResponses() throws Exception {
        for (int tableSize : new int[] {4096, 256}) {
            Random random = new Random(9113L + tableSize);
            org.eclipse.jetty.http2.hpack.HpackEncoder jetty = new org.eclipse.jetty.http2.hpack.HpackEncoder();
            jetty.setMaxHeaderListSize(1 << 20);
            jetty.setTableCapacity(tableSize);
            HpackDecoder ours = new HpackDecoder(new HpackLimits(4096, 1 << 20, 1000));
            ByteBuffer out = ByteBuffer.allocate(1 << 16);
            for (int block = 0; block < BLOCKS; block++) {
                List<String> regular = RandomFields.regular(random);
                int status = 200 + random.nextInt(400);
                out.clear();
                jetty.encode(out, new MetaData.Response(status, null, HttpVersion.HTTP_2, fields(regular)));
                List<String> expected = new ArrayList<>();
                expected.add(":status: " + status);
                expected.addAll(regular);
                assertEquals(expected, decode(ours, out.flip()), "table " + tableSize + ", block " + block);
            }
            assertTrue(ours.table().count() > 0 && ours.table().maxSize() == tableSize, "Jetty's table was mirrored");
        }
    }

    @Test
    void weDecodeJettysRequests() throws Exception {
        Random random = new Random(7540L);
        org.eclipse.jetty.http2.hpack.HpackEncoder jetty = new org.eclipse.jetty.http2.hpack.HpackEncoder();
        jetty.setMaxHeaderListSize(1 << 20);
        HpackDecoder ours = new HpackDecoder(new HpackLimits(4096, 1 << 20, 1000));
        ByteBuffer out = ByteBuffer.allocate(1 << 16);
        String[] methods = {"GET", "GET", "POST", "PUT", "DELETE", "OPTIONS"};
        for (int block = 0; block < BLOCKS; block++) {
            String method = methods[random.nextInt(methods.length)];
            String scheme = random.nextBoolean() ? "https" : "http";
            String authority = "host" + random.nextInt(5) + ".example.com";
            String path = random.nextInt(4) == 0 ? "/" : "/p/" + random.nextInt(1000) + "?q=" + random.nextInt(50);
            List<String> regular = RandomFields.regular(random);
            out.clear();
            HttpURI uri = HttpURI.from(scheme + "://" + authority + path);
            jetty.encode(out, new MetaData.Request(method, uri, HttpVersion.HTTP_2, fields(regular)));
            List<String> decoded = decode(ours, out.flip());
            List<String> pseudo = decoded.stream().filter(line -> line.startsWith(":")).sorted().toList();
            assertEquals(List.of(":authority: " + authority, ":method: " + method, ":path: " + path,
                    ":scheme: " + scheme), pseudo, "block " + block);
            assertEquals(regular, decoded.subList(4, decoded.size()), "pseudo-header fields first; block " + block);
        }
    }

    private static HttpFields fields(List<String> lines) {
        HttpFields.Mutable fields = HttpFields.build();
        for (String line : lines) {
            int colon = line.indexOf(": ");
            fields.add(line.substring(0, colon), line.substring(colon + 2));
        }
        return fields;
    }

    private static List<String> lines(HttpFields fields) {
        List<String> lines = new ArrayList<>();
        for (HttpField field : fields) {
            lines.add(field.getLowerCaseName() + ": " + field.getValue());
        }
        return lines;
    }

    private static List<String> decode(HpackDecoder decoder, ByteBuffer block) {
        Fields.Recorder sink = new Fields.Recorder();
        assertEquals(DecodeStatus.DONE, decoder.decode(block, sink));
        List<String> lines = new ArrayList<>();
        sink.lines.forEach(line -> lines.add(line.replace(" (never indexed)", "")));
        return lines;
    }
}
