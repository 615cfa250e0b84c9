package dev.rsp.tls.front;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The key file of tickets.keys.file: its format, what it refuses, and re-reading it while keeping the last good keys. */
class TicketKeysTest {

    @TempDir
    Path dir;
    final Random random = new Random(7);

    private byte[] raw(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static String line(byte[] raw) {
        return Base64.getEncoder().encodeToString(raw);
    }

    @Test
    void eachLineIsANameAnAesKeyAndAnHmacKeyTheFirstEncrypts() {
        byte[] first = raw(48);
        byte[] second = raw(48);
        TicketKeys keys = assertInstanceOf(TicketKeys.Loaded.class,
                TicketKeys.parse("# rotated by cron\n" + line(first) + "\n\n" + line(second) + "\r\n", "f")).keys();
        assertEquals(2, keys.keys().size());
        TicketKeys.Key k = keys.keys().get(0);
        assertArrayEquals(Arrays.copyOfRange(first, 0, 16), k.name());
        assertArrayEquals(Arrays.copyOfRange(first, 16, 32), k.aes());
        assertArrayEquals(Arrays.copyOfRange(first, 32, 48), k.hmac());
        assertArrayEquals(Arrays.copyOfRange(second, 0, 16), keys.keys().get(1).name());
        assertFalse(keys.toString().contains(line(first).substring(0, 10)), "no key bytes in logs");
    }

    @Test
    void theDigestTellsARotationAndOrderMatters() {
        String a = line(raw(48));
        String b = line(raw(48));
        TicketKeys ab = ((TicketKeys.Loaded) TicketKeys.parse(a + "\n" + b, "f")).keys();
        TicketKeys ba = ((TicketKeys.Loaded) TicketKeys.parse(b + "\n" + a, "f")).keys();
        assertEquals(ab, ((TicketKeys.Loaded) TicketKeys.parse(a + "\n" + b + "\n", "f")).keys());
        assertNotEquals(ab, ba, "a new first key is a change");
    }

    @Test
    void whatCannotBeUsedIsRefusedNamingTheLine() {
        assertTrue(refused("").contains("no key"));
        assertTrue(refused("# only a comment\n").contains("no key"));
        assertTrue(refused(line(raw(48)) + "\nnot base64!").contains("f line 2: not base64"));
        assertTrue(refused(line(raw(32))).contains("f line 1: 32 bytes, expected 48"));
        assertTrue(refused(line(raw(80))).contains("80-byte AES-256 keys are not supported"));
        byte[] one = raw(48);
        byte[] sameName = raw(48);
        System.arraycopy(one, 0, sameName, 0, 16);
        assertTrue(refused(line(one) + "\n" + line(sameName)).contains("line 2: a second key with the same name"));
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < TicketKeys.MAX_KEYS + 1; i++) {
            many.append(line(raw(48))).append('\n');
        }
        assertTrue(refused(many.toString()).contains("more than 16 keys"));
    }

    private static String refused(String text) {
        return assertInstanceOf(TicketKeys.Refused.class, TicketKeys.parse(text, "f")).reason();
    }

    @Test
    void aMissingOrHugeFileIsRefused() throws Exception {
        assertTrue(assertInstanceOf(TicketKeys.Refused.class, TicketKeys.read(dir.resolve("none"))).reason()
                .contains("cannot read"));
        Path huge = Files.writeString(dir.resolve("huge"), "#".repeat(TicketKeys.MAX_FILE_BYTES + 1));
        assertTrue(assertInstanceOf(TicketKeys.Refused.class, TicketKeys.read(huge)).reason().contains("larger than"));
    }

    @Test
    void theFileIsReReadByContentAndABrokenOneKeepsTheLastGoodKeys() throws Exception {
        Path file = dir.resolve("tickets.keys");
        String a = line(raw(48));
        String b = line(raw(48));
        Files.writeString(file, a + "\n");
        TicketKeyFile watch = new TicketKeyFile();
        assertEquals(Optional.empty(), watch.poll(Optional.empty()));
        TicketKeys first = watch.poll(Optional.of(file)).orElseThrow();
        assertEquals(1, first.keys().size());
        assertEquals(Optional.of(first), watch.poll(Optional.of(file)), "unchanged");

        Files.writeString(file, b + "\n" + a + "\n");
        TicketKeys rotated = watch.poll(Optional.of(file)).orElseThrow();
        assertEquals(2, rotated.keys().size());
        assertNotEquals(first, rotated);

        Files.writeString(file, "broken\n");
        assertEquals(Optional.of(rotated), watch.poll(Optional.of(file)), "the last good keys stay");
        Files.delete(file);
        assertEquals(Optional.of(rotated), watch.poll(Optional.of(file)), "also when the file is gone");

        assertEquals(Optional.empty(), watch.poll(Optional.empty()), "unset: the engines' own keys");
    }
}
