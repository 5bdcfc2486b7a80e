package dev.autograd4j.cuda;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.spi.Storage;
import java.lang.ref.Cleaner;
import jcuda.driver.CUdeviceptr;

/**
 * A device buffer from the caching allocator. Its block goes back to the allocator's free list when
 * the storage becomes unreachable (through a {@link Cleaner}) or at {@link #close()}, whichever comes
 * first.
 */
final class CudaStorage implements Storage, AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    final CudaDevice owner;
    final DType dtype;
    final int size;
    final CudaAllocator.Block block;
    private final Cleaner.Cleanable cleanable;
    private volatile boolean released;

    CudaStorage(CudaDevice owner, DType dtype, int size) {
        this.owner = owner;
        this.dtype = dtype;
        this.size = size;
        this.block = owner.allocator.allocate((long) size * dtype.byteSize());
        this.cleanable = CLEANER.register(this, new Release(owner.allocator, block));
    }

    /** Must not refer to the storage, or it would never become unreachable. */
    private record Release(CudaAllocator allocator, CudaAllocator.Block block) implements Runnable {
        @Override
        public void run() {
            allocator.release(block);
        }
    }

    CUdeviceptr ptr() {
        if (released) {
            throw new IllegalStateException("this " + dtype + " tensor's memory on " + owner.device() + " was released "
                    + "when its MemoryScope closed; keep tensors that must outlive a scope with scope.keep(tensor)");
        }
        return block.ptr;
    }

    @Override
    public Device device() {
        return owner.device();
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public int size() {
        return size;
    }

    /** Returns the block now (idempotent); using the storage afterwards throws. */
    @Override
    public void close() {
        released = true;
        cleanable.clean();
    }

    @Override
    public void release() {
        close();
    }
}
