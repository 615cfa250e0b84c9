package dev.rsp.core.h2.hpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Mutated valid blocks (fixed seed) fed to one decoder after another: every outcome is a status, never an
 * exception; the table's accounting always matches its entries; the sink never sees more than the limits allow.
 */
class HpackDecoderFuzzTest {

    @Test
    void mutatedBlocksNeverEscapeTheStatusesOrTheLimits() {
        Random random = new Random(31337L);
        List<String> seeds = new ArrayList<>();
        for (List<AppendixCTest.Step> steps : List.of(AppendixCTest.REQUESTS_RAW, AppendixCTest.REQUESTS_HUFFMAN,
                AppendixCTest.RESPONSES_RAW, AppendixCTest.RESPONSES_HUFFMAN)) {
            steps.forEach(step -> seeds.add(step.hex().replaceAll("\\s", "")));
        }
        seeds.add("3fe11f82");
        seeds.add("20");
        HpackLimits limits = new HpackLimits(4096, 2048, 20);
        int[] outcomes = new int[DecodeStatus.values().length];
        for (int connection = 0; connection < 3_000; connection++) {
            HpackDecoder decoder = new HpackDecoder(limits);
            for (int block = 0; block < 1 + random.nextInt(6); block++) {
                byte[] bytes = mutate(Fields.hex(seeds.get(random.nextInt(seeds.size()))).array(), random);
                int[] listSize = {0};
                int[] count = {0};
                DecodeStatus status = decoder.decode(ByteBuffer.wrap(bytes), (name, nameLength, value, valueLength, s) -> {
                    listSize[0] += nameLength + valueLength + 32;
                    count[0]++;
                });
                outcomes[status.ordinal()]++;
                assertTrue(listSize[0] <= limits.maxHeaderListSize() && count[0] <= limits.maxFields());
                assertTableConsistent(decoder.table());
                if (status == DecodeStatus.COMPRESSION_ERROR) {
                    break;
                }
            }
        }
        for (DecodeStatus status : DecodeStatus.values()) {
            assertTrue(outcomes[status.ordinal()] > 100, "each outcome is reached: " + Arrays.toString(outcomes));
        }
    }

    private static byte[] mutate(byte[] seed, Random random) {
        byte[] bytes = seed.clone();
        for (int m = 0; m < 1 + random.nextInt(3); m++) {
            switch (random.nextInt(5)) {
                case 0 -> {
                    if (bytes.length > 0) {
                        bytes[random.nextInt(bytes.length)] ^= (byte) (1 << random.nextInt(8));
                    }
                }
                case 1 -> {
                    if (bytes.length > 0) {
                        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
                    }
                }
                case 2 -> bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
                case 3 -> {
                    // repeat the block: many indexed references, as a bomb would
                    byte[] longer = new byte[bytes.length * (2 + random.nextInt(20))];
                    for (int i = 0; i < longer.length; i++) {
                        longer[i] = bytes.length == 0 ? (byte) 0xBE : bytes[i % bytes.length];
                    }
                    bytes = longer;
                }
                default -> {
                    byte[] noise = new byte[random.nextInt(16)];
                    random.nextBytes(noise);
                    byte[] joined = Arrays.copyOf(bytes, bytes.length + noise.length);
                    System.arraycopy(noise, 0, joined, bytes.length, noise.length);
                    bytes = joined;
                }
            }
        }
        return bytes;
    }

    private static void assertTableConsistent(DynamicTable table) {
        long sum = 0;
        for (int i = 0; i < table.count(); i++) {
            sum += DynamicTable.entrySize(table.name(i).length, table.value(i).length);
        }
        assertEquals(sum, table.size());
        assertTrue(table.size() <= table.maxSize() && table.maxSize() <= 4096);
    }
}
