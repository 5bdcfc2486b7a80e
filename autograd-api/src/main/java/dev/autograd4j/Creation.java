package dev.autograd4j;

import dev.autograd4j.spi.Backend;
import dev.autograd4j.spi.Backends;
import dev.autograd4j.spi.Layout;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The bodies of {@code Tensor}'s creation statics ({@code zeros}, {@code full}, {@code rand}, {@code arange},
 * {@code eye}, {@code of}, {@code linspace}, {@code randint}, {@code randperm}); {@code Tensor} keeps the public
 * statics as one-line delegates. Every result is a new leaf on the requested device; random ones draw from the
 * counter-based generator, so a seed gives the same numbers on every backend.
 */
final class Creation {
    private Creation() {
    }

    static Tensor empty(int[] shape, DType dtype, Device device) {
        Backend backend = Backends.forDevice(device);
        return Tensor.wrap(Allocation.storage(backend, device, dtype, shape, true), shape, backend);
    }

    static Tensor zeros(Shape shape, DType dtype, Device device) {
        Allocation.check(shape, dtype, device);
        return empty(shape.toArray(), dtype, device);
    }

    static Tensor full(Shape shape, double value, DType dtype, Device device) {
        Allocation.check(shape, dtype, device);
        Tensor t = empty(shape.toArray(), dtype, device);
        t.kernels().fill(t.storageUnsafe(), t.layout(), value);
        return t;
    }

    static Tensor random(boolean normal, Shape shape, DType dtype, Device device, Generator generator) {
        Allocation.check(shape, dtype, device);
        Objects.requireNonNull(generator, "generator must not be null");
        Kernels.requireFloating(dtype, normal ? "randn" : "rand");
        Tensor t = empty(shape.toArray(), dtype, device);
        long[] seedAndOffset = generator.reserve(t.numel());
        t.kernels().random(normal, t.storageUnsafe(), t.layout(), seedAndOffset[0], seedAndOffset[1]);
        return t;
    }

    static Tensor arange(double start, double end, double step, DType dtype, Device device) {
        Allocation.check(dtype, device);
        if (step == 0) {
            throw new IllegalArgumentException("step must be nonzero");
        }
        if ((end - start) * step < 0) {
            throw new IllegalArgumentException("upper bound and larger bound inconsistent with step sign");
        }
        int n = (int) Math.ceil((end - start) / step);
        Tensor t = empty(new int[] {n}, dtype, device);
        t.kernels().arange(t.storageUnsafe(), t.layout(), start, step);
        return t;
    }

    static Tensor eye(int rows, int cols, DType dtype, Device device) {
        Allocation.check(dtype, device);
        Tensor t = empty(Shape.of(rows, cols).toArray(), dtype, device);
        int diag = Math.min(rows, cols);
        t.kernels().fill(t.storageUnsafe(), new Layout(new int[] {diag}, new int[] {cols + 1}, 0), 1.0);
        return t;
    }

    /** A leaf over a fresh copy of a flat host array, on the default device. */
    static Tensor of(Object data, int[] shape, DType dtype) {
        Allocation.check(data, shape);
        int length = Array.getLength(data);
        Object copy = switch (dtype) {
            case FLOAT32 -> ((float[]) data).clone();
            case FLOAT64 -> ((double[]) data).clone();
            case INT64 -> ((long[]) data).clone();
            case BOOL -> ((boolean[]) data).clone();
        };
        return fromHost(copy, length, dtype, shape, DefaultDevice.get());
    }

    private static Tensor fromHost(Object copy, int length, DType dtype, int[] shape, Device device) {
        int[] dims = shape.length == 0 && length != 1 ? new int[] {length} : Shape.of(shape).toArray();
        if (Shape.numel(dims) != length) {
            throw new IllegalArgumentException("shape '" + Arrays.toString(dims) + "' is invalid for input of size "
                    + length);
        }
        Backend backend = Backends.forDevice(device);
        return Tensor.wrap(backend.fromHost(device, dtype, copy), dims, backend);
    }

    /**
     * A leaf from a nested Java array ({@code float[][]}, {@code double[][][]}, ...) of {@code depth} levels, like
     * {@code torch.tensor(nested_list)}: the shape is read from the nesting; a ragged array fails with PyTorch's
     * "expected sequence of length 3 at dim 1 (got 2)". An empty level ends the shape there, as an empty list does.
     */
    static Tensor ofNested(Object nested, int depth, DType dtype) {
        Objects.requireNonNull(nested, "data must not be null");
        List<Integer> shape = new ArrayList<>();
        Object level = nested;
        for (int d = 0; d < depth; d++) {
            int n = Array.getLength(level);
            shape.add(n);
            if (n == 0) {
                break;
            }
            if (d < depth - 1) {
                level = Objects.requireNonNull(Array.get(level, 0), "data must not contain null arrays");
            }
        }
        int[] dims = shape.stream().mapToInt(Integer::intValue).toArray();
        int numel = Shape.numel(dims);
        Object flat = Array.newInstance(leafComponent(nested.getClass()), numel);
        int[] at = {0};
        flatten(nested, 0, dims, flat, at);
        return fromHost(flat, numel, dtype, dims, DefaultDevice.get());
    }

