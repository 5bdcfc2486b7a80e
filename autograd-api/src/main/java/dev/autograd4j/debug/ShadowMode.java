package dev.autograd4j.debug;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.spi.Backend;
import dev.autograd4j.spi.Backends;
import dev.autograd4j.spi.BinaryOp;
import dev.autograd4j.spi.Decorators;
import dev.autograd4j.spi.Layout;
import dev.autograd4j.spi.ReduceOp;
import dev.autograd4j.spi.Storage;
import dev.autograd4j.spi.UnaryOp;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Optional;

/**
 * Shadow mode: inside {@code try (var s = ShadowMode.open()) { ... }} every kernel on a non-CPU tensor also
 * runs on the CPU backend over host copies of its inputs, and the first kernel whose result differs beyond
 * tolerance fails at once with a {@link ShadowMismatchException} naming the op that ran it, the kernel, the
 * shapes and the largest difference. It is how to find a wrong GPU kernel: slow (every op goes through the
 * host), for debugging only.
 *
 * <p>While open it is installed as a decorating backend over each non-CPU backend ({@link Decorators}); ops
 * never ask for it otherwise. It checks the kernels of the thread that opened it (other threads' kernels pass
 * straight through), and one thread at a time may hold it open.
 */
public final class ShadowMode implements AutoCloseable {
    private static final Object LOCK = new Object();
    private static Thread owner;

    private final Thread thread = Thread.currentThread();
    private final double rtol;
    private final double atol;
    private final Decorators.Installation[] installations;

    private ShadowMode(double rtol, double atol) {
        this.rtol = rtol;
        this.atol = atol;
        synchronized (LOCK) {
            if (owner != null) {
                throw new IllegalStateException("shadow mode is already open on thread " + owner.getName());
            }
            owner = thread;
        }
        Backend cpu = Backends.forDevice(Device.CPU);
        Device.Type[] types = Device.Type.values();
        installations = new Decorators.Installation[types.length];
        for (Device.Type type : types) {
            if (type != Device.Type.CPU && Backends.isAvailable(type)) {
                Device first = type == Device.Type.CUDA ? Device.cuda(0) : null;
                installations[type.ordinal()] = Decorators.install(type,
                        new ShadowBackend(Backends.forDevice(first), cpu, this));
            }
        }
    }

    /**
     * Opens shadow mode with the default tolerances: float32 results within 1e-4 relative + 1e-5 absolute
     * (float64: 1e-9 and 1e-12).
     *
     * @return the open mode; close it to stop shadowing
     * @throws IllegalStateException when another thread holds shadow mode open
     */
    public static ShadowMode open() {
        return new ShadowMode(Double.NaN, Double.NaN);
    }

    /**
     * Opens shadow mode with explicit tolerances: |device - cpu| &lt;= atol + rtol * |cpu|.
     *
     * @param rtol the relative tolerance
     * @param atol the absolute tolerance
     * @return the open mode; close it to stop shadowing
     * @throws IllegalStateException when another thread holds shadow mode open
     */
    public static ShadowMode open(double rtol, double atol) {
        return new ShadowMode(rtol, atol);
    }

    /** Uninstalls the shadowing backends. */
    @Override
    public void close() {
        for (int i = installations.length - 1; i >= 0; i--) {
            if (installations[i] != null) {
                installations[i].close();
            }
        }
        synchronized (LOCK) {
            owner = null;
        }
    }

