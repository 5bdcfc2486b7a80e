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
import dev.autograd4j.spi.Window2d;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
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

        /** One kernel call, made on the primary backend or on the CPU backend over the given storages. */
        @FunctionalInterface
        private interface Call {
            void run(Backend backend, Storage[] storages);
        }

        /**
         * Runs {@code call} on the primary backend and, for the thread that opened the mode, also on the CPU over
         * copies of the storages taken before the primary writes (the same storage twice gives one copy, so
         * in-place calls stay in place).
         *
         * @return the CPU copies, in the order of {@code storages}, or null when this thread is not shadowed
         */
        private Storage[] run(Storage[] storages, Call call) {
            if (Thread.currentThread() != mode.thread) {
                call.run(primary, storages);
                return null;
            }
            Map<Storage, Storage> copies = new IdentityHashMap<>();
            Storage[] onCpu = new Storage[storages.length];
            for (int i = 0; i < storages.length; i++) {
                Storage s = storages[i];
                onCpu[i] = s == null ? null : copies.computeIfAbsent(s, k -> cpu.fromHost(Device.CPU, k.dtype(),
                        primary.toHost(k, Layout.contiguous(new int[] {k.size()}))));
            }
            call.run(primary, storages);
            call.run(cpu, onCpu);
            return onCpu;
        }

        /** {@link #run}, then the device's result in storage {@code out} compared with the CPU's. */
        private void runAndCheck(String kernel, Storage[] storages, int out, Layout outLayout, Layout[] inputs,
                                 Call call) {
            Storage[] onCpu = run(storages, call);
            if (onCpu != null) {
                check(kernel, storages[out], outLayout, onCpu[out], inputs);
            }
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
            runAndCheck("copy", new Storage[] {src, dst}, 1, dstLayout, new Layout[] {srcLayout},
                    (b, s) -> b.copy(s[0], srcLayout, s[1], dstLayout));
        }

        @Override
        public void fill(Storage dst, Layout layout, double value) {
            runAndCheck("fill", new Storage[] {dst}, 0, layout, new Layout[0], (b, s) -> b.fill(s[0], layout, value));
        }

        @Override
        public void arange(Storage dst, Layout layout, double start, double step) {
            runAndCheck("arange", new Storage[] {dst}, 0, layout, new Layout[0],
                    (b, s) -> b.arange(s[0], layout, start, step));
        }

        @Override
        public void random(boolean normal, Storage dst, Layout layout, long seed, long offset) {
            runAndCheck(normal ? "randn" : "rand", new Storage[] {dst}, 0, layout, new Layout[0],
                    (b, s) -> b.random(normal, s[0], layout, seed, offset));
        }

        @Override
        public void unary(UnaryOp op, Storage x, Layout xLayout, Storage out, Layout outLayout, double p0,
                          double p1) {
            runAndCheck("u" + op.kernelName(), new Storage[] {x, out}, 1, outLayout, new Layout[] {xLayout},
                    (b, s) -> b.unary(op, s[0], xLayout, s[1], outLayout, p0, p1));
        }

        @Override
        public void binary(BinaryOp op, Storage a, Layout aLayout, Storage b, Layout bLayout, Storage out,
                           Layout outLayout) {
            runAndCheck("b" + op.kernelName(), new Storage[] {a, b, out}, 2, outLayout, new Layout[] {aLayout, bLayout},
                    (be, s) -> be.binary(op, s[0], aLayout, s[1], bLayout, s[2], outLayout));
        }

        @Override
        public void where(Storage cond, Layout condLayout, Storage a, Layout aLayout, Storage b, Layout bLayout,
                          Storage out, Layout outLayout) {
            runAndCheck("where", new Storage[] {cond, a, b, out}, 3, outLayout,
                    new Layout[] {condLayout, aLayout, bLayout},
                    (be, s) -> be.where(s[0], condLayout, s[1], aLayout, s[2], bLayout, s[3], outLayout));
        }

        @Override
        public void reduce(ReduceOp op, Storage x, Layout xLayout, int reducedDims, Storage out, Layout outLayout,
                           Storage indices, Layout indicesLayout) {
            Storage[] storages = {x, out, indices};
            Storage[] onCpu = run(storages,
                    (b, s) -> b.reduce(op, s[0], xLayout, reducedDims, s[1], outLayout, s[2], indicesLayout));
            if (onCpu != null) {
                Layout[] inputs = {xLayout};
                check("r" + op.kernelName(), out, outLayout, onCpu[1], inputs);
                if (indices != null) {
                    check("r" + op.kernelName() + " indices", indices, indicesLayout, onCpu[2], inputs);
                }
            }
        }

        @Override
        public void softmax(boolean log, Storage x, Layout xLayout, Storage out, Layout outLayout) {
            runAndCheck(log ? "log_softmax" : "softmax", new Storage[] {x, out}, 1, outLayout, new Layout[] {xLayout},
                    (b, s) -> b.softmax(log, s[0], xLayout, s[1], outLayout));
        }

        @Override
        public void gather(Storage x, Layout xLayout, int dim, Storage index, Layout indexLayout, Storage out,
                           Layout outLayout) {
            runAndCheck("gather", new Storage[] {x, index, out}, 2, outLayout, new Layout[] {xLayout, indexLayout},
                    (b, s) -> b.gather(s[0], xLayout, dim, s[1], indexLayout, s[2], outLayout));
        }

        @Override
        public void scatterAdd(Storage src, Layout srcLayout, int dim, Storage index, Layout indexLayout, Storage out,
                               Layout outLayout) {
            runAndCheck("scatter_add", new Storage[] {src, index, out}, 2, outLayout,
                    new Layout[] {srcLayout, indexLayout},
                    (b, s) -> b.scatterAdd(s[0], srcLayout, dim, s[1], indexLayout, s[2], outLayout));
        }

        @Override
        public void scatterReduce(ReduceOp op, Storage src, Layout srcLayout, int dim, Storage index,
                                  Layout indexLayout, Storage out, Layout outLayout) {
            runAndCheck("scatter_reduce", new Storage[] {src, index, out}, 2, outLayout,
                    new Layout[] {srcLayout, indexLayout},
                    (b, s) -> b.scatterReduce(op, s[0], srcLayout, dim, s[1], indexLayout, s[2], outLayout));
        }

        @Override
        public void sort(Storage x, Layout xLayout, boolean descending, Storage values, Layout valuesLayout,
                         Storage indices, Layout indicesLayout) {
            Storage[] onCpu = run(new Storage[] {x, values, indices},
                    (b, s) -> b.sort(s[0], xLayout, descending, s[1], valuesLayout, s[2], indicesLayout));
            if (onCpu != null) {
                Layout[] inputs = {xLayout};
                check("sort", values, valuesLayout, onCpu[1], inputs);
                check("sort indices", indices, indicesLayout, onCpu[2], inputs);
            }
        }

        @Override
        public void matmul(Storage a, Layout aLayout, Storage b, Layout bLayout, Storage out, Layout outLayout) {
            runAndCheck("matmul", new Storage[] {a, b, out}, 2, outLayout, new Layout[] {aLayout, bLayout},
                    (be, s) -> be.matmul(s[0], aLayout, s[1], bLayout, s[2], outLayout));
        }

        @Override
        public void im2col(Storage x, Layout xLayout, Window2d window, double padValue, Storage out,
                           Layout outLayout) {
            runAndCheck("im2col", new Storage[] {x, out}, 1, outLayout, new Layout[] {xLayout},
                    (b, s) -> b.im2col(s[0], xLayout, window, padValue, s[1], outLayout));
        }

        @Override
        public void col2im(Storage cols, Layout colsLayout, Window2d window, Storage out, Layout outLayout) {
            runAndCheck("col2im", new Storage[] {cols, out}, 1, outLayout, new Layout[] {colsLayout},
                    (b, s) -> b.col2im(s[0], colsLayout, window, s[1], outLayout));
        }

        @Override
        public void maxPool2d(Storage x, Layout xLayout, Window2d window, Storage out, Layout outLayout,
                              Storage taps, Layout tapsLayout) {
            Storage[] onCpu = run(new Storage[] {x, out, taps},
                    (b, s) -> b.maxPool2d(s[0], xLayout, window, s[1], outLayout, s[2], tapsLayout));
            if (onCpu != null) {
                check("max_pool2d", out, outLayout, onCpu[1], new Layout[] {xLayout});
                check("max_pool2d taps", taps, tapsLayout, onCpu[2], new Layout[] {xLayout});
            }
        }

        @Override
        public void maxPool2dBackward(Storage grad, Layout gradLayout, Storage taps, Layout tapsLayout,
                                      Window2d window, Storage out, Layout outLayout) {
            runAndCheck("max_pool2d_backward", new Storage[] {grad, taps, out}, 2, outLayout,
                    new Layout[] {gradLayout, tapsLayout},
                    (b, s) -> b.maxPool2dBackward(s[0], gradLayout, s[1], tapsLayout, window, s[2], outLayout));
        }

        @Override
        public void synchronize(Device device) {
            primary.synchronize(device);
        }
    }
}
