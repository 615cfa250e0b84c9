package dev.rsp.tls.hello;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rsp.tls.hello.ClientHelloParser.Status;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fixed-seed fuzzing of the parser: valid hellos mutated by bit flips, byte edits, truncation, length-field edits,
 * insertions and re-splitting into records, then fed in random pieces. The parser must never throw, must end in
 * one of its three states, must reach the same verdict as when fed everything at once, must not move the buffer,
 * and a DONE must lie within the bytes given.
 *
 * <p>Runs for {@code tls.fuzz.seconds} (default 3) from seed {@code tls.fuzz.seed} (default 20260101), e.g.
 * {@code mvn -B -q verify -pl tls-bundle -am -Dtest=ClientHelloFuzzTest -Dtls.fuzz.seconds=600}.
 */
class ClientHelloFuzzTest {

    private static final List<ClientHelloBuilder> SEEDS = List.of(
            new ClientHelloBuilder().sessionId(0).noExtensions(),
            new ClientHelloBuilder().serverName("a.example.com").alpn("http/1.1"),
            ClientHelloBuilder.modern("www.example.com"),
            ClientHelloBuilder.modern("pad.example.net").padding(900).extension(0x0A0A, new byte[0]),
            new ClientHelloBuilder().serverName("x.y").supportedVersions(0x0304).alpn("h2", "h3", "spdy/3.1"));

    @Test
    void mutatedHellosAlwaysEndInAStateAndAgreeWithOneShotParsing() {
        long seconds = Long.getLong("tls.fuzz.seconds", 3);
        long seed = Long.getLong("tls.fuzz.seed", 20260101L);
        Random random = new Random(seed);
        byte[][] originals = SEEDS.stream().map(b -> b.records(1 + random.nextInt(3))).toArray(byte[][]::new);
        byte[][] handshakes = SEEDS.stream().map(ClientHelloBuilder::handshake).toArray(byte[][]::new);
        Map<Status, Integer> statuses = new EnumMap<>(Status.class);
        Map<Rejection.Reason, Integer> reasons = new EnumMap<>(Rejection.Reason.class);
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long rounds = 0;
        while (System.nanoTime() < deadline || rounds < 1000) {
            int which = random.nextInt(originals.length);
            byte[] input = random.nextInt(4) == 0
                    ? resplit(random, mutate(random, handshakes[which]))
                    : mutate(random, originals[which]);
            int maxBytes = random.nextInt(8) == 0 ? 64 + random.nextInt(4096) : ClientHelloParser.DEFAULT_MAX_BYTES;
            String replay = "seed " + seed + " round " + rounds;

            ClientHelloParser once = new ClientHelloParser(maxBytes);
            ByteBuffer all = ByteBuffer.wrap(input);
            Status expected = once.parse(all);
            assertEquals(0, all.position(), replay);
            assertEquals(input.length, all.limit(), replay);

            ClientHelloParser pieces = new ClientHelloParser(maxBytes);
            Status s = Status.NEED_MORE;
            int n = 0;
            while (s == Status.NEED_MORE && n < input.length) {
                n = Math.min(input.length, n + 1 + (random.nextBoolean() ? random.nextInt(4) : random.nextInt(600)));
                s = pieces.parse(ByteBuffer.wrap(input, 0, n));
            }
            assertEquals(expected, s, replay);
            statuses.merge(s, 1, Integer::sum);
            if (s == Status.DONE) {
                assertEquals(once.hello(), pieces.hello(), replay);
                assertTrue(pieces.hello().length() <= input.length && pieces.hello().length() <= maxBytes, replay);
            } else if (s == Status.REJECT) {
                assertEquals(once.rejection(), pieces.rejection(), replay);
                reasons.merge(pieces.rejection().reason(), 1, Integer::sum);
            }
            rounds++;
        }
        System.out.println("ClientHelloFuzzTest: " + rounds + " rounds in " + seconds + " s, seed " + seed + ": "
                + statuses + " " + reasons);
        assertTrue(statuses.keySet().containsAll(List.of(Status.values())), "every state reached: " + statuses);
        assertTrue(reasons.size() >= 5, "the mutations reach deep into the parser: " + reasons);
    }

    static byte[] mutate(Random random, byte[] original) {
        byte[] b = original.clone();
        int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations && b.length > 0; m++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(7)) {
                case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> b[at] = (byte) random.nextInt(256);
                case 2 -> b = Arrays.copyOf(b, at);
                case 3 -> {
                    // A 16-bit length field (or any pair of bytes) set to a boundary value or nudged by one.
                    if (at + 1 < b.length) {
                        int old = (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF;
                        int[] values = {0, 1, 0xFFFF, 0x4000, 0x4001, old + 1, old - 1, old + 2};
                        int v = values[random.nextInt(values.length)] & 0xFFFF;
                        b[at] = (byte) (v >> 8);
                        b[at + 1] = (byte) v;
                    }
                }
                case 4 -> {
                    byte[] insert = new byte[1 + random.nextInt(4)];
                    random.nextBytes(insert);
                    b = splice(b, at, at, insert);
                }
                case 5 -> b = splice(b, at, Math.min(b.length, at + 1 + random.nextInt(8)), new byte[0]);
                default -> {
                    int from = random.nextInt(b.length);
                    int len = Math.min(1 + random.nextInt(16), Math.min(b.length - from, b.length - at));
                    System.arraycopy(b.clone(), from, b, at, len);
                }
            }
        }
        return b;
    }

    /** The handshake bytes cut into records at random boundaries (sometimes empty or oversized ones). */
    static byte[] resplit(Random random, byte[] handshake) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int from = 0;
        while (from < handshake.length) {
            int len = random.nextInt(20) == 0 ? 0 : 1 + random.nextInt(Math.min(handshake.length - from, 700));
            len = Math.min(len, handshake.length - from);
            int version = random.nextInt(30) == 0 ? 0x0304 : 0x0301 + random.nextInt(3);
            out.writeBytes(ClientHelloBuilder.record(22, version, Arrays.copyOfRange(handshake, from, from + len)));
            from += len;
        }
        return out.toByteArray();
    }

    static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        byte[] r = new byte[b.length - (to - from) + insert.length];
        System.arraycopy(b, 0, r, 0, from);
        System.arraycopy(insert, 0, r, from, insert.length);
        System.arraycopy(b, to, r, from + insert.length, b.length - to);
        return r;
    }
}
