package dev.autograd4j.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

/**
 * One CUDA device: its primary context (shared with cuBLAS, which uses the runtime API), one stream on
 * which every kernel, copy and cuBLAS call of the device is queued asynchronously, the caching
 * allocator, and the kernels, loaded lazily per PTX module and cached by name.
 */
final class CudaDevice {
    /** Threads per block of the elementwise, reduction and softmax kernels. */
    static final int THREADS = 256;
    /** Threads per warp, the unit the warp-per-row kernels hand a row to. */
    static final int WARP = 32;
    /** Resident blocks per multiprocessor a grid-stride launch asks for: enough to hide memory latency. */
    static final int BLOCKS_PER_SM = 32;

    private final int index;
    private final Device device;
    final CUcontext context = new CUcontext();
    final CUstream stream = new CUstream();
    final CudaAllocator allocator;
    final String name;
    final int multiprocessors;
    private final Map<CudaModule, CUmodule> modules = new ConcurrentHashMap<>();
    private final Map<String, CUfunction> functions = new ConcurrentHashMap<>();
    private final ThreadLocal<Boolean> current = new ThreadLocal<>();
    private volatile CudaGemm gemm;
    /** One-byte results of checks queued on the device (see {@link #reserveAssertSlot}). */
    static final int ASSERT_SLOTS = 1024;
    private final Object assertLock = new Object();
    private final List<Supplier<? extends RuntimeException>> assertFailures = new ArrayList<>();
    private CudaStorage assertFlags;
    /** The kernel most recently queued, named in errors that surface later (launches are asynchronous). */
    private volatile String lastKernel = "none";

    CudaDevice(int index) {
        this.index = index;
        this.device = Device.cuda(index);
        CUdevice dev = new CUdevice();
        Cu.check(cuDeviceGet(dev, index), "cuDeviceGet(" + index + ")");
        Cu.check(cuDevicePrimaryCtxRetain(context, dev), "cuDevicePrimaryCtxRetain");
        Cu.check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
        // a blocking stream: synchronous copies on the legacy default stream also wait for it
        Cu.check(cuStreamCreate(stream, CUstream_flags.CU_STREAM_DEFAULT), "cuStreamCreate");
        byte[] nameBytes = new byte[256];
        cuDeviceGetName(nameBytes, nameBytes.length, dev);
        int end = 0;
        while (end < nameBytes.length && nameBytes[end] != 0) {
            end++;
        }
        this.name = new String(nameBytes, 0, end, StandardCharsets.US_ASCII);
        int[] sms = new int[1];
        cuDeviceGetAttribute(sms, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, dev);
        this.multiprocessors = Math.max(1, sms[0]);
        this.allocator = new CudaAllocator(this);
    }

    Device device() {
        return device;
    }

    int index() {
        return index;
    }

    /** Makes this device's context current on the calling thread (once per thread). */
    void makeCurrent() {
        if (current.get() == null) {
            Cu.check(cuCtxSetCurrent(context), "cuCtxSetCurrent");
            current.set(Boolean.TRUE);
        }
    }

    void synchronize() {
        makeCurrent();
        int rc = cuStreamSynchronize(stream);
        if (rc != CUresult.CUDA_SUCCESS) {
            // launches are asynchronous: a kernel's fault (an illegal address, say) shows up here
            Cu.check(rc, "waiting for " + device + " (an asynchronous kernel failed; the last one queued was "
                    + lastKernel + ")");
        }
        checkPendingAsserts();
    }

    /**
     * Reserves the next one-byte slot of {@link #assertFlags()} for a check that a kernel will write there, with
     * the error to throw if it is set; the slots are read at the next synchronization, when reading costs no
     * extra wait. When all {@link #ASSERT_SLOTS} are taken, they are read first (one synchronization), so a loop
     * that never reads anything still gets its errors, late. Checks queued by concurrent threads on one device
     * may be reported at another thread's synchronization.
     */
    int reserveAssertSlot(Supplier<? extends RuntimeException> failure) {
        boolean full;
        synchronized (assertLock) {
            full = assertFailures.size() >= ASSERT_SLOTS;
        }
        if (full) {
            synchronize();
        }
        synchronized (assertLock) {
            if (assertFlags == null) {
                assertFlags = new CudaStorage(this, DType.BOOL, ASSERT_SLOTS); // kept for good
            }
            assertFailures.add(failure);
            return assertFailures.size() - 1;
        }
    }

