package dev.autograd4j;

import java.util.Objects;

/**
 * The creation statics of {@link Tensor} ({@code Tensor.zeros}, {@code Tensor.rand}, {@code Tensor.of}, ...),
 * inherited by it: callers write {@code Tensor.zeros(2, 3)}. Declared here to keep {@code Tensor.java} short; the
 * bodies are in {@link Creation}. Only {@code Tensor} extends this class.
 */
abstract sealed class TensorCreation permits Tensor {
    TensorCreation() {
    }

    /**
     * Zeros of the given shape, float32 on the default device, like {@code torch.zeros(*size)}.
     *
     * @param shape the sizes (none for a 0-d tensor)
     * @return a new leaf
     */
    public static Tensor zeros(int... shape) {
        Objects.requireNonNull(shape, "shape must not be null");
        return Creation.zeros(Shape.of(shape), DType.FLOAT32, DefaultDevice.get());
    }

    /**
     * Zeros of a shape, dtype and device.
     *
     * @param shape the sizes
     * @param dtype the element type
     * @param device where the storage lives
     * @return a new leaf
     */
    public static Tensor zeros(Shape shape, DType dtype, Device device) {
        return Creation.zeros(shape, dtype, device);
    }

    /**
     * Ones of the given shape, float32 on the default device, like {@code torch.ones(*size)}.
     *
     * @param shape the sizes
     * @return a new leaf
     */
    public static Tensor ones(int... shape) {
        Objects.requireNonNull(shape, "shape must not be null");
        return Creation.full(Shape.of(shape), 1.0, DType.FLOAT32, DefaultDevice.get());
    }

    /**
     * Ones of a shape, dtype and device.
     *
     * @param shape the sizes
     * @param dtype the element type
     * @param device where the storage lives
     * @return a new leaf
     */
    public static Tensor ones(Shape shape, DType dtype, Device device) {
        return Creation.full(shape, 1.0, dtype, device);
    }

    /**
     * A float32 tensor filled with one value, like {@code torch.full(size, value)}.
     *
     * @param value the fill value
     * @param shape the sizes
     * @return a new leaf
     */
    public static Tensor full(double value, int... shape) {
        Objects.requireNonNull(shape, "shape must not be null");
        return Creation.full(Shape.of(shape), value, DType.FLOAT32, DefaultDevice.get());
    }

    /**
     * A tensor of a shape, dtype and device filled with one value (cast to the dtype).
     *
     * @param shape the sizes
     * @param value the fill value
     * @param dtype the element type
     * @param device where the storage lives
     * @return a new leaf
     */
    public static Tensor full(Shape shape, double value, DType dtype, Device device) {
        return Creation.full(shape, value, dtype, device);
    }

    /**
     * Zeros with the shape, dtype and device of {@code t}, like {@code torch.zeros_like}.
     *
     * @param t the model tensor
     * @return a new leaf
     */
    public static Tensor zerosLike(Tensor t) {
        Objects.requireNonNull(t, "t must not be null");
        return Creation.zeros(t.shape(), t.dtype(), t.device());
    }

    /**
     * Ones with the shape, dtype and device of {@code t}, like {@code torch.ones_like}.
     *
     * @param t the model tensor
     * @return a new leaf
     */
    public static Tensor onesLike(Tensor t) {
        Objects.requireNonNull(t, "t must not be null");
        return Creation.full(t.shape(), 1.0, t.dtype(), t.device());
    }

    /**
     * A 0-dimensional float32 tensor on the default device, like {@code torch.tensor(value)}.
     *
     * @param value the value
     * @return a new leaf
     */
    public static Tensor scalar(double value) {
        return Creation.full(Shape.of(), value, DType.FLOAT32, DefaultDevice.get());
    }

    /**
     * Uniform on [0, 1), float32, from the default generator, like {@code torch.rand}.
     *
     * @param shape the sizes
     * @return a new leaf
     */
    public static Tensor rand(int... shape) {
        Objects.requireNonNull(shape, "shape must not be null");
        return rand(Shape.of(shape), DType.FLOAT32, DefaultDevice.get(), Generator.defaultGenerator());
    }

    /**
     * Uniform on [0, 1) from a generator; every backend draws the same values for the same seed.
     *
     * @param shape the sizes
     * @param dtype a floating dtype
     * @param device where the storage lives
     * @param generator the source of randomness
     * @return a new leaf
     * @throws IllegalArgumentException for a non-floating dtype
     */
    public static Tensor rand(Shape shape, DType dtype, Device device, Generator generator) {
        return Creation.random(false, shape, dtype, device, generator);
    }

