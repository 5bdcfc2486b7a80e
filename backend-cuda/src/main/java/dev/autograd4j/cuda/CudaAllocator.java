package dev.autograd4j.cuda;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A caching allocator for one device, in the spirit of PyTorch's CUDACachingAllocator without block
 * splitting: requests are rounded up to a size class (512 B steps below 1 MiB, 2 MiB steps above),
 * freed blocks go back to their class's free list and are reused by the next request of the class.
 * Reuse is safe without events because every kernel and copy of a device runs on its one stream, in
 * order. Blocks come back through {@link java.lang.ref.Cleaner} when a storage becomes unreachable.
 * When cuMemAlloc fails the cache is emptied, the garbage collector runs (so that unreachable storages
 * return their blocks) and the allocation is retried once; then {@link CudaOutOfMemoryError} names the
 * requested and free bytes.
 *
 * <p>Unreachable storages return their blocks only after a garbage collection, and the JVM collects when
 * its heap fills, not when the device's memory does: a training loop whose Java garbage is small can pile
 * up gigabytes of dead device buffers between two collections. So when the cache cannot serve a request
 * and more than {@link CudaSettings#collectEveryMiB()} (default 1024; 0 turns it off) have been handed out
 * since the last such hint, the allocator asks for a collection ({@link System#gc()}) before going to the
 * driver. That bounds what dead tensors hold to about that much, at the cost of one collection per that
 * many bytes of allocations that the cache could not serve.
 */
final class CudaAllocator {
    private static final Logger LOG = LoggerFactory.getLogger(CudaAllocator.class);
    static final long SMALL = 1L << 20, SMALL_STEP = 512, LARGE_STEP = 2L << 20;

    /** A device buffer of {@code bytes} (the size class), or the empty block for zero bytes. */
    static final class Block {
        final CUdeviceptr ptr;
        final long bytes;

        Block(CUdeviceptr ptr, long bytes) {
            this.ptr = ptr;
            this.bytes = bytes;
        }
    }

    static final Block EMPTY = new Block(new CUdeviceptr(), 0);

    private final CudaDevice device;
    private final Map<Long, ArrayDeque<Block>> free = new HashMap<>();
    private long allocated, reserved, cached;
    /** Bytes handed out since the last collection hint; more than {@link CudaSettings#collectEveryMiB()} trigger one. */
    private long sinceCollect;

    CudaAllocator(CudaDevice device) {
        this.device = device;
    }

    static long sizeClass(long bytes) {
        long step = bytes < SMALL ? SMALL_STEP : LARGE_STEP;
        return (bytes + step - 1) / step * step;
    }

    Block allocate(long bytes) {
        if (bytes == 0) {
            return EMPTY;
        }
        long size = sizeClass(bytes);
        boolean collect;
        synchronized (this) {
            sinceCollect += size;
            ArrayDeque<Block> q = free.get(size);
            if (q != null && !q.isEmpty()) {
                Block b = q.pop();
                cached -= size;
                allocated += size;
                return b;
            }
            long collectEvery = CudaSettings.GLOBAL.collectEveryBytes();
            collect = collectEvery > 0 && sinceCollect > collectEvery;
            if (collect) {
                sinceCollect = 0;
            }
        }
        if (collect) {
            // dead storages come back through the Cleaner shortly after; this request goes to the driver
            System.gc();
        }
        CUdeviceptr p = new CUdeviceptr();
        device.makeCurrent();
        int rc = cuMemAlloc(p, size);
        if (rc == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            // free what the cache holds and what unreachable storages hold, then try once more
            emptyCache();
            System.gc();
            try {
                Thread.sleep(50); // let the Cleaner thread return blocks
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            emptyCache();
            device.makeCurrent();
            rc = cuMemAlloc(p, size);
            if (rc == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
                long[] freeB = new long[1], total = new long[1];
                cuMemGetInfo(freeB, total);
                throw new CudaOutOfMemoryError(String.format(
                        "CUDA out of memory on %s: tried to allocate %d bytes (%s); the device has %d bytes (%s) free "
                                + "of %d; autograd4j holds %d bytes in live tensors, %d reserved",
                        device.device(), bytes, mib(bytes), freeB[0], mib(freeB[0]), total[0], memoryAllocated(),
                        memoryReserved()));
            }
        }
        Cu.check(rc, "cuMemAlloc(" + size + ")");
        synchronized (this) {
            allocated += size;
            reserved += size;
        }
        return new Block(p, size);
    }

    /** Returns a block to its free list (called by the Cleaner thread or by an explicit close). */
    void release(Block b) {
        if (b.bytes == 0) {
            return;
        }
        synchronized (this) {
            free.computeIfAbsent(b.bytes, k -> new ArrayDeque<>()).push(b);
            allocated -= b.bytes;
            cached += b.bytes;
        }
    }

    /** Frees every cached (unused) block back to the driver. */
    void emptyCache() {
        Map<Long, ArrayDeque<Block>> toFree;
        synchronized (this) {
            if (cached == 0) {
                return;
            }
            toFree = new HashMap<>(free);
            free.clear();
            reserved -= cached;
            cached = 0;
        }
        device.synchronize(); // kernels queued before the blocks were released may still use them
        for (ArrayDeque<Block> q : toFree.values()) {
            for (Block b : q) {
                int rc = cuMemFree(b.ptr);
                if (rc != CUresult.CUDA_SUCCESS) {
                    LOG.warn("cuMemFree failed on {}: {}", device.device(), CUresult.stringFor(rc));
                }
            }
        }
    }

    synchronized long memoryAllocated() {
        return allocated;
    }

    synchronized long memoryReserved() {
        return reserved;
    }

    private static String mib(long bytes) {
        return String.format("%.2f MiB", bytes / (1024.0 * 1024.0));
    }
}
