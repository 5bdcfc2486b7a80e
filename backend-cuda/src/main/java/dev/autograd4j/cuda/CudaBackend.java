package dev.autograd4j.cuda;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD8Async;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.spi.Backend;
import dev.autograd4j.spi.Backends;
import dev.autograd4j.spi.BinaryOp;
import dev.autograd4j.spi.KernelSymbols;
import dev.autograd4j.spi.Layout;
import dev.autograd4j.spi.NormShape;
import dev.autograd4j.spi.ReduceOp;
import dev.autograd4j.spi.Storage;
import dev.autograd4j.spi.UnaryOp;
import dev.autograd4j.spi.Window2d;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CUDA backend: JCuda's driver API, one primary context and one stream per device, kernels from
 * the PTX of {@code dev.autograd4j:native} (loaded per module on first use), device memory from a
 * caching allocator ({@link #memoryAllocated}, {@link #memoryReserved}, {@link #emptyCache}) and matrix
 * products through cuBLAS. Work is queued asynchronously; only host transfers ({@link #toHost}) and
 * {@link #synchronize} wait.
 *
 * <p>Discovery is cheap and never throws: the first {@link #isAvailable()} loads JCuda's natives and
 * counts devices inside a catch-all; where libcuda or a device is missing, one log line says why and
 * the backend is simply not available.
 *
 * <p>Settings (cuBLAS or the built-in GEMM kernel, TF32, the allocator's collection hint) are in
 * {@link #settings()}, with system properties as their defaults.
 */
public final class CudaBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(CudaBackend.class);
    private static final int THREADS = CudaDevice.THREADS;
    /** The longest row {@code sort.cu} sorts in shared memory (its SORT_CHUNK); longer rows are merged. */
    private static final int SORT_CHUNK = 2048;
    /** Reductions of at most this many elements per row give each row a warp. */
    private static final int WARP_ROW_MAX = 64;
    /** Up to this many per row, a warp per row still wins when there are enough rows to fill the device. */
    private static final int WARP_ROW_MAX_MANY_ROWS = 4096;
    /** Rows per multiprocessor that count as "enough rows" for {@link #WARP_ROW_MAX_MANY_ROWS}. */
    private static final int MANY_ROWS_PER_SM = 4;
    /** Softmax rows up to this length run a warp per row (each lane keeps its share in registers). */
    private static final int SOFTMAX_WARP_ROW_MAX = 1024;

    /** What discovery found: a device count, or why there is none. */
    private record State(int count, String reason, String driver) {
    }

    private static volatile State state;
    private static CudaDevice[] devices = new CudaDevice[0];

    private static State state() {
        State s = state;
        if (s == null) {
            synchronized (CudaBackend.class) {
                s = state;
                if (s == null) {
                    s = state = probe();
                    devices = new CudaDevice[s.count];
                }
            }
        }
        return s;
    }

    private static State probe() {
        try {
            JCudaDriver.setExceptionsEnabled(false);
            int rc = JCudaDriver.cuInit(0);
            if (rc == CUresult.CUDA_ERROR_NO_DEVICE) {
                return unavailable("no CUDA GPU found (cuInit: CUDA_ERROR_NO_DEVICE)");
            }
            if (rc != CUresult.CUDA_SUCCESS) {
                return unavailable("cuInit failed: " + CUresult.stringFor(rc));
            }
            int[] n = new int[1];
            rc = JCudaDriver.cuDeviceGetCount(n);
            if (rc != CUresult.CUDA_SUCCESS) {
                return unavailable("cuDeviceGetCount failed: " + CUresult.stringFor(rc));
            }
            if (n[0] <= 0) {
                return unavailable("no CUDA device");
            }
            int[] v = new int[1];
            JCudaDriver.cuDriverGetVersion(v);
            String driver = "CUDA driver " + v[0] / 1000 + "." + v[0] % 1000 / 10;
            LOG.debug("autograd4j CUDA backend: {} device(s), {}", n[0], driver);
            return new State(n[0], null, driver);
        } catch (Throwable t) { // UnsatisfiedLinkError without libcuda, NoClassDefFoundError, anything
            String msg = String.valueOf(t.getMessage());
            if (msg.contains("libcuda.so")) { // JCuda's natives load, but the driver library they link to is absent
                return unavailable("no NVIDIA driver: libcuda.so.1 could not be loaded (an NVIDIA driver, R580 or "
                        + "newer, provides it)");
            }
            int nl = msg.indexOf('\n');
            return unavailable("JCuda's native libraries could not be loaded (" + t.getClass().getSimpleName() + ": "
                    + (nl >= 0 ? msg.substring(0, nl) : msg) + ")");
        }
    }

    private static State unavailable(String reason) {
        LOG.info("autograd4j CUDA backend not available: {}", reason);
        return new State(0, reason, null);
    }

    static CudaDevice device(int index) {
        State s = state();
        if (index < 0 || index >= s.count) {
            throw new IllegalArgumentException("Invalid device cuda:" + index + ": " + Backends.describeDevices(
                    Device.Type.CUDA, s.count));
        }
        synchronized (CudaBackend.class) {
            CudaDevice d = devices[index];
            if (d == null) {
                d = devices[index] = new CudaDevice(index);
            }
            return d;
        }
    }

    // ------------------------------------------------------------------ public extras

    /**
     * The CUDA backend's settings, shared by every device.
     *
     * @return the settings object (cuBLAS, TF32, the allocator's collection hint)
     */
    public static CudaSettings settings() {
        return CudaSettings.GLOBAL;
    }

    /**
     * Bytes held by live tensors on a device, like {@code torch.cuda.memory_allocated}.
     *
     * @param device the CUDA device index
     * @return the bytes, counted in the allocator's size classes
     */
    public static long memoryAllocated(int device) {
        return device(device).allocator.memoryAllocated();
    }

    /**
     * Bytes the allocator holds from the driver on a device, live or cached, like {@code torch.cuda.memory_reserved}.
     *
     * @param device the CUDA device index
     * @return the bytes
     */
    public static long memoryReserved(int device) {
        return device(device).allocator.memoryReserved();
    }

    /** Frees every cached block of every initialized device back to the driver. */
    public static void emptyCache() {
        CudaDevice[] ds;
        synchronized (CudaBackend.class) {
            ds = devices.clone();
        }
        for (CudaDevice d : ds) {
            if (d != null) {
                d.allocator.emptyCache();
            }
        }
    }

    /**
     * What matrix products of a device run on.
     *
     * @param device the CUDA device index
     * @return "cuBLAS", "cuBLAS (TF32 on)" or "built-in GEMM kernel"
     */
    public static String matmulImplementation(int device) {
        return device(device).gemm().describe();
    }

    // ------------------------------------------------------------------ Backend

    @Override
    public Device.Type deviceType() {
        return Device.Type.CUDA;
    }

    @Override
    public boolean isAvailable() {
        try {
            return state().count > 0;
        } catch (Throwable t) {
            return false;
        }
    }

    @Override
    public int deviceCount() {
        try {
            return state().count;
        } catch (Throwable t) {
            return 0;
        }
    }

    @Override
    public String describe() {
        State s = state();
        if (s.count == 0) {
            return "cuda: not available (" + s.reason + ")";
        }
        CudaDevice d = device(0);
        return "cuda: " + s.count + " device(s), cuda:0 " + d.name + ", " + s.driver + ", matmul "
                + d.gemm().describe();
    }

    private static CudaStorage cuda(Storage s) {
        return (CudaStorage) s;
    }

    private static Pointer at(CudaStorage s, int elementOffset) {
        return s.ptr().withByteOffset((long) elementOffset * s.dtype.byteSize());
    }

    @Override
    public Storage allocate(Device device, DType dtype, int size) {
        CudaDevice d = device(device.index());
        CudaStorage s = new CudaStorage(d, dtype, size);
        if (size > 0) {
            d.makeCurrent();
            Cu.check(cuMemsetD8Async(s.ptr(), (byte) 0, (long) size * dtype.byteSize(), d.stream), "cuMemsetD8Async");
        }
        return s;
    }

    /** No zero fill: the op's kernel writes every element (saves a memory pass per op). */
    @Override
    public Storage allocateUninitialized(Device device, DType dtype, int size) {
        return new CudaStorage(device(device.index()), dtype, size);
    }

    @Override
    public Storage fromHost(Device device, DType dtype, Object array) {
        CudaDevice d = device(device.index());
        int n = java.lang.reflect.Array.getLength(array);
        CudaStorage s = new CudaStorage(d, dtype, n);
        if (n == 0) {
            return s;
        }
        Pointer host = switch (dtype) {
            case FLOAT32 -> Pointer.to((float[]) array);
            case FLOAT64 -> Pointer.to((double[]) array);
            case INT64 -> Pointer.to((long[]) array);
            case BOOL -> {
                boolean[] b = (boolean[]) array;
                byte[] bytes = new byte[n];
                for (int i = 0; i < n; i++) {
                    bytes[i] = b[i] ? (byte) 1 : 0;
                }
                yield Pointer.to(bytes);
            }
        };
        d.makeCurrent();
        // synchronous, on the legacy default stream, which waits for the device's (blocking) stream
        Cu.check(cuMemcpyHtoD(s.ptr(), host, (long) n * dtype.byteSize()), "cuMemcpyHtoD");
        return s;
    }

    @Override
    public Object toHost(Storage storage, Layout layout) {
        CudaStorage s = cuda(storage);
        int n = layout.numel();
        DType t = s.dtype;
        Object out = switch (t) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT64 -> new long[n];
            case BOOL -> new boolean[n];
        };
        if (n == 0) {
            return out;
        }
        CudaStorage tmp = null;
        Pointer src;
        if (layout.isContiguous()) {
            src = at(s, layout.offset());
        } else {
            tmp = new CudaStorage(s.owner, t, n);
            copy(s, layout, tmp, Layout.contiguous(layout.shape()));
            src = tmp.ptr();
        }
        try {
            s.owner.synchronize();
            long bytes = (long) n * t.byteSize();
            if (t == DType.BOOL) {
                byte[] b = new byte[n];
                Cu.check(cuMemcpyDtoH(Pointer.to(b), (CUdeviceptr) src, bytes), "cuMemcpyDtoH");
                boolean[] o = (boolean[]) out;
                for (int i = 0; i < n; i++) {
                    o[i] = b[i] != 0;
                }
            } else {
                Pointer host = switch (t) {
                    case FLOAT32 -> Pointer.to((float[]) out);
                    case FLOAT64 -> Pointer.to((double[]) out);
                    default -> Pointer.to((long[]) out);
                };
                Cu.check(cuMemcpyDtoH(host, (CUdeviceptr) src, bytes), "cuMemcpyDtoH");
            }
        } finally {
            if (tmp != null) {
                tmp.close();
            }
        }
        return out;
    }

    /** Launches an elementwise kernel: (ptr, strides) per operand, then the shape, then {@code extra}. */
    private static void elementwise(CudaModule module, String kernel, int[] shape, CudaStorage[] st, Layout[] ls,
                                    Pointer... extra) {
        CudaDevice d = st[st.length - 1].owner;
        d.makeCurrent();
        int ops = st.length;
        for (CudaLayouts.Packed p : CudaLayouts.pack(shape, ls)) {
            Pointer[] args = new Pointer[2 * ops + 1 + extra.length];
            for (int k = 0; k < ops; k++) {
                args[2 * k] = Pointer.to(st[k].ptr());
                args[2 * k + 1] = Pointer.to(p.strides()[k]);
            }
            args[2 * ops] = Pointer.to(p.shape());
            System.arraycopy(extra, 0, args, 2 * ops + 1, extra.length);
            d.launch(module, kernel, d.blocksFor(p.numel()), THREADS, args);
        }
    }

    private static String sfx(DType t) {
        return KernelSymbols.suffix(t);
    }

    @Override
    public void copy(Storage src, Layout srcLayout, Storage dst, Layout dstLayout) {
        CudaStorage s = cuda(src), d = cuda(dst);
        int n = dstLayout.numel();
        if (n == 0) {
            return;
        }
        if (s.dtype == d.dtype && s != d && srcLayout.isContiguous() && dstLayout.isContiguous()) {
            d.owner.makeCurrent();
            Cu.check(cuMemcpyDtoDAsync((CUdeviceptr) at(d, dstLayout.offset()), (CUdeviceptr) at(s, srcLayout.offset()),
                    (long) n * s.dtype.byteSize(), d.owner.stream), "cuMemcpyDtoDAsync");
            return;
        }
        elementwise(CudaModule.MEMORY, "copy_" + sfx(s.dtype) + "_" + sfx(d.dtype), dstLayout.shape(),
                new CudaStorage[] {s, d}, new Layout[] {srcLayout, dstLayout});
    }

    @Override
    public void fill(Storage dst, Layout layout, double value) {
        CudaStorage d = cuda(dst);
        elementwise(CudaModule.MEMORY, "fill_" + sfx(d.dtype), layout.shape(), new CudaStorage[] {d},
                new Layout[] {layout}, Pointer.to(new double[] {value}));
    }

    @Override
    public void arange(Storage dst, Layout layout, double start, double step) {
        CudaStorage d = cuda(dst);
        int n = layout.numel();
        if (n == 0) {
            return;
        }
        int stride = layout.rank() == 0 ? 0 : layout.strides()[0];
        d.owner.makeCurrent();
        d.owner.launch(CudaModule.MEMORY, "arange_" + sfx(d.dtype), d.owner.blocksFor(n), THREADS,
                Pointer.to(d.ptr()), Pointer.to(new int[] {layout.offset()}), Pointer.to(new int[] {stride}),
                Pointer.to(new int[] {n}), Pointer.to(new double[] {start}), Pointer.to(new double[] {step}));
    }

    @Override
    public void random(boolean normal, Storage dst, Layout layout, long seed, long offset) {
        if (!layout.isContiguous()) {
            throw new IllegalArgumentException("random fill needs a contiguous layout");
        }
        CudaStorage d = cuda(dst);
        int n = layout.numel();
        if (n == 0) {
            return;
        }
        if (!d.dtype.isFloatingPoint()) { // draw in float64, then cast like the CPU backend
            try (CudaStorage tmp = new CudaStorage(d.owner, DType.FLOAT64, n)) {
                random(normal, tmp, Layout.contiguous(layout.shape()), seed, offset);
                copy(tmp, Layout.contiguous(layout.shape()), d, layout);
            }
            return;
        }
        d.owner.makeCurrent();
        d.owner.launch(CudaModule.RANDOM, (normal ? "randn_" : "rand_") + sfx(d.dtype), d.owner.blocksFor(n),
                THREADS, Pointer.to(d.ptr()), Pointer.to(new int[] {layout.offset()}), Pointer.to(new int[] {n}),
                Pointer.to(new long[] {seed}), Pointer.to(new long[] {offset}));
    }

    @Override
    public void unary(UnaryOp op, Storage x, Layout xLayout, Storage out, Layout outLayout, double p0, double p1) {
        CudaStorage s = cuda(x), d = cuda(out);
        elementwise(CudaModule.ELEMENTWISE, op.cudaSymbol(s.dtype), outLayout.shape(), new CudaStorage[] {s, d},
                new Layout[] {xLayout, outLayout}, Pointer.to(new double[] {p0}), Pointer.to(new double[] {p1}));
    }

    @Override
    public void binary(BinaryOp op, Storage a, Layout aLayout, Storage b, Layout bLayout, Storage out,
                       Layout outLayout) {
        CudaStorage sa = cuda(a), sb = cuda(b), d = cuda(out);
        elementwise(CudaModule.ELEMENTWISE, op.cudaSymbol(sa.dtype), outLayout.shape(), new CudaStorage[] {sa, sb, d},
                new Layout[] {aLayout, bLayout, outLayout});
    }

    @Override
    public void where(Storage cond, Layout condLayout, Storage a, Layout aLayout, Storage b, Layout bLayout,
                      Storage out, Layout outLayout) {
        CudaStorage c = cuda(cond), sa = cuda(a), sb = cuda(b), d = cuda(out);
        elementwise(CudaModule.ELEMENTWISE, "where_" + sfx(d.dtype), outLayout.shape(),
                new CudaStorage[] {c, sa, sb, d}, new Layout[] {condLayout, aLayout, bLayout, outLayout});
    }

    /** The data operand over the index's shape, stride 0 along dim (the kernel adds index * stride(dim)). */
    private static Layout alongIndex(Layout data, Layout index, int dim) {
        int[] strides = data.strides().clone();
        strides[dim] = 0;
        return new Layout(index.shape(), strides, data.offset());
    }

    @Override
    public void gather(Storage x, Layout xLayout, int dim, Storage index, Layout indexLayout, Storage out,
                       Layout outLayout) {
        CudaStorage sx = cuda(x), si = cuda(index), d = cuda(out);
        elementwise(CudaModule.INDEX, "gather_" + sfx(sx.dtype), indexLayout.shape(), new CudaStorage[] {sx, si, d},
                new Layout[] {alongIndex(xLayout, indexLayout, dim), indexLayout, outLayout},
                Pointer.to(new int[] {xLayout.strides()[dim]}), Pointer.to(new int[] {xLayout.shape()[dim]}));
    }

    @Override
    public void scatterAdd(Storage src, Layout srcLayout, int dim, Storage index, Layout indexLayout, Storage out,
                           Layout outLayout) {
        CudaStorage ss = cuda(src), si = cuda(index), d = cuda(out);
        if (d.dtype == DType.BOOL) { // no atomic on bytes: accumulate in int64, then "!= 0" (logical or)
            int[] shape = outLayout.shape();
            Layout full = Layout.contiguous(shape);
            Layout srcOver = new Layout(indexLayout.shape(), srcLayout.strides(), srcLayout.offset());
            Layout idxFull = Layout.contiguous(indexLayout.shape());
            try (CudaStorage acc = new CudaStorage(d.owner, DType.INT64, full.numel());
                 CudaStorage src64 = new CudaStorage(d.owner, DType.INT64, idxFull.numel())) {
                copy(d, outLayout, acc, full);
                copy(ss, srcOver, src64, idxFull);
                scatterAdd(src64, idxFull, dim, si, indexLayout, acc, full);
                copy(acc, full, d, outLayout);
            }
            return;
        }
        elementwise(CudaModule.INDEX, "scatter_add_" + sfx(d.dtype), indexLayout.shape(),
                new CudaStorage[] {ss, si, d},
                new Layout[] {new Layout(indexLayout.shape(), srcLayout.strides(), srcLayout.offset()), indexLayout,
                    alongIndex(outLayout, indexLayout, dim)},
                Pointer.to(new int[] {outLayout.strides()[dim]}), Pointer.to(new int[] {outLayout.shape()[dim]}));
    }

    /** The geometry arguments of the conv module's kernels, after (ptr, offset) pairs and the thread count. */
    private static Pointer[] windowArgs(Window2d g) {
        return new Pointer[] {Pointer.to(new int[] {g.height()}), Pointer.to(new int[] {g.width()}),
            Pointer.to(new int[] {g.kernelH()}), Pointer.to(new int[] {g.kernelW()}),
            Pointer.to(new int[] {g.strideH()}), Pointer.to(new int[] {g.strideW()}),
            Pointer.to(new int[] {g.padTop()}), Pointer.to(new int[] {g.padLeft()}),
            Pointer.to(new int[] {g.dilationH()}), Pointer.to(new int[] {g.dilationW()}),
            Pointer.to(new int[] {g.outH()}), Pointer.to(new int[] {g.outW()})};
    }

    private static void launchWindow(String kernel, CudaStorage in, Layout inLayout, CudaStorage out,
                                     Layout outLayout, Window2d g, Pointer... extra) {
        int n = outLayout.numel();
        if (n == 0) {
            return;
        }
        Pointer[] geometry = windowArgs(g);
        Pointer[] args = new Pointer[5 + geometry.length + extra.length];
        args[0] = Pointer.to(in.ptr());
        args[1] = Pointer.to(new int[] {inLayout.offset()});
        args[2] = Pointer.to(out.ptr());
        args[3] = Pointer.to(new int[] {outLayout.offset()});
        args[4] = Pointer.to(new int[] {n});
        System.arraycopy(geometry, 0, args, 5, geometry.length);
        System.arraycopy(extra, 0, args, 5 + geometry.length, extra.length);
        out.owner.makeCurrent();
        out.owner.launch(CudaModule.CONV, kernel + "_" + sfx(out.dtype), out.owner.blocksFor(n), THREADS, args);
    }

    @Override
    public void im2col(Storage x, Layout xLayout, Window2d window, double padValue, Storage out, Layout outLayout) {
        launchWindow("im2col", cuda(x), xLayout, cuda(out), outLayout, window,
                Pointer.to(new double[] {padValue}));
    }

    @Override
    public void col2im(Storage cols, Layout colsLayout, Window2d window, Storage out, Layout outLayout) {
        launchWindow("col2im", cuda(cols), colsLayout, cuda(out), outLayout, window);
    }

    @Override
    public void maxPool2d(Storage x, Layout xLayout, Window2d window, Storage out, Layout outLayout, Storage taps,
                          Layout tapsLayout) {
        CudaStorage t = cuda(taps);
        launchWindow("max_pool2d", cuda(x), xLayout, cuda(out), outLayout, window, Pointer.to(t.ptr()),
                Pointer.to(new int[] {tapsLayout.offset()}));
    }

    @Override
    public boolean normForward(NormShape shape, Storage x, int xOffset, Storage weight, Storage bias, double eps,
                               Storage out, Storage mean, Storage rstd, Storage var) {
        CudaNorms.forward(shape, x, xOffset, weight, bias, eps, out, mean, rstd, var);
        return true;
    }

    @Override
    public boolean normBackward(NormShape shape, Storage grad, int gradOffset, Storage x, int xOffset, Storage mean,
                                Storage rstd, Storage weight, Storage dx, Storage dweight, Storage dbias) {
        if (shape.rows() == 0 || shape.rowLength() == 0) {
            for (Storage z : new Storage[] {dweight, dbias}) {
                if (z != null) {
                    fill(z, Layout.contiguous(new int[] {shape.c()}), 0);
                }
            }
            return true;
        }
        CudaNorms.backward(shape, grad, gradOffset, x, xOffset, mean, rstd, weight, dx, dweight, dbias);
        return true;
    }

    @Override
    public boolean softmaxBackward(boolean log, Storage y, int yOffset, Storage grad, int gradOffset, Storage out,
                                   int rows, int n) {
        CudaStorage o = cuda(out);
        o.owner.makeCurrent();
        o.owner.launch(CudaModule.SOFTMAX, "softmax_backward_" + sfx(o.dtype), rows, THREADS,
                Pointer.to(cuda(y).ptr()), Pointer.to(new int[] {yOffset}), Pointer.to(cuda(grad).ptr()),
                Pointer.to(new int[] {gradOffset}), Pointer.to(o.ptr()), Pointer.to(new int[] {rows}),
                Pointer.to(new int[] {n}), Pointer.to(new int[] {log ? 1 : 0}));
        return true;
    }

    @Override
    public void maxPool2dBackward(Storage grad, Layout gradLayout, Storage taps, Layout tapsLayout, Window2d window,
                                  Storage out, Layout outLayout) {
        CudaStorage g = cuda(grad), t = cuda(taps), o = cuda(out);
        fill(o, outLayout, 0); // the kernel adds (atomically: windows may overlap)
        launchWindow("max_pool2d_backward", g, gradLayout, o, outLayout, window, Pointer.to(t.ptr()),
                Pointer.to(new int[] {tapsLayout.offset()}), Pointer.to(new int[] {gradLayout.numel()}));
    }

    @Override
    public void scatterReduce(ReduceOp op, Storage src, Layout srcLayout, int dim, Storage index, Layout indexLayout,
                              Storage out, Layout outLayout) {
        if (op != ReduceOp.MAX && op != ReduceOp.MIN) {
            throw new IllegalArgumentException("scatterReduce serves MAX and MIN, not " + op);
        }
        CudaStorage ss = cuda(src), si = cuda(index), d = cuda(out);
        if (d.dtype == DType.BOOL) {
            throw new IllegalArgumentException("scatterReduce serves FLOAT32, FLOAT64 and INT64, not BOOL");
        }
        elementwise(CudaModule.SCATTER, "scatter_" + (op == ReduceOp.MAX ? "amax_" : "amin_") + sfx(d.dtype),
                indexLayout.shape(), new CudaStorage[] {ss, si, d},
                new Layout[] {new Layout(indexLayout.shape(), srcLayout.strides(), srcLayout.offset()), indexLayout,
                    alongIndex(outLayout, indexLayout, dim)},
                Pointer.to(new int[] {outLayout.strides()[dim]}), Pointer.to(new int[] {outLayout.shape()[dim]}));
    }

    @Override
    public void sort(Storage x, Layout xLayout, boolean descending, Storage values, Layout valuesLayout,
                     Storage indices, Layout indicesLayout) {
        CudaStorage sx = cuda(x), sv = cuda(values), si = cuda(indices);
        int total = xLayout.numel();
        if (total == 0) {
            return;
        }
        int n = xLayout.shape()[xLayout.rank() - 1], rows = total / n;
        CudaDevice dev = sx.owner;
        Layout flat = Layout.contiguous(xLayout.shape());
        int chunk = Integer.highestOneBit(Math.max(1, Math.min(n, SORT_CHUNK) * 2 - 1)); // power of two >= n
        int segments = rows * ((n + chunk - 1) / chunk);
        boolean plainV = plain(valuesLayout), plainI = plain(indicesLayout);
        try (CudaStorage xc = plain(xLayout) ? null : new CudaStorage(dev, sx.dtype, total);
             CudaStorage keys = new CudaStorage(dev, DType.INT64, total);
             CudaStorage pos = new CudaStorage(dev, DType.INT64, total);
             CudaStorage keys2 = n > chunk ? new CudaStorage(dev, DType.INT64, total) : null;
             CudaStorage pos2 = n > chunk ? new CudaStorage(dev, DType.INT64, total) : null;
             CudaStorage vc = plainV ? null : new CudaStorage(dev, sv.dtype, total);
             CudaStorage ic = plainI ? null : new CudaStorage(dev, DType.INT64, total)) {
            CudaStorage in = xc == null ? sx : xc;
            if (xc != null) {
                copy(sx, xLayout, xc, flat);
            }
            dev.makeCurrent();
            dev.launch(CudaModule.SORT, "sort_chunks_" + sfx(sx.dtype), dev.blocksForRows(segments, false),
                    Math.max(32, Math.min(THREADS, chunk / 2)), Pointer.to(in.ptr()), Pointer.to(new int[] {rows}),
                    Pointer.to(new int[] {n}), Pointer.to(new int[] {chunk}),
                    Pointer.to(new int[] {descending ? 1 : 0}), Pointer.to(keys.ptr()), Pointer.to(pos.ptr()));
            CudaStorage k = keys, p = pos, k2 = keys2, p2 = pos2;
            for (long width = chunk; width < n; width *= 2) {
                dev.launch(CudaModule.SORT, "sort_merge_pass", dev.blocksFor(total), THREADS, Pointer.to(k.ptr()),
                        Pointer.to(p.ptr()), Pointer.to(k2.ptr()), Pointer.to(p2.ptr()), Pointer.to(new int[] {rows}),
                        Pointer.to(new int[] {n}), Pointer.to(new int[] {(int) width}));
                CudaStorage t = k;
                k = k2;
                k2 = t;
                t = p;
                p = p2;
                p2 = t;
            }
            CudaStorage vOut = plainV ? sv : vc, iOut = plainI ? si : ic;
            dev.launch(CudaModule.SORT, "sort_gather_" + sfx(sx.dtype), dev.blocksFor(total), THREADS,
                    Pointer.to(in.ptr()), Pointer.to(p.ptr()), Pointer.to(new int[] {rows}), Pointer.to(new int[] {n}),
                    Pointer.to(vOut.ptr()), Pointer.to(iOut.ptr()));
            if (!plainV) {
                copy(vc, flat, sv, valuesLayout);
            }
            if (!plainI) {
                copy(ic, flat, si, indicesLayout);
            }
        }
    }

    /** Contiguous from element 0: a kernel may take the storage's pointer as the tensor's. */
    private static boolean plain(Layout layout) {
        return layout.isContiguous() && layout.offset() == 0;
    }

    @Override
    public void reduce(ReduceOp op, Storage x, Layout xLayout, int reducedDims, Storage out, Layout outLayout,
                       Storage indices, Layout indicesLayout) {
        CudaStorage sx = cuda(x), so = cuda(out), si = indices == null ? null : cuda(indices);
        int rank = xLayout.rank(), kr = rank - reducedDims;
        int[] shape = xLayout.shape(), strides = xLayout.strides();
        int[] keptShape = Arrays.copyOf(shape, kr), redShape = Arrays.copyOfRange(shape, kr, rank);
        int outer = 1, inner = 1;
        for (int v : keptShape) {
            outer *= v;
        }
        for (int v : redShape) {
            inner *= v;
        }
        if (outer == 0) {
            return;
        }
        if (inner == 0) {
            if (op != ReduceOp.SUM) {
                throw new IllegalArgumentException(op.kernelName() + "(): cannot reduce an empty dim");
            }
            fill(out, outLayout, 0.0);
            return;
        }
        Layout xRed = new Layout(redShape, Arrays.copyOfRange(strides, kr, rank), 0);
        List<CudaLayouts.Packed> red = CudaLayouts.pack(redShape, xRed);
        if (red.size() != 1) { // more than 8 reduced dims that do not merge: reduce a contiguous copy
            try (CudaStorage tmp = new CudaStorage(sx.owner, sx.dtype, xLayout.numel())) {
                Layout c = Layout.contiguous(shape);
                copy(sx, xLayout, tmp, c);
                reduce(op, tmp, c, reducedDims, out, outLayout, indices, indicesLayout);
            }
            return;
        }
        Layout xKept = new Layout(keptShape, Arrays.copyOf(strides, kr), xLayout.offset());
        Layout il = si == null ? outLayout : indicesLayout;
        CudaDevice d = so.owner;
        d.makeCurrent();
        CudaLayouts.Packed r = red.get(0);
        boolean warpMode = inner <= WARP_ROW_MAX
                || (inner <= WARP_ROW_MAX_MANY_ROWS && outer >= (long) MANY_ROWS_PER_SM * d.multiprocessors);
        String kernel = op.cudaSymbol(sx.dtype);
        for (CudaLayouts.Packed k : CudaLayouts.pack(keptShape, xKept, outLayout, il)) {
            d.launch(CudaModule.REDUCE, kernel, d.blocksForRows(k.numel(), warpMode), THREADS,
                    Pointer.to(sx.ptr()), Pointer.to(k.strides()[0]), Pointer.to(r.strides()[0]),
                    Pointer.to(k.shape()), Pointer.to(r.shape()),
                    Pointer.to(so.ptr()), Pointer.to(k.strides()[1]),
                    Pointer.to(si == null ? new CUdeviceptr() : si.ptr()), Pointer.to(k.strides()[2]),
                    Pointer.to(new int[] {warpMode ? 1 : 0}));
        }
    }

    /** One fused kernel: a warp per row for rows up to {@value #SOFTMAX_WARP_ROW_MAX} elements, a block above. */
    @Override
    public void softmax(boolean log, Storage x, Layout xLayout, Storage out, Layout outLayout) {
        CudaStorage sx = cuda(x), so = cuda(out);
        int rank = xLayout.rank();
        if (xLayout.numel() == 0) {
            return;
        }
        int n = xLayout.shape()[rank - 1];
        int[] kept = Arrays.copyOf(xLayout.shape(), rank - 1);
        Layout xRows = new Layout(kept, Arrays.copyOf(xLayout.strides(), rank - 1), xLayout.offset());
        Layout outRows = new Layout(kept, Arrays.copyOf(outLayout.strides(), rank - 1), outLayout.offset());
        CudaDevice d = so.owner;
        d.makeCurrent();
        boolean warpMode = n <= SOFTMAX_WARP_ROW_MAX;
        int xs = xLayout.strides()[rank - 1], os = outLayout.strides()[rank - 1];
        for (CudaLayouts.Packed k : CudaLayouts.pack(kept, xRows, outRows)) {
            d.launch(CudaModule.REDUCE, "softmax_" + sfx(sx.dtype), d.blocksForRows(k.numel(), warpMode), THREADS,
                    Pointer.to(sx.ptr()), Pointer.to(k.strides()[0]), Pointer.to(new int[] {xs}),
                    Pointer.to(so.ptr()), Pointer.to(k.strides()[1]), Pointer.to(new int[] {os}),
                    Pointer.to(k.shape()), Pointer.to(new int[] {n}), Pointer.to(new int[] {log ? 1 : 0}),
                    Pointer.to(new int[] {warpMode ? 1 : 0}));
        }
    }

    @Override
    public void matmul(Storage a, Layout aLayout, Storage b, Layout bLayout, Storage out, Layout outLayout) {
        CudaStorage sa = cuda(a), sb = cuda(b), so = cuda(out);
        int batches = aLayout.shape()[0], m = aLayout.shape()[1], k = aLayout.shape()[2], n = bLayout.shape()[2];
        if (batches == 0 || m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            fill(out, outLayout, 0.0);
            return;
        }
        so.owner.gemm().matmul(so.dtype, batches, m, n, k, sa.ptr(), aLayout.offset(), aLayout.strides(), sb.ptr(),
                bLayout.offset(), bLayout.strides(), so.ptr(), outLayout.offset(), outLayout.strides());
    }

    /** Reduces the flags on the device into one byte of the device's check slots, read at its next synchronization. */
    @Override
    public void assertNoneSet(Storage flags, Layout layout, Supplier<? extends RuntimeException> failure) {
        CudaStorage f = cuda(flags);
        if (layout.numel() == 0) {
            return;
        }
        CudaDevice d = f.owner;
        int slot = d.reserveAssertSlot(failure);
        reduce(ReduceOp.MAX, f, layout, layout.rank(), d.assertFlags(), new Layout(new int[0], new int[0], slot), null,
                null);
    }

    @Override
    public void synchronize(Device device) {
        if (device.isCuda() && isAvailable()) {
            device(device.index()).synchronize();
        }
    }
}