    /**
     * Standard normal, float32, from the default generator, like {@code torch.randn}.
     *
     * @param shape the sizes
     * @return a new leaf
     */
    public static Tensor randn(int... shape) {
        Objects.requireNonNull(shape, "shape must not be null");
        return randn(Shape.of(shape), DType.FLOAT32, DefaultDevice.get(), Generator.defaultGenerator());
    }

    /**
     * Standard normal from a generator; every backend draws the same values for the same seed.
     *
     * @param shape the sizes
     * @param dtype a floating dtype
     * @param device where the storage lives
     * @param generator the source of randomness
     * @return a new leaf
     * @throws IllegalArgumentException for a non-floating dtype
     */
    public static Tensor randn(Shape shape, DType dtype, Device device, Generator generator) {
        return Creation.random(true, shape, dtype, device, generator);
    }

    /**
     * Integers uniform in [low, high), int64 on the default device from the default generator, like
     * {@code torch.randint(low, high, size)}.
     *
     * @param low the smallest value
     * @param high one above the largest value
     * @param shape the sizes
     * @return a new leaf
     * @throws IllegalArgumentException when {@code low >= high}
     */
    public static Tensor randint(long low, long high, int... shape) {
        Objects.requireNonNull(shape, "shape must not be null");
        return randint(low, high, Shape.of(shape), DefaultDevice.get(), Generator.defaultGenerator());
    }

    /**
     * Integers uniform in [low, high), int64, from a generator; every backend draws the same values for one seed.
     *
     * @param low the smallest value
     * @param high one above the largest value (at most 2^53 above low)
     * @param shape the sizes
     * @param device where the storage lives
     * @param generator the source of randomness
     * @return a new leaf
     * @throws IllegalArgumentException when {@code low >= high}
     */
    public static Tensor randint(long low, long high, Shape shape, Device device, Generator generator) {
        return Creation.randint(low, high, shape, device, generator);
    }

    /**
     * A random permutation of 0..n-1, int64 on the default device, like {@code torch.randperm(n)}.
     *
     * @param n the length
     * @return a new 1-D leaf
     * @throws IllegalArgumentException when n is negative
     */
    public static Tensor randperm(int n) {
        return randperm(n, DefaultDevice.get(), Generator.defaultGenerator());
    }

    /**
     * A random permutation of 0..n-1, int64, from a generator; every backend draws the same one for one seed.
     *
     * @param n the length
     * @param device where the storage lives
     * @param generator the source of randomness
     * @return a new 1-D leaf
     * @throws IllegalArgumentException when n is negative
     */
    public static Tensor randperm(int n, Device device, Generator generator) {
        return Creation.randperm(n, device, generator);
    }

    /**
     * Reseeds the default generator, like {@code torch.manual_seed}.
     *
     * @param seed the new seed
     */
    public static void manualSeed(long seed) {
        Generator.defaultGenerator().manualSeed(seed);
    }

    /**
     * 0, 1, ..., end-1 as float32 (PyTorch would make int64 from integer arguments).
     *
     * @param end the exclusive upper bound
     * @return a new 1-D leaf
     */
    public static Tensor arange(double end) {
        return Creation.arange(0, end, 1, DType.FLOAT32, DefaultDevice.get());
    }

    /**
     * {@code start, start + step, ...} up to (excluding) {@code end}, like {@code torch.arange}.
     *
     * @param start the first value
     * @param end the exclusive bound
     * @param step the nonzero increment
     * @param dtype the element type
     * @param device where the storage lives
     * @return a new 1-D leaf of {@code ceil((end - start) / step)} elements
     * @throws IllegalArgumentException when step is 0 or points away from end
     */
    public static Tensor arange(double start, double end, double step, DType dtype, Device device) {
        return Creation.arange(start, end, step, dtype, device);
    }

    /**
     * {@code steps} evenly spaced float32 values from start to end inclusive, like {@code torch.linspace}.
     *
     * @param start the first value
     * @param end the last value
     * @param steps the number of values
     * @return a new 1-D leaf
     * @throws IllegalArgumentException when steps is negative
     */
    public static Tensor linspace(double start, double end, int steps) {
        return Creation.linspace(start, end, steps, DType.FLOAT32, DefaultDevice.get());
    }

    /**
     * {@code steps} evenly spaced values from start to end inclusive, with PyTorch's formula (symmetric from both
     * ends, in the dtype's precision), like {@code torch.linspace(start, end, steps, dtype=, device=)}.
     *
     * @param start the first value
     * @param end the last value
     * @param steps the number of values
     * @param dtype the element type
     * @param device where the storage lives
     * @return a new 1-D leaf
     * @throws IllegalArgumentException when steps is negative
     */
    public static Tensor linspace(double start, double end, int steps, DType dtype, Device device) {
        return Creation.linspace(start, end, steps, dtype, device);
    }