    private static Class<?> leafComponent(Class<?> c) {
        while (c.isArray()) {
            c = c.getComponentType();
        }
        return c;
    }

    private static void flatten(Object level, int dim, int[] dims, Object flat, int[] at) {
        int n = Array.getLength(level);
        if (n != dims[dim]) {
            throw new IllegalArgumentException("expected sequence of length " + dims[dim] + " at dim " + dim + " (got "
                    + n + ")");
        }
        if (dim == dims.length - 1) {
            if (level.getClass().getComponentType().isArray()) { // an empty level ended the shape early
                return;
            }
            System.arraycopy(level, 0, flat, at[0], n);
            at[0] += n;
            return;
        }
        for (int i = 0; i < n; i++) {
            Object next = Objects.requireNonNull(Array.get(level, i), "data must not contain null arrays");
            flatten(next, dim + 1, dims, flat, at);
        }
    }

    /**
     * {@code steps} values from start to end, like {@code torch.linspace}: PyTorch's formula, symmetric from both
     * ends ({@code start + i * step} for the first half, {@code end - (steps - 1 - i) * step} for the rest), in the
     * dtype's own precision (float for float32, double for float64 and the integer types), computed on the host.
     */
    static Tensor linspace(double start, double end, int steps, DType dtype, Device device) {
        Allocation.check(dtype, device);
        if (steps < 0) {
            throw new IllegalArgumentException("number of steps must be non-negative");
        }
        double[] d = new double[steps];
        if (steps == 1) {
            d[0] = start;
        } else if (dtype == DType.FLOAT32) {
            float s = (float) start, e = (float) end;
            float step = (e - s) / (float) (steps - 1);
            int halfway = steps / 2;
            for (int i = 0; i < steps; i++) {
                d[i] = i < halfway ? s + step * i : e - step * (steps - i - 1);
            }
        } else {
            double step = (end - start) / (steps - 1);
            int halfway = steps / 2;
            for (int i = 0; i < steps; i++) {
                d[i] = i < halfway ? start + step * i : end - step * (steps - i - 1);
            }
        }
        Object host = switch (dtype) {
            case FLOAT64 -> d;
            case FLOAT32 -> HostArrays.floats(d);
            case INT64 -> HostArrays.longs(d);
            case BOOL -> {
                boolean[] b = new boolean[steps];
                for (int i = 0; i < steps; i++) {
                    b[i] = d[i] != 0;
                }
                yield b;
            }
        };
        return fromHost(host, steps, dtype, new int[] {steps}, device);
    }

    /** Integers uniform in [low, high), int64, like {@code torch.randint(low, high, size)}. */
    static Tensor randint(long low, long high, Shape shape, Device device, Generator generator) {
        Allocation.check(shape, DType.INT64, device);
        Objects.requireNonNull(generator, "generator must not be null");
        if (low >= high) {
            throw new IllegalArgumentException("random_ expects 'from' to be less than 'to', but got from=" + low
                    + " >= to=" + high);
        }
        double range = (double) high - (double) low;
        if (range > 0x1.0p53) {
            throw new IllegalArgumentException("randint: the range high - low must be at most 2^53, got " + range);
        }
        try (var g = Autograd.noGrad()) {
            Tensor u = random(false, shape, DType.FLOAT64, device, generator);
            // floor(u * range) is in [0, range - 1] for u < 1; the clamp guards the rounding of the product
            return u.mul(range).floor().clampMax(range - 1).to(DType.INT64).add(low).detach();
        }
    }

    /** A random permutation of 0..n-1, int64, like {@code torch.randperm(n)}: the argsort of n uniform draws. */
    static Tensor randperm(int n, Device device, Generator generator) {
        Allocation.check(DType.INT64, device);
        Objects.requireNonNull(generator, "generator must not be null");
        if (n < 0) {
            throw new IllegalArgumentException("n must be non-negative, got" + n);
        }
        try (var g = Autograd.noGrad()) {
            Tensor u = random(false, Shape.of(n), DType.FLOAT64, device, generator);
            return u.argsort(0, false, true).detach();
        }
    }
}
