package dev.autograd4j.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The first core's L1 data and L2 cache sizes, read once from Linux's
 * {@code /sys/devices/system/cpu/cpu0/cache/index*} ({@code level}, {@code type}, {@code size}); where
 * they cannot be read (other systems, containers hiding sysfs) safe small defaults: 32 KiB and 512 KiB.
 * The GEMM sizes its packed blocks of A and B from L2 ({@link GemmVector}); L1 is logged.
 */
final class CacheSizes {
    /** Used when sysfs does not say. */
    static final int DEFAULT_L1D = 32 * 1024, DEFAULT_L2 = 512 * 1024;

    /** L1 data cache of one core, in bytes. */
    static final int L1D;
    /** L2 cache of one core, in bytes. */
    static final int L2;

    static {
        int l1 = 0, l2 = 0;
        Path dir = Path.of("/sys/devices/system/cpu/cpu0/cache");
        for (int i = 0; i < 8; i++) {
            Path index = dir.resolve("index" + i);
            if (!Files.isDirectory(index)) {
                continue;
            }
            String level = read(index.resolve("level")), type = read(index.resolve("type"));
            int size = parseSize(read(index.resolve("size")));
            if ("1".equals(level) && ("Data".equals(type) || "Unified".equals(type))) {
                l1 = size;
            } else if ("2".equals(level) && !"Instruction".equals(type)) {
                l2 = size;
            }
        }
        L1D = l1 > 0 ? l1 : DEFAULT_L1D;
        L2 = l2 > 0 ? l2 : DEFAULT_L2;
    }

    private CacheSizes() {
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** "48K", "1024K", "32M", "65536" (bytes) to bytes; 0 when not understood. */
    static int parseSize(String s) {
        if (s == null || s.isEmpty()) {
            return 0;
        }
        long unit = 1;
        char last = Character.toUpperCase(s.charAt(s.length() - 1));
        if (last == 'K' || last == 'M' || last == 'G') {
            unit = last == 'K' ? 1L << 10 : last == 'M' ? 1L << 20 : 1L << 30;
            s = s.substring(0, s.length() - 1);
        }
        try {
            long v = Long.parseLong(s.trim()) * unit;
            return v > 0 && v <= Integer.MAX_VALUE ? (int) v : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * Block sizes for a kernel with an mr x nr register tile on elements of {@code bytes} bytes: {kc, mc, nc}.
     * kc is the given one on every machine: it fixes the order of every sum (see {@link GemmKernel}), so the
     * same product gives the same bits on any machine and with either kernel. mc and nc follow L2, at most the
     * given maxima (tuned on a 1-2 MiB L2): the mc x kc block of A within 1/7 of L2, the kc x nc block of B
     * within L2, whole tiles always.
     */
    static int[] blocks(int mr, int nr, int bytes, int kc, int mcMax, int ncMax, int l2) {
        int mc = Math.min(mcMax, Math.max(mr, (int) (l2 / 7L / ((long) kc * bytes)) / mr * mr));
        int nc = Math.min(ncMax, Math.max(nr, (int) (l2 / ((long) kc * bytes)) / nr * nr));
        return new int[] {kc, mc, nc};
    }
}