    /** A result on the device that the CPU backend computes differently. */
    public static final class ShadowMismatchException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        ShadowMismatchException(String message) {
            super(message);
        }
    }

    /** {@code primary} shadowed by the CPU backend under this mode's tolerances (package-private for tests). */
    Backend shadowing(Backend primary) {
        return new ShadowBackend(primary, Backends.forDevice(Device.CPU), this);
    }

    /** Compares a device result with the CPU's and throws on the first element beyond tolerance. */
    void compare(String kernel, Layout[] inputs, Object device, Object cpu, DType dtype) {
        double[] d = toDoubles(device), c = toDoubles(cpu);
        double r = Double.isNaN(rtol) ? (dtype == DType.FLOAT64 ? 1e-9 : 1e-4) : rtol;
        double a = Double.isNaN(atol) ? (dtype == DType.FLOAT64 ? 1e-12 : 1e-5) : atol;
        double worst = 0;
        int at = -1;
        for (int i = 0; i < d.length; i++) {
            boolean bothNaN = Double.isNaN(d[i]) && Double.isNaN(c[i]);
            double diff = bothNaN || d[i] == c[i] ? 0 : Math.abs(d[i] - c[i]);
            if (Double.isNaN(diff) || diff > a + r * Math.abs(c[i])) {
                if (at < 0 || Double.isNaN(diff) || diff > worst) {
                    worst = Double.isNaN(diff) ? Double.NaN : diff;
                    at = i;
                }
            }
        }
        if (at >= 0) {
            StringBuilder shapes = new StringBuilder();
            for (Layout l : inputs) {
                shapes.append(shapes.length() == 0 ? "" : ", ").append(Arrays.toString(l.shape()));
            }
            throw new ShadowMismatchException(callingOp() + ": device result differs from the CPU's in kernel "
                    + kernel + " (inputs " + shapes + ", " + dtype + "): max difference " + worst + " at element " + at
                    + " (device " + d[at] + ", cpu " + c[at] + ")");
        }
    }

    /** The public op whose kernel failed: the innermost public method of a class of the tensor API. */
    private static String callingOp() {
        Optional<String> op = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(frames -> frames
                .filter(f -> f.getDeclaringClass().getPackageName().equals("dev.autograd4j")
                        && isPublic(f.getDeclaringClass(), f.getMethodName()))
                .map(f -> f.getDeclaringClass().getSimpleName() + "." + f.getMethodName())
                .findFirst());
        return op.orElse("a kernel called outside the tensor API");
    }

    private static boolean isPublic(Class<?> type, String method) {
        return Modifier.isPublic(type.getModifiers()) && Arrays.stream(type.getDeclaredMethods())
                .anyMatch(m -> m.getName().equals(method) && Modifier.isPublic(m.getModifiers()));
    }

    private static double[] toDoubles(Object array) {
        if (array instanceof double[] d) {
            return d;
        }
        int n = java.lang.reflect.Array.getLength(array);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            Object v = java.lang.reflect.Array.get(array, i);
            out[i] = v instanceof Boolean b ? (b ? 1 : 0) : ((Number) v).doubleValue();
        }
        return out;
    }

    /** Runs each kernel on the primary backend and again on the CPU over host copies, then compares. */
    private static final class ShadowBackend implements Backend {
        private final Backend primary;
        private final Backend cpu;
        private final ShadowMode mode;

        ShadowBackend(Backend primary, Backend cpu, ShadowMode mode) {
            this.primary = primary;
            this.cpu = cpu;
            this.mode = mode;
        }

        /** A CPU copy of a whole storage, so the CPU kernel can read it through the same layout. */
        private Storage onCpu(Storage s) {
            Object host = primary.toHost(s, Layout.contiguous(new int[] {s.size()}));
            return cpu.fromHost(Device.CPU, s.dtype(), host);
        }

        /** Only the kernels of the thread that opened the mode are shadowed. */
        private boolean shadowed() {
            return Thread.currentThread() == mode.thread;
        }

        private void check(String kernel, Storage out, Layout outLayout, Storage cpuOut, Layout[] inputs) {
            primary.synchronize(out.device());
            mode.compare(kernel, inputs, primary.toHost(out, outLayout), cpu.toHost(cpuOut, outLayout), out.dtype());
        }

        @Override
        public Device.Type deviceType() {
            return primary.deviceType();
        }

        @Override
        public boolean isAvailable() {
            return primary.isAvailable();
        }

        @Override
        public int deviceCount() {
            return primary.deviceCount();
        }

        @Override
        public String describe() {
            return primary.describe() + " (shadowed by cpu)";
        }

        @Override
        public Storage allocate(Device device, DType dtype, int size) {
            return primary.allocate(device, dtype, size);
        }

        @Override
        public Storage fromHost(Device device, DType dtype, Object array) {
            return primary.fromHost(device, dtype, array);
        }

        @Override
        public Object toHost(Storage storage, Layout layout) {
            return primary.toHost(storage, layout);
        }

        @Override
        public void copy(Storage src, Layout srcLayout, Storage dst, Layout dstLayout) {
            if (!shadowed()) {
                primary.copy(src, srcLayout, dst, dstLayout);
                return;
            }
            Storage cpuSrc = onCpu(src), cpuDst = src == dst ? cpuSrc : onCpu(dst);
            primary.copy(src, srcLayout, dst, dstLayout);
            cpu.copy(cpuSrc, srcLayout, cpuDst, dstLayout);
            check("copy", dst, dstLayout, cpuDst, new Layout[] {srcLayout});
        }

        @Override
        public void fill(Storage dst, Layout layout, double value) {
            if (!shadowed()) {
                primary.fill(dst, layout, value);
                return;
            }
            Storage cpuDst = onCpu(dst);
            primary.fill(dst, layout, value);
            cpu.fill(cpuDst, layout, value);
            check("fill", dst, layout, cpuDst, new Layout[0]);
        }

        @Override
        public void arange(Storage dst, Layout layout, double start, double step) {
            if (!shadowed()) {
                primary.arange(dst, layout, start, step);
                return;
            }
            Storage cpuDst = onCpu(dst);
            primary.arange(dst, layout, start, step);
            cpu.arange(cpuDst, layout, start, step);
            check("arange", dst, layout, cpuDst, new Layout[0]);
        }

        @Override
        public void random(boolean normal, Storage dst, Layout layout, long seed, long offset) {
            if (!shadowed()) {
                primary.random(normal, dst, layout, seed, offset);
                return;
            }
            Storage cpuDst = onCpu(dst);
            primary.random(normal, dst, layout, seed, offset);
            cpu.random(normal, cpuDst, layout, seed, offset);
            check(normal ? "randn" : "rand", dst, layout, cpuDst, new Layout[0]);
        }

        @Override
        public void unary(UnaryOp op, Storage x, Layout xLayout, Storage out, Layout outLayout, double p0,
                          double p1) {
            if (!shadowed()) {
                primary.unary(op, x, xLayout, out, outLayout, p0, p1);
                return;
            }
            Storage cpuX = onCpu(x), cpuOut = x == out ? cpuX : onCpu(out);
            primary.unary(op, x, xLayout, out, outLayout, p0, p1);
            cpu.unary(op, cpuX, xLayout, cpuOut, outLayout, p0, p1);
            check("u" + op.kernelName(), out, outLayout, cpuOut, new Layout[] {xLayout});
        }

        @Override
        public void binary(BinaryOp op, Storage a, Layout aLayout, Storage b, Layout bLayout, Storage out,
                           Layout outLayout) {
            if (!shadowed()) {
                primary.binary(op, a, aLayout, b, bLayout, out, outLayout);
                return;
            }
            Storage cpuA = onCpu(a), cpuB = b == a ? cpuA : onCpu(b);
            Storage cpuOut = out == a ? cpuA : out == b ? cpuB : onCpu(out);
            primary.binary(op, a, aLayout, b, bLayout, out, outLayout);
            cpu.binary(op, cpuA, aLayout, cpuB, bLayout, cpuOut, outLayout);
            check("b" + op.kernelName(), out, outLayout, cpuOut, new Layout[] {aLayout, bLayout});
        }

        @Override
        public void where(Storage cond, Layout condLayout, Storage a, Layout aLayout, Storage b, Layout bLayout,
                          Storage out, Layout outLayout) {
            if (!shadowed()) {
                primary.where(cond, condLayout, a, aLayout, b, bLayout, out, outLayout);
                return;
            }
            Storage cpuCond = onCpu(cond), cpuA = onCpu(a), cpuB = onCpu(b), cpuOut = onCpu(out);
            primary.where(cond, condLayout, a, aLayout, b, bLayout, out, outLayout);
            cpu.where(cpuCond, condLayout, cpuA, aLayout, cpuB, bLayout, cpuOut, outLayout);
            check("where", out, outLayout, cpuOut, new Layout[] {condLayout, aLayout, bLayout});
        }

        @Override
        public void reduce(ReduceOp op, Storage x, Layout xLayout, int reducedDims, Storage out, Layout outLayout,
                           Storage indices, Layout indicesLayout) {
            if (!shadowed()) {
                primary.reduce(op, x, xLayout, reducedDims, out, outLayout, indices, indicesLayout);
                return;
            }
            Storage cpuX = onCpu(x), cpuOut = onCpu(out), cpuIndices = indices == null ? null : onCpu(indices);
            primary.reduce(op, x, xLayout, reducedDims, out, outLayout, indices, indicesLayout);
            cpu.reduce(op, cpuX, xLayout, reducedDims, cpuOut, outLayout, cpuIndices, indicesLayout);
            check("r" + op.kernelName(), out, outLayout, cpuOut, new Layout[] {xLayout});
            if (indices != null) {
                check("r" + op.kernelName() + " indices", indices, indicesLayout, cpuIndices, new Layout[] {xLayout});
            }
        }

        @Override
        public void softmax(boolean log, Storage x, Layout xLayout, Storage out, Layout outLayout) {
            if (!shadowed()) {
                primary.softmax(log, x, xLayout, out, outLayout);
                return;
            }
            Storage cpuX = onCpu(x), cpuOut = x == out ? cpuX : onCpu(out);
            primary.softmax(log, x, xLayout, out, outLayout);
            cpu.softmax(log, cpuX, xLayout, cpuOut, outLayout);
            check(log ? "log_softmax" : "softmax", out, outLayout, cpuOut, new Layout[] {xLayout});
        }

        @Override
        public void gather(Storage x, Layout xLayout, int dim, Storage index, Layout indexLayout, Storage out,
                           Layout outLayout) {
            if (!shadowed()) {
                primary.gather(x, xLayout, dim, index, indexLayout, out, outLayout);
                return;
            }
            Storage cpuX = onCpu(x), cpuIndex = onCpu(index), cpuOut = onCpu(out);
            primary.gather(x, xLayout, dim, index, indexLayout, out, outLayout);
            cpu.gather(cpuX, xLayout, dim, cpuIndex, indexLayout, cpuOut, outLayout);
            check("gather", out, outLayout, cpuOut, new Layout[] {xLayout, indexLayout});
        }

        @Override
        public void scatterAdd(Storage src, Layout srcLayout, int dim, Storage index, Layout indexLayout, Storage out,
                               Layout outLayout) {
            if (!shadowed()) {
                primary.scatterAdd(src, srcLayout, dim, index, indexLayout, out, outLayout);
                return;
            }
            Storage cpuSrc = onCpu(src), cpuIndex = onCpu(index), cpuOut = onCpu(out);
            primary.scatterAdd(src, srcLayout, dim, index, indexLayout, out, outLayout);
            cpu.scatterAdd(cpuSrc, srcLayout, dim, cpuIndex, indexLayout, cpuOut, outLayout);
            check("scatter_add", out, outLayout, cpuOut, new Layout[] {srcLayout, indexLayout});
        }

        @Override
        public void matmul(Storage a, Layout aLayout, Storage b, Layout bLayout, Storage out, Layout outLayout) {
            if (!shadowed()) {
                primary.matmul(a, aLayout, b, bLayout, out, outLayout);
                return;
            }
            Storage cpuA = onCpu(a), cpuB = onCpu(b), cpuOut = onCpu(out);
            primary.matmul(a, aLayout, b, bLayout, out, outLayout);
            cpu.matmul(cpuA, aLayout, cpuB, bLayout, cpuOut, outLayout);
            check("matmul", out, outLayout, cpuOut, new Layout[] {aLayout, bLayout});
        }

        @Override
        public void synchronize(Device device) {
            primary.synchronize(device);
        }
    }
}