    /**
     * The n x n float32 identity matrix, like {@code torch.eye(n)}.
     *
     * @param n the size
     * @return a new leaf
     */
    public static Tensor eye(int n) {
        return Creation.eye(n, n, DType.FLOAT32, DefaultDevice.get());
    }

    /**
     * A rows x cols matrix with ones on the main diagonal.
     *
     * @param rows the number of rows
     * @param cols the number of columns
     * @param dtype the element type
     * @param device where the storage lives
     * @return a new leaf
     */
    public static Tensor eye(int rows, int cols, DType dtype, Device device) {
        return Creation.eye(rows, cols, dtype, device);
    }

    /**
     * A float32 tensor holding a copy of data, on the default device.
     *
     * @param data the elements in row-major order
     * @param shape the sizes (none: 1-D of data's length)
     * @return a new leaf
     * @throws IllegalArgumentException when the shape does not hold data's length
     */
    public static Tensor of(float[] data, int... shape) {
        return Creation.of(data, shape, DType.FLOAT32);
    }

    /**
     * A float64 tensor holding a copy of data, on the default device.
     *
     * @param data the elements in row-major order
     * @param shape the sizes (none: 1-D of data's length)
     * @return a new leaf
     * @throws IllegalArgumentException when the shape does not hold data's length
     */
    public static Tensor of(double[] data, int... shape) {
        return Creation.of(data, shape, DType.FLOAT64);
    }

    /**
     * An int64 tensor holding a copy of data, on the default device.
     *
     * @param data the elements in row-major order
     * @param shape the sizes (none: 1-D of data's length)
     * @return a new leaf
     * @throws IllegalArgumentException when the shape does not hold data's length
     */
    public static Tensor of(long[] data, int... shape) {
        return Creation.of(data, shape, DType.INT64);
    }

    /**
     * A bool tensor holding a copy of data, on the default device.
     *
     * @param data the elements in row-major order
     * @param shape the sizes (none: 1-D of data's length)
     * @return a new leaf
     * @throws IllegalArgumentException when the shape does not hold data's length
     */
    public static Tensor of(boolean[] data, int... shape) {
        return Creation.of(data, shape, DType.BOOL);
    }

    /**
     * A float32 matrix from rows, on the default device, like {@code torch.tensor([[...], ...])}.
     *
     * @param data the rows, all of one length
     * @return a new 2-D leaf
     * @throws IllegalArgumentException when rows differ in length ("expected sequence of length 3 at dim 1 (got 2)")
     */
    public static Tensor of(float[][] data) {
        return Creation.ofNested(data, 2, DType.FLOAT32);
    }

    /**
     * A float32 3-D tensor from nested arrays, on the default device, like {@code torch.tensor}.
     *
     * @param data the nested elements, not ragged
     * @return a new 3-D leaf
     * @throws IllegalArgumentException when the arrays are ragged
     */
    public static Tensor of(float[][][] data) {
        return Creation.ofNested(data, 3, DType.FLOAT32);
    }

    /**
     * A float64 matrix from rows, on the default device, like {@code torch.tensor}.
     *
     * @param data the rows, all of one length
     * @return a new 2-D leaf
     * @throws IllegalArgumentException when rows differ in length
     */
    public static Tensor of(double[][] data) {
        return Creation.ofNested(data, 2, DType.FLOAT64);
    }

    /**
     * A float64 3-D tensor from nested arrays, on the default device, like {@code torch.tensor}.
     *
     * @param data the nested elements, not ragged
     * @return a new 3-D leaf
     * @throws IllegalArgumentException when the arrays are ragged
     */
    public static Tensor of(double[][][] data) {
        return Creation.ofNested(data, 3, DType.FLOAT64);
    }

    /**
     * An int64 matrix from rows, on the default device, like {@code torch.tensor}.
     *
     * @param data the rows, all of one length
     * @return a new 2-D leaf
     * @throws IllegalArgumentException when rows differ in length
     */
    public static Tensor of(long[][] data) {
        return Creation.ofNested(data, 2, DType.INT64);
    }

    /**
     * A bool matrix from rows, on the default device, like {@code torch.tensor}.
     *
     * @param data the rows, all of one length
     * @return a new 2-D leaf
     * @throws IllegalArgumentException when rows differ in length
     */
    public static Tensor of(boolean[][] data) {
        return Creation.ofNested(data, 2, DType.BOOL);
    }
}
