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
    void blocksFitTheCachesAndTheTile() {
        // The tuned sizes where the caches are big enough (48 KiB L1, 1 MiB L2) ...
        assertArrayEquals(new int[] {256, 144, 1024}, CacheSizes.blocks(12, 32, 4, 256, 144, 1024, 48 << 10, 1 << 20));
        assertArrayEquals(new int[] {192, 96, 512}, CacheSizes.blocks(12, 16, 8, 192, 96, 512, 48 << 10, 1 << 20));
        // ... smaller ones where they are not, always whole tiles.
        for (int l1 : new int[] {16 << 10, 32 << 10, 48 << 10, 64 << 10}) {
            for (int l2 : new int[] {256 << 10, 512 << 10, 1 << 20, 2 << 20}) {
                for (int[] t : new int[][] {{12, 32, 4}, {12, 16, 8}, {6, 16, 4}, {6, 8, 8}}) {
                    int[] b = CacheSizes.blocks(t[0], t[1], t[2], 256, 144, 1024, l1, l2);
                    String what = l1 + "/" + l2 + " tile " + t[0] + "x" + t[1];
                    assertTrue(b[0] >= 64 && b[0] <= 256 && b[0] % 16 == 0, what);
                    assertTrue(b[0] == 64 || (long) (t[0] + t[1]) * t[2] * b[0] <= l1, what);
                    assertTrue(b[1] >= t[0] && b[1] <= 144 && b[1] % t[0] == 0, what);
                    assertTrue(b[2] >= t[1] && b[2] <= 1024 && b[2] % t[1] == 0, what);
                }
            }
        }
    }
}
