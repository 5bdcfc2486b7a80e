package dev.autograd4j.cuda;

import dev.autograd4j.Device;
import dev.autograd4j.Tensor;
import dev.autograd4j.spi.Storage;
import java.lang.reflect.Method;
import jcuda.NativePointerObject;
import jcuda.driver.CUdeviceptr;

/**
 * Raw handles of the CUDA backend for native libraries bound through another binding (NCCL through
 * {@code org.bytedeco:cuda}, say): a tensor's device address and the device's stream. JCuda and such a
 * binding drive the same driver and runtime, so the numbers mean the same to both. Work a library queues on
 * {@link #stream(Device)} runs in order with this backend's kernels and copies, which all run on that stream;
 * work queued elsewhere must be ordered by the caller (or {@link dev.autograd4j.spi.Backend#synchronize}).
 */
public final class CudaInterop {
    private static volatile Method nativePointer;
    private static volatile Method byteOffset;

    private CudaInterop() {
    }

    /**
     * The device address of a CUDA tensor's first element ({@code tensor.data_ptr()}), valid while the tensor is
     * reachable (or until its {@link dev.autograd4j.MemoryScope} closes). Elements follow at the tensor's strides.
     *
     * @param tensor a tensor of this backend
     * @return the address, 0 for an empty tensor that owns no memory
     * @throws IllegalArgumentException if the tensor is not on a CUDA device of this backend
     * @throws IllegalStateException if the tensor's memory was released
     */
    public static long devicePointer(Tensor tensor) {
        Storage s = tensor.untypedStorage();
        if (!(s instanceof CudaStorage cs)) {
            throw new IllegalArgumentException("expected a tensor of the CUDA backend, got one on " + tensor.device()
                    + " (" + s.getClass().getSimpleName() + ")");
        }
        CUdeviceptr p = cs.ptr();
        return address(p) + byteOffset(p) + (long) tensor.storageOffset() * cs.dtype.byteSize();
    }

    /**
     * The raw {@code CUstream} handle of the one stream on which this backend queues every kernel and copy of
     * a device; initializes the device (its primary context) if needed.
     *
     * @param device a CUDA device
     * @return the handle ({@code cudaStream_t} and {@code CUstream} are the same pointer)
     * @throws IllegalArgumentException if the device is not a CUDA device this backend has
     */
    public static long stream(Device device) {
        if (!device.isCuda()) {
            throw new IllegalArgumentException("expected a CUDA device, got " + device);
        }
        return address(CudaBackend.device(device.index()).stream);
    }

    /** The native pointer JCuda keeps in a handle (protected there: read by reflection, cached). */
    static long address(NativePointerObject handle) {
        Method m = nativePointer;
        if (m == null) {
            m = nativePointer = accessible(NativePointerObject.class, "getNativePointer");
        }
        return call(m, handle);
    }

    /** The byte offset of a JCuda pointer made by {@code withByteOffset} (0 for the allocator's blocks). */
    static long byteOffset(jcuda.Pointer pointer) {
        Method m = byteOffset;
        if (m == null) {
            m = byteOffset = accessible(jcuda.Pointer.class, "getByteOffset");
        }
        return call(m, pointer);
    }

    private static Method accessible(Class<?> owner, String name) {
        try {
            Method m = owner.getDeclaredMethod(name);
            m.setAccessible(true);
            return m;
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read JCuda's " + owner.getSimpleName() + "." + name
                    + " (changed in this JCuda version?)", e);
        }
    }

    private static long call(Method m, Object target) {
        try {
            return (Long) m.invoke(target);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read JCuda's " + m.getName(), e);
        }
    }
}
