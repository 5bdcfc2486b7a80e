package dev.autograd4j.cpu;

import dev.autograd4j.DType;
import java.lang.ref.Cleaner;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Recycles the CPU backend's arrays by size class, as the CUDA backend's caching allocator recycles device
 * blocks. Fresh Java arrays of a few hundred KB cost far more than the elementwise kernels that fill them
 * (outside the thread-local allocation buffers the JVM zeroes them and the OS faults their pages in), so an
 * op's output comes from the pool when one of its class is free.
 *
 * <p>Arrays of at least {@link #MIN_POOLED_BYTES} are rounded up to a class (steps of 512 bytes below 1 MiB,
 * of a sixteenth of the power of two below the size above) and counted in {@link #memoryAllocated()}; smaller
 * ones are plain Java arrays the JVM hands out fast and the garbage collector takes back, and are not counted.
 * A pooled array comes back to its free list when its storage is released ({@link CpuStorage#release()}, which a
 * closing {@link dev.autograd4j.MemoryScope} calls) or, through a {@link Cleaner}, when its storage becomes
 * unreachable: the array is held by the storage and by the cleaning action, never by anything a tensor could
 * still read through. The free lists hold at most {@link CpuSettings#poolCapacityBytes()}; arrays beyond that
 * are left to the garbage collector. Arrays that leave the backend ({@code toHost}) or enter it from the user
 * ({@code fromHost}) are never pooled.
 */
final class CpuPool {
    /** The smallest array the pool manages, in bytes. */
    static final int MIN_POOLED_BYTES = 4096;
    private static final long SMALL = 1L << 20, SMALL_STEP = 512;
    /**
     * Test aid ({@code -Dautograd4j.cpu.poolPoison=true}): arrays handed out uninitialized are filled with NaN
     * (int64: Long.MIN_VALUE, bool: true), so a kernel that leaves part of its output unwritten shows it.
     */
    static final boolean POISON = Boolean.getBoolean("autograd4j.cpu.poolPoison");

    static final CpuPool GLOBAL = new CpuPool(CpuSettings.GLOBAL);
    private static final Cleaner CLEANER = Cleaner.create();

    private final CpuSettings settings;
    /** Free arrays by dtype and class index ({@link #classIndex}); lists made on first use. Guarded by this. */
    @SuppressWarnings("unchecked")
    private final ArrayDeque<Object>[][] free = new ArrayDeque[DType.values().length][CLASSES];
    private long allocated, cached; // guarded by this

    CpuPool(CpuSettings settings) {
        this.settings = settings;
    }

    /**
     * The element capacity of the class serving {@code size} elements of {@code dtype}; 0 when not pooled (under
     * {@link #MIN_POOLED_BYTES}, or a class longer than a Java array can be).
     */
    static int capacity(DType dtype, int size) {
        int elem = dtype.byteSize();
        long bytes = (long) size * elem;
        if (bytes < MIN_POOLED_BYTES) {
            return 0;
        }
        long step = bytes < SMALL ? SMALL_STEP : Long.highestOneBit(bytes) / 16;
        long rounded = (bytes + step - 1) / step * step;
        long cap = rounded / elem;
        return cap > Integer.MAX_VALUE - 8 ? 0 : (int) cap; // a class past an array's reach: not pooled
    }

    /** Classes below 1 MiB (512-byte steps), then sixteen per power of two up to 2^63 bytes. */
    private static final int SMALL_CLASSES = (int) (SMALL / SMALL_STEP), CLASSES = SMALL_CLASSES + 16 * 44;

    /** The index of the class of {@code bytes}, a class size ({@link #capacity} times the element size). */
    private static int classIndex(long bytes) {
        if (bytes < SMALL) {
            return (int) (bytes / SMALL_STEP);
        }
        int log = 63 - Long.numberOfLeadingZeros(bytes); // 20 and up
        long step = (1L << log) / 16;
        return SMALL_CLASSES + (log - 20) * 16 + (int) ((bytes - (1L << log)) / step);
    }

    private ArrayDeque<Object> freeList(DType dtype, long bytes) {
        ArrayDeque<Object>[] lists = free[dtype.ordinal()];
        int c = classIndex(bytes);
        ArrayDeque<Object> q = lists[c];
        if (q == null) {
            q = lists[c] = new ArrayDeque<>();
        }
        return q;
    }

    /** Storage of {@code size} elements, zeroed when asked to; pooled when large enough. */
    CpuStorage allocate(DType dtype, int size, boolean zeroed) {
        int capacity = capacity(dtype, size);
        if (capacity == 0) {
            CpuStorage s = CpuStorage.allocate(dtype, size);
            if (POISON && !zeroed) {
                poison(s.data, size);
            }
            return s;
        }
        long bytes = (long) capacity * dtype.byteSize();
        Object array = null;
        synchronized (this) {
            array = freeList(dtype, bytes).poll();
            if (array != null) {
                cached -= bytes;
            }
            allocated += bytes;
        }
        if (array == null) {
            try {
                array = CpuStorage.newArray(dtype, capacity);
            } catch (OutOfMemoryError e) {
                emptyCache(); // what the free lists hold may be what the heap needs
                try {
                    array = CpuStorage.newArray(dtype, capacity);
                } catch (OutOfMemoryError again) {
                    synchronized (this) {
                        allocated -= bytes;
                    }
                    throw CpuStorage.named(dtype, size, again);
                }
            }
        } else if (zeroed) {
            clear(array, size);
        } else if (POISON) {
            poison(array, size);
        }
        CpuStorage s = new CpuStorage(dtype, array, size);
        s.cleanable = CLEANER.register(s, new Return(this, dtype, capacity, array));
        return s;
    }

    /** Must not refer to the storage, or it would never become unreachable. */
    private record Return(CpuPool pool, DType dtype, int capacity, Object array) implements Runnable {
        @Override
        public void run() {
            pool.giveBack(dtype, capacity, array);
        }
    }

    /** An array whose storage is released or unreachable: onto its free list, or to the collector when full. */
    private void giveBack(DType dtype, int capacity, Object array) {
        long bytes = (long) capacity * dtype.byteSize();
        synchronized (this) {
            allocated -= bytes;
            if (cached + bytes <= settings.poolCapacityBytes()) {
                freeList(dtype, bytes).push(array);
                cached += bytes;
            }
        }
    }

    /** Drops every free array, leaving it to the garbage collector. */
    synchronized void emptyCache() {
        for (ArrayDeque<Object>[] lists : free) {
            for (ArrayDeque<Object> q : lists) {
                if (q != null) {
                    q.clear();
                }
            }
        }
        cached = 0;
    }

    /** Bytes of pooled arrays held by storages not yet released or collected. */
    synchronized long memoryAllocated() {
        return allocated;
    }

    /** {@link #memoryAllocated()} plus the bytes on the free lists. */
    synchronized long memoryReserved() {
        return allocated + cached;
    }

    private static void clear(Object array, int n) {
        if (array instanceof float[] f) {
            Arrays.fill(f, 0, n, 0f);
        } else if (array instanceof double[] d) {
            Arrays.fill(d, 0, n, 0d);
        } else if (array instanceof long[] l) {
            Arrays.fill(l, 0, n, 0L);
        } else {
            Arrays.fill((boolean[]) array, 0, n, false);
        }
    }

    private static void poison(Object array, int n) {
        if (array instanceof float[] f) {
            Arrays.fill(f, 0, n, Float.NaN);
        } else if (array instanceof double[] d) {
            Arrays.fill(d, 0, n, Double.NaN);
        } else if (array instanceof long[] l) {
            Arrays.fill(l, 0, n, Long.MIN_VALUE);
        } else {
            Arrays.fill((boolean[]) array, 0, n, true);
        }
    }
}
