package dev.autograd4j.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CacheSizesTest {
    @Test
    void parsesSysfsSizes() {
        assertEquals(48 * 1024, CacheSizes.parseSize("48K"));
        assertEquals(32 << 20, CacheSizes.parseSize("32M"));
        assertEquals(65536, CacheSizes.parseSize("65536"));
        assertEquals(0, CacheSizes.parseSize("lots"));
        assertEquals(0, CacheSizes.parseSize(""));
        assertEquals(0, CacheSizes.parseSize(null));
        assertTrue(CacheSizes.L1D >= 4096 && CacheSizes.L2 >= 65536, CacheSizes.L1D + " " + CacheSizes.L2);
    }

    @Test
    void blocksFitL2AndTheTileAndKeepKc() {
        // The tuned sizes where L2 is big enough (1 MiB) ...
        assertArrayEquals(new int[] {256, 144, 1024}, CacheSizes.blocks(12, 32, 4, 256, 144, 1024, 1 << 20));
        assertArrayEquals(new int[] {192, 96, 512}, CacheSizes.blocks(12, 16, 8, 192, 96, 512, 1 << 20));
        // ... smaller ones where it is not, always whole tiles, and kc never changes (it fixes the bits).
        for (int l2 : new int[] {128 << 10, 256 << 10, 512 << 10, 1 << 20, 2 << 20, 32 << 20}) {
            for (int[] t : new int[][] {{12, 32, 4}, {12, 16, 8}, {6, 16, 4}, {6, 8, 8}}) {
                int[] b = CacheSizes.blocks(t[0], t[1], t[2], 256, 144, 1024, l2);
                String what = l2 + " tile " + t[0] + "x" + t[1];
                assertEquals(256, b[0], what);
                assertTrue(b[1] >= t[0] && b[1] <= 144 && b[1] % t[0] == 0, what);
                assertTrue(b[1] == t[0] || (long) b[1] * b[0] * t[2] <= l2 / 7, what);
                assertTrue(b[2] >= t[1] && b[2] <= 1024 && b[2] % t[1] == 0, what);
            }
        }
    }
}