    CudaStorage assertFlags() {
        synchronized (assertLock) {
            return assertFlags;
        }
    }

    /** Reads the reserved slots (the stream is idle) in one copy and throws the first failure; all are consumed. */
    private void checkPendingAsserts() {
        List<Supplier<? extends RuntimeException>> due;
        CudaStorage flags;
        synchronized (assertLock) {
            if (assertFailures.isEmpty()) {
                return;
            }
            due = new ArrayList<>(assertFailures);
            assertFailures.clear();
            flags = assertFlags;
        }
        byte[] set = new byte[due.size()];
        Cu.check(cuMemcpyDtoH(Pointer.to(set), flags.ptr(), set.length), "cuMemcpyDtoH (pending checks)");
        for (int k = 0; k < set.length; k++) {
            if (set[k] != 0) {
                throw due.get(k).get();
            }
        }
    }

    CudaGemm gemm() {
        CudaGemm g = gemm;
        if (g == null) {
            synchronized (this) {
                g = gemm;
                if (g == null) {
                    g = gemm = new CudaGemm(this);
                }
            }
        }
        return g;
    }

    // ------------------------------------------------------------------ kernels

    /** A kernel of a module, loading the module on first use. */
    CUfunction function(CudaModule in, String kernel) {
        CUfunction f = functions.get(kernel);
        if (f != null) {
            return f;
        }
        makeCurrent();
        CUmodule module = modules.computeIfAbsent(in, this::loadModule);
        f = new CUfunction();
        Cu.check(cuModuleGetFunction(f, module, kernel), "cuModuleGetFunction(" + kernel + ")");
        functions.put(kernel, f);
        return f;
    }

    private CUmodule loadModule(CudaModule module) {
        String resource = module.resource();
        byte[] ptx;
        try (InputStream in = CudaDevice.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("PTX resource " + resource + " is missing (dev.autograd4j:native)");
            }
            byte[] b = in.readAllBytes();
            ptx = java.util.Arrays.copyOf(b, b.length + 1); // NUL-terminated
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
        CUmodule m = new CUmodule();
        int rc = cuModuleLoadData(m, ptx);
        if (rc == CUresult.CUDA_ERROR_UNSUPPORTED_PTX_VERSION) {
            throw new Cu.CudaException("cuModuleLoadData(" + module.fileName + ".ptx): the driver is too old for PTX "
                    + "from CUDA 13's nvcc (needs an R580 or newer driver)", rc);
        }
        Cu.check(rc, "cuModuleLoadData(" + module.fileName + ".ptx)");
        return m;
    }

    /** Grid size for a grid-stride loop over n elements. */
    int blocksFor(long n) {
        long blocks = (n + THREADS - 1) / THREADS;
        return (int) Math.max(1, Math.min(blocks, (long) multiprocessors * BLOCKS_PER_SM));
    }

    /** Grid size for kernels that give each of {@code rows} rows a warp ({@code warpPerRow}) or a whole block. */
    int blocksForRows(long rows, boolean warpPerRow) {
        int perBlock = warpPerRow ? THREADS / WARP : 1;
        return (int) Math.max(1, Math.min((rows + perBlock - 1) / perBlock, (long) BLOCKS_PER_SM * multiprocessors));
    }

    /** Notes work queued on the stream by name (kernels, cuBLAS calls) for later error messages. */
    void queued(String name) {
        lastKernel = name;
    }

    /** Queues a 1-D launch; the arguments are JCuda pointers to each parameter's value. */
    void launch(CudaModule module, String kernel, int blocks, int threads, Pointer... args) {
        launch(module, kernel, blocks, 1, 1, threads, 1, args);
    }

    void launch(CudaModule module, String kernel, int gx, int gy, int gz, int bx, int by, Pointer... args) {
        CUfunction f = function(module, kernel);
        queued(kernel);
        Cu.check(cuLaunchKernel(f, gx, gy, gz, bx, by, 1, 0, stream, Pointer.to(args), null),
                "cuLaunchKernel(" + kernel + ")");
    }
}
