package dev.autograd4j;

import dev.autograd4j.spi.Backend;
import dev.autograd4j.spi.Backends;
import dev.autograd4j.spi.BinaryOp;
import dev.autograd4j.spi.Layout;
import dev.autograd4j.spi.ReduceOp;
import dev.autograd4j.spi.Storage;
import dev.autograd4j.spi.UnaryOp;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * An n-dimensional array that records the operations applied to it, like {@code torch.Tensor}.
 *
 * <p>Every op follows one pattern: check the arguments, run the backend kernel, then {@link #record}
 * the op's backward formula (written in Tensor ops, so it can itself be differentiated) when grad
 * mode is on and an input requires grad. The formula sits right next to the forward.
 */
public final class Tensor {
    private final Storage storage;
    private final Layout layout;
    private final Backend backend;
    /** Shared by all views of one storage: bumped by in-place writes. */
    private final int[] version;
    private boolean requiresGrad;
    private Node gradFn;
    private Tensor grad;
    private Node accumulator;
    private boolean retainsGrad;
    private boolean warnedNonLeafGrad;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Tensor.class);
    /** For views made by view ops: the tensor that owns the storage (in-place writes through views need it). */
    private Tensor viewBase;

    private Tensor(Storage storage, Layout layout, Backend backend, int[] version) {
        this.storage = storage;
        this.layout = layout;
        this.backend = backend;
        this.version = version;
    }

    // ------------------------------------------------------------------ creation

    private static Tensor empty(int[] shape, DType dtype, Device device) {
        Backend backend = Backends.forDevice(device);
        Shape.numel(shape);
        return new Tensor(MemoryScope.track(backend.allocate(device, dtype, Shape.numel(shape))),
                Layout.contiguous(shape), backend, new int[1]);
    }

    /** A new tensor on this one's device for an op's output: the op's kernel writes every element. */
    private Tensor emptyLike(int[] shape, DType dtype) {
        return new Tensor(MemoryScope.track(backend.allocateUninitialized(device(), dtype, Shape.numel(shape))),
                Layout.contiguous(shape), backend, new int[1]);
    }

    /** The storage, for {@link MemoryScope}. */
    Storage storageUnsafe() {
        return storage;
    }

    /** The backend that runs this tensor's kernels: its own, or a shadowing one inside {@link ShadowMode}. */
    private Backend kernels() {
        return ShadowMode.wrap(backend, device());
    }

    /** A view sharing storage and version counter, remembered as a view of this tensor's base. */
    private Tensor view(Layout newLayout) {
        Tensor v = new Tensor(storage, newLayout, backend, version);
        v.viewBase = viewBase != null ? viewBase : this;
        return v;
    }

    public static Tensor zeros(int... shape) {
        return zeros(Shape.of(shape), DType.FLOAT32, DefaultDevice.get());
    }

    public static Tensor zeros(Shape shape, DType dtype, Device device) {
        return empty(shape.toArray(), dtype, device);
    }

    public static Tensor ones(int... shape) {
        return full(Shape.of(shape), 1.0, DType.FLOAT32, DefaultDevice.get());
    }

    public static Tensor ones(Shape shape, DType dtype, Device device) {
        return full(shape, 1.0, dtype, device);
    }

    public static Tensor full(double value, int... shape) {
        return full(Shape.of(shape), value, DType.FLOAT32, DefaultDevice.get());
    }

    public static Tensor full(Shape shape, double value, DType dtype, Device device) {
        Tensor t = empty(shape.toArray(), dtype, device);
        t.kernels().fill(t.storage, t.layout, value);
        return t;
    }

    public static Tensor zerosLike(Tensor t) {
        return zeros(t.shape(), t.dtype(), t.device());
    }

    public static Tensor onesLike(Tensor t) {
        return ones(t.shape(), t.dtype(), t.device());
    }

    /** A 0-dimensional float32 tensor. */
    public static Tensor scalar(double value) {
        return full(Shape.of(), value, DType.FLOAT32, DefaultDevice.get());
    }

    /** Uniform on [0, 1), float32, from the default generator. */
    public static Tensor rand(int... shape) {
        return rand(Shape.of(shape), DType.FLOAT32, DefaultDevice.get(), Generator.defaultGenerator());
    }

    public static Tensor rand(Shape shape, DType dtype, Device device, Generator generator) {
        return random(false, shape, dtype, device, generator);
    }

    /** Standard normal, float32, from the default generator. */
    public static Tensor randn(int... shape) {
        return randn(Shape.of(shape), DType.FLOAT32, DefaultDevice.get(), Generator.defaultGenerator());
    }

    public static Tensor randn(Shape shape, DType dtype, Device device, Generator generator) {
        return random(true, shape, dtype, device, generator);
    }

    private static Tensor random(boolean normal, Shape shape, DType dtype, Device device, Generator generator) {
        requireFloating(dtype, normal ? "randn" : "rand");
        Tensor t = empty(shape.toArray(), dtype, device);
        long[] seedAndOffset = generator.reserve(t.numel());
        t.kernels().random(normal, t.storage, t.layout, seedAndOffset[0], seedAndOffset[1]);
        return t;
    }

    /** Reseeds the default generator (like {@code torch.manual_seed}). */
    public static void manualSeed(long seed) {
        Generator.defaultGenerator().manualSeed(seed);
    }

    /** 0, 1, ..., end-1 as float32 (PyTorch would make int64 from integer arguments). */
    public static Tensor arange(double end) {
        return arange(0, end, 1, DType.FLOAT32, DefaultDevice.get());
    }

    public static Tensor arange(double start, double end, double step, DType dtype, Device device) {
        if (step == 0) {
            throw new IllegalArgumentException("step must be nonzero");
        }
        if ((end - start) * step < 0) {
            throw new IllegalArgumentException("upper bound and larger bound inconsistent with step sign");
        }
        int n = (int) Math.ceil((end - start) / step);
        Tensor t = empty(new int[] {n}, dtype, device);
        t.kernels().arange(t.storage, t.layout, start, step);
        return t;
    }

    public static Tensor eye(int n) {
        return eye(n, n, DType.FLOAT32, DefaultDevice.get());
    }

    public static Tensor eye(int rows, int cols, DType dtype, Device device) {
        Tensor t = empty(Shape.of(rows, cols).toArray(), dtype, device);
        int diag = Math.min(rows, cols);
        Layout diagonal = new Layout(new int[] {diag}, new int[] {cols + 1}, 0);
        t.kernels().fill(t.storage, diagonal, 1.0);
        return t;
    }

    /** A float32 tensor holding a copy of data. */
    public static Tensor of(float[] data, int... shape) {
        return fromHost(data, data.length, DType.FLOAT32, shape);
    }

    /** A float64 tensor holding a copy of data. */
    public static Tensor of(double[] data, int... shape) {
        return fromHost(data, data.length, DType.FLOAT64, shape);
    }

    /** An int64 tensor holding a copy of data. */
    public static Tensor of(long[] data, int... shape) {
        return fromHost(data, data.length, DType.INT64, shape);
    }

    /** A bool tensor holding a copy of data. */
    public static Tensor of(boolean[] data, int... shape) {
        return fromHost(data, data.length, DType.BOOL, shape);
    }

    private static Tensor fromHost(Object data, int length, DType dtype, int[] shape) {
        int[] dims = shape.length == 0 && length != 1 ? new int[] {length} : Shape.of(shape).toArray();
        if (Shape.numel(dims) != length) {
            throw new IllegalArgumentException("shape '" + Arrays.toString(dims) + "' is invalid for input of size "
                    + length);
        }
        Device device = DefaultDevice.get();
        Backend backend = Backends.forDevice(device);
        Object copy = switch (dtype) {
            case FLOAT32 -> ((float[]) data).clone();
            case FLOAT64 -> ((double[]) data).clone();
            case INT64 -> ((long[]) data).clone();
            case BOOL -> ((boolean[]) data).clone();
        };
        return new Tensor(MemoryScope.track(backend.fromHost(device, dtype, copy)), Layout.contiguous(dims), backend,
                new int[1]);
    }

    // ------------------------------------------------------------------ metadata

    public Shape shape() {
        return Shape.wrap(layout.shape().clone());
    }

    int[] shapeUnsafe() {
        return layout.shape();
    }

    public int dim() {
        return layout.rank();
    }

    public int size(int dim) {
        return layout.shape()[Shape.normalizeDim(dim, dim())];
    }

    public int numel() {
        return layout.numel();
    }

    public DType dtype() {
        return storage.dtype();
    }

    public Device device() {
        return storage.device();
    }

    /** Element strides, as {@code tensor.stride()}. */
    public int[] stride() {
        return layout.strides().clone();
    }

    public boolean isContiguous() {
        return layout.isContiguous();
    }

    /** The version counter shared by this tensor's views; in-place writes bump it. */
    public int version() {
        return version[0];
    }

    // ------------------------------------------------------------------ autograd state

    public boolean requiresGrad() {
        return requiresGrad || gradFn != null;
    }

    /** Sets whether this leaf records operations; returns this, as {@code requires_grad_()} does. */
    public Tensor requiresGrad(boolean requires) {
        if (gradFn != null) {
            throw new IllegalStateException("you can only change requires_grad flags of leaf variables. If you want to "
                    + "use a computed variable in a subgraph that doesn't require differentiation use "
                    + "var_no_grad = var.detach().");
        }
        if (requires && !dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("only Tensors of floating point dtype can require gradients, got "
                    + dtype());
        }
        this.requiresGrad = requires;
        if (requires) {
            MemoryScope.escape(this); // a parameter: it outlives any scope it was made in
        }
        return this;
    }

    public boolean isLeaf() {
        return gradFn == null;
    }

    /** The node that made this tensor, or null for leaves and tensors made without grad. */
    public Node gradFn() {
        return gradFn;
    }

    /**
     * The accumulated gradient of a leaf (or of a non-leaf after {@link #retainGrad()}); null until a
     * backward pass reaches it. Reading it on any other non-leaf logs PyTorch's warning once.
     */
    public Tensor grad() {
        if (gradFn != null && !retainsGrad && !warnedNonLeafGrad) {
            warnedNonLeafGrad = true;
            LOG.warn("The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
                    + "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated "
                    + "for a non-leaf Tensor, use .retainGrad() on the non-leaf Tensor. ({})", gradFn.name());
        }
        return grad;
    }

    /**
     * Registers a hook called with this tensor's gradient each time it is computed; a hook may return
     * a replacement gradient, or null to keep it. The handle removes the hook.
     */
    public Autograd.HookHandle registerHook(java.util.function.UnaryOperator<Tensor> hook) {
        if (!requiresGrad()) {
            throw new IllegalStateException("cannot register a hook on a tensor that doesn't require gradient");
        }
        return (gradFn != null ? gradFn : gradAccumulator()).addPreHook(hook);
    }

    /** Makes backward fill {@code grad} of this non-leaf too (a no-op on leaves). */
    public Tensor retainGrad() {
        if (!requiresGrad()) {
            throw new IllegalStateException("can't retain_grad on Tensor that has requires_grad=False");
        }
        if (gradFn != null && !retainsGrad) {
            retainsGrad = true;
            gradFn.addPreHook(g -> {
                grad = MemoryScope.escape(grad == null ? g.detach().contiguousCopy() : grad.addNoGrad(g.detach()));
                return null;
            });
        }
        return this;
    }

    public boolean retainsGrad() {
        return retainsGrad;
    }

    /** Replaces (or with null clears) the accumulated gradient, like assigning {@code .grad}. */
    public void setGrad(Tensor newGrad) {
        if (newGrad != null) {
            if (!Arrays.equals(newGrad.shapeUnsafe(), shapeUnsafe())) {
                throw new IllegalArgumentException("assigned grad has data of a different size: " + newGrad.shape()
                        + " vs " + shape());
            }
            if (newGrad.dtype() != dtype() || !newGrad.device().equals(device())) {
                throw new IllegalArgumentException("assigned grad has data of a different type or device: "
                        + newGrad.dtype() + " on " + newGrad.device() + " vs " + dtype() + " on " + device());
            }
        }
        this.grad = MemoryScope.escape(newGrad);
    }

    Node gradAccumulator() {
        if (accumulator == null) {
            accumulator = Node.accumulator(this);
        }
        return accumulator;
    }

    void accumulateGrad(Tensor g, boolean createGraph) {
        if (!createGraph) {
            g = g.detach();
        }
        if (grad == null) {
            // A private copy: the incoming gradient may be shared with other leaves or the caller.
            grad = createGraph ? g : g.contiguousCopy();
        } else if (createGraph || grad.requiresGrad()) {
            grad = createGraph ? grad.add(g) : grad.detach().addNoGrad(g);
        } else {
            // in place, as PyTorch's AccumulateGrad does outside grad mode: no new memory per backward
            try (var noGrad = Autograd.noGrad()) {
                grad.add_(g);
            }
        }
        MemoryScope.escape(grad); // .grad outlives the scope of the backward pass that made it
    }

    private Tensor addNoGrad(Tensor other) {
        try (var g = Autograd.noGrad()) {
            return add(other);
        }
    }

    /** Computes the gradient of this scalar with respect to the graph's leaves. */
    public void backward() {
        Engine.backward(this, null, false, false);
    }

    /** Backward with an explicit gradient of this tensor (needed for non-scalars). */
    public void backward(Tensor gradient) {
        Engine.backward(this, gradient, false, false);
    }

    public void backward(Tensor gradient, boolean retainGraph) {
        Engine.backward(this, gradient, retainGraph, false);
    }

    public void backward(Tensor gradient, boolean retainGraph, boolean createGraph) {
        Engine.backward(this, gradient, retainGraph || createGraph, createGraph);
    }

    /** A tensor sharing storage (and version counter) with this one, outside the graph. */
    public Tensor detach() {
        return new Tensor(storage, layout, backend, version);
    }

    /** Records {@code out} as the result of a differentiable op when grad mode is on and an input needs it. */
    static Tensor record(String name, Tensor out, Node.BackwardFormula formula, Tensor... inputs) {
        return record(name, out, NOTHING_SAVED, formula, inputs);
    }

    private static final Tensor[] NOTHING_SAVED = {};

    /**
     * As {@link #record(String, Tensor, Node.BackwardFormula, Tensor...)}, naming the tensors whose values the
     * formula reads: backward fails, as in PyTorch, if one of them was modified in place in between.
     */
    static Tensor record(String name, Tensor out, Tensor[] saved, Node.BackwardFormula formula, Tensor... inputs) {
        ShadowMode.reportMismatch(name);
        if (!Autograd.isGradEnabled()) {
            return out;
        }
        for (Tensor in : inputs) {
            if (in != null && in.requiresGrad()) {
                out.gradFn = Node.operation(name, inputs, saved, formula);
                return out;
            }
        }
        return out;
    }

    static Tensor[] saved(Tensor... tensors) {
        return tensors;
    }

    // ------------------------------------------------------------------ argument checks

    private static void requireFloating(DType dtype, String op) {
        if (!dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("\"" + op + "\" not implemented for '" + dtype.scalarTypeName() + "'");
        }
    }

    static void checkSameDevice(Tensor a, Tensor b) {
        if (!a.device().equals(b.device())) {
            throw new IllegalArgumentException("Expected all tensors to be on the same device, but found at least two "
                    + "devices, " + a.device() + " and " + b.device() + "!");
        }
    }

    private static void checkSameDtype(String op, Tensor a, Tensor b) {
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": expected both tensors to have the same dtype, but got "
                    + a.dtype() + " and " + b.dtype() + " (autograd4j does not promote types: use .to(DType))");
        }
    }

    // ------------------------------------------------------------------ kernels

    private static Layout broadcastLayout(Layout l, int[] shape) {
        int r = shape.length, lr = l.rank();
        int[] strides = new int[r];
        for (int i = 0; i < r; i++) {
            int li = i - (r - lr);
            strides[i] = li < 0 || (l.shape()[li] == 1 && shape[i] != 1) ? 0 : l.strides()[li];
        }
        return new Layout(shape, strides, l.offset());
    }

    private Tensor unaryKernel(UnaryOp op, double p0, double p1) {
        Tensor out = emptyLike(layout.shape(), dtype());
        kernels().unary(op, storage, layout, out.storage, out.layout, p0, p1);
        return out;
    }

    private Tensor floatUnary(UnaryOp op, String name, double p0, double p1) {
        requireFloating(dtype(), name);
        return unaryKernel(op, p0, p1);
    }

    private Tensor binaryKernel(BinaryOp op, Tensor other) {
        checkSameDevice(this, other);
        checkSameDtype(op.kernelName(), this, other);
        int[] shape = Shape.broadcast(layout.shape(), other.layout.shape());
        Tensor out = emptyLike(shape, op.isComparison() ? DType.BOOL : dtype());
        kernels().binary(op, storage, broadcastLayout(layout, shape), other.storage,
                broadcastLayout(other.layout, shape), out.storage, out.layout);
        return out;
    }

    /**
     * One kernel for {@code op} (broadcasting, same dtype and device), recording nothing: for the fused forward
     * and first-order backward formulas of losses ({@link Functional}), which run where no graph is recorded.
     */
    Tensor fusedBinary(BinaryOp op, Tensor other) {
        if (Autograd.isGradEnabled() && (requiresGrad() || other.requiresGrad())) {
            throw new IllegalStateException(op + " has no derivative; use it where no graph is recorded");
        }
        requireFloating(dtype(), op.kernelName());
        return binaryKernel(op, other);
    }

    /**
     * Throws {@code failure.get()} if any element of {@code flags} (BOOL, on this tensor's device) is true; on a
     * GPU at the next synchronization rather than now (see {@link Backend#assertNoneSet}).
     */
    void assertNoneSet(Tensor flags, Supplier<? extends RuntimeException> failure) {
        checkSameDevice(this, flags);
        kernels().assertNoneSet(flags.storage, flags.layout, failure);
    }

    /** A 0-d tensor of this dtype and device, for scalar operands of binary kernels. */
    private Tensor scalarLike(double value) {
        return full(Shape.of(), value, dtype(), device());
    }

    /** Sums a broadcast gradient back to {@code target}, the shape of the input it flows to. */
    Tensor sumToShape(int[] target) {
        int[] shape = layout.shape();
        if (Arrays.equals(shape, target)) {
            return this;
        }
        int lead = shape.length - target.length;
        int[] dims = new int[shape.length];
        int n = 0;
        for (int i = 0; i < shape.length; i++) {
            if (i < lead || (target[i - lead] == 1 && shape[i] != 1)) {
                dims[n++] = i;
            }
        }
        return sum(Arrays.copyOf(dims, n), true).reshape(target);
    }

    // ------------------------------------------------------------------ arithmetic

    public Tensor add(Tensor other) {
        Tensor out = binaryKernel(BinaryOp.ADD, other);
        return record("AddBackward0", out, (g, needs) -> new Tensor[] {
            needs[0] ? g.sumToShape(shapeUnsafe()) : null,
            needs[1] ? g.sumToShape(other.shapeUnsafe()) : null}, this, other);
    }

    public Tensor add(double value) {
        Tensor out = unaryKernel(UnaryOp.ADD_SCALAR, value, 0);
        return record("AddBackward1", out, (g, needs) -> new Tensor[] {g}, this);
    }

    public Tensor sub(Tensor other) {
        Tensor out = binaryKernel(BinaryOp.SUB, other);
        return record("SubBackward0", out, (g, needs) -> new Tensor[] {
            needs[0] ? g.sumToShape(shapeUnsafe()) : null,
            needs[1] ? g.neg().sumToShape(other.shapeUnsafe()) : null}, this, other);
    }

    public Tensor sub(double value) {
        Tensor out = unaryKernel(UnaryOp.ADD_SCALAR, -value, 0);
        return record("SubBackward1", out, (g, needs) -> new Tensor[] {g}, this);
    }

    /** {@code value - this}, like {@code torch.rsub}. */
    public Tensor rsub(double value) {
        return neg().add(value);
    }

    public Tensor mul(Tensor other) {
        Tensor out = binaryKernel(BinaryOp.MUL, other);
        return record("MulBackward0", out, saved(this, other), (g, needs) -> new Tensor[] {
            needs[0] ? g.mul(other).sumToShape(shapeUnsafe()) : null,
            needs[1] ? g.mul(this).sumToShape(other.shapeUnsafe()) : null}, this, other);
    }

    public Tensor mul(double value) {
        Tensor out = unaryKernel(UnaryOp.MUL_SCALAR, value, 0);
        return record("MulBackward1", out, (g, needs) -> new Tensor[] {g.mul(value)}, this);
    }

    public Tensor div(Tensor other) {
        Tensor out = binaryKernel(BinaryOp.DIV, other);
        return record("DivBackward0", out, saved(this, other), (g, needs) -> new Tensor[] {
            needs[0] ? g.div(other).sumToShape(shapeUnsafe()) : null,
            needs[1] ? g.neg().mul(this).div(other.mul(other)).sumToShape(other.shapeUnsafe()) : null},
            this, other);
    }

    public Tensor div(double value) {
        Tensor out = unaryKernel(UnaryOp.MUL_SCALAR, 1.0 / value, 0);
        return record("DivBackward1", out, (g, needs) -> new Tensor[] {g.div(value)}, this);
    }

    public Tensor neg() {
        Tensor out = unaryKernel(UnaryOp.NEG, 0, 0);
        return record("NegBackward0", out, (g, needs) -> new Tensor[] {g.neg()}, this);
    }

    public Tensor exp() {
        Tensor out = floatUnary(UnaryOp.EXP, "exp", 0, 0);
        return record("ExpBackward0", out, saved(out), (g, needs) -> new Tensor[] {g.mul(out)}, this);
    }

    public Tensor log() {
        Tensor out = floatUnary(UnaryOp.LOG, "log", 0, 0);
        return record("LogBackward0", out, saved(this), (g, needs) -> new Tensor[] {g.div(this)}, this);
    }

    /** log(1 + x), accurate for small x. */
    public Tensor log1p() {
        Tensor out = floatUnary(UnaryOp.LOG1P, "log1p", 0, 0);
        return record("Log1PBackward0", out, saved(this), (g, needs) -> new Tensor[] {g.div(this.add(1.0))}, this);
    }

    public Tensor sqrt() {
        Tensor out = floatUnary(UnaryOp.SQRT, "sqrt", 0, 0);
        return record("SqrtBackward0", out, saved(out), (g, needs) -> new Tensor[] {g.div(out.mul(2.0))}, this);
    }

    /** Elementwise power with a scalar exponent. */
    public Tensor pow(double exponent) {
        Tensor out = floatUnary(UnaryOp.POW_SCALAR, "pow", exponent, 0);
        return record("PowBackward0", out, saved(this), (g, needs) -> new Tensor[] {
            exponent == 0 ? zerosLike(this) : g.mul(this.pow(exponent - 1).mul(exponent))}, this);
    }

    public Tensor sin() {
        Tensor out = floatUnary(UnaryOp.SIN, "sin", 0, 0);
        return record("SinBackward0", out, saved(this), (g, needs) -> new Tensor[] {g.mul(this.cos())}, this);
    }

    public Tensor cos() {
        Tensor out = floatUnary(UnaryOp.COS, "cos", 0, 0);
        return record("CosBackward0", out, saved(this), (g, needs) -> new Tensor[] {g.mul(this.sin().neg())}, this);
    }

    /** 1 / x. */
    public Tensor reciprocal() {
        Tensor out = floatUnary(UnaryOp.RDIV_SCALAR, "reciprocal", 1.0, 0);
        return record("ReciprocalBackward0", out, saved(out),
                (g, needs) -> new Tensor[] {g.mul(out.mul(out)).neg()}, this);
    }

    /** {@code base ^ exponent} elementwise, like {@code torch.pow(scalar, tensor)}. */
    public static Tensor pow(double base, Tensor exponent) {
        Tensor out = exponent.floatUnary(UnaryOp.RPOW_SCALAR, "pow", base, 0);
        return record("PowBackward2", out, saved(out),
                (g, needs) -> new Tensor[] {g.mul(out).mul(Math.log(base))}, exponent);
    }

    public Tensor abs() {
        Tensor out = unaryKernel(UnaryOp.ABS, 0, 0);
        return record("AbsBackward0", out, saved(this), (g, needs) -> new Tensor[] {g.mul(this.sign())}, this);
    }

    /** -1, 0 or 1 by sign (no gradient flows: its derivative is zero almost everywhere). */
    public Tensor sign() {
        Tensor out = unaryKernel(UnaryOp.SIGN, 0, 0);
        return record("SignBackward0", out, (g, needs) -> new Tensor[] {zerosLike(this)}, this);
    }

    public Tensor relu() {
        Tensor out = floatUnary(UnaryOp.RELU, "relu", 0, 0);
        return record("ReluBackward0", out, saved(out),
                (g, needs) -> new Tensor[] {g.mul(out.unaryKernel(UnaryOp.STEP, 0, 0))}, this);
    }

    public Tensor sigmoid() {
        Tensor out = floatUnary(UnaryOp.SIGMOID, "sigmoid", 0, 0);
        return record("SigmoidBackward0", out, saved(out), (g, needs) -> new Tensor[] {g.mul(out.mul(out.rsub(1.0)))}, this);
    }

    public Tensor tanh() {
        Tensor out = floatUnary(UnaryOp.TANH, "tanh", 0, 0);
        return record("TanhBackward0", out, saved(out), (g, needs) -> new Tensor[] {g.mul(out.mul(out).rsub(1.0))}, this);
    }

    /** Limits values to [min, max]; pass NaN for a side without a bound. The gradient passes inside the range. */
    public Tensor clamp(double min, double max) {
        return clamp(min, max, "ClampBackward1");
    }

    public Tensor clampMin(double min) {
        return clamp(min, Double.NaN, "ClampMinBackward0");
    }

    public Tensor clampMax(double max) {
        return clamp(Double.NaN, max, "ClampMaxBackward0");
    }

    private Tensor clamp(double min, double max, String name) {
        if (Double.isNaN(min) && Double.isNaN(max)) {
            throw new IllegalArgumentException("torch.clamp: At least one of 'min' or 'max' must not be None");
        }
        Tensor out = floatUnary(UnaryOp.CLAMP, "clamp", min, max);
        return record(name, out, saved(this), (g, needs) -> new Tensor[] {g.mul(this.unaryKernel(UnaryOp.INSIDE, min, max))},
                this);
    }

    /** Elementwise maximum of two tensors; on ties the gradient is split evenly, as in PyTorch. */
    public Tensor maximum(Tensor other) {
        return extremum(BinaryOp.MAXIMUM, "MaximumBackward0", other);
    }

    public Tensor minimum(Tensor other) {
        return extremum(BinaryOp.MINIMUM, "MinimumBackward0", other);
    }

    private Tensor extremum(BinaryOp op, String name, Tensor other) {
        Tensor out = binaryKernel(op, other);
        return record(name, out, saved(this, other, out), (g, needs) -> {
            Tensor mine = this.eq(out).to(g.dtype()), theirs = other.eq(out).to(g.dtype());
            Tensor share = mine.add(theirs);
            return new Tensor[] {
                needs[0] ? g.mul(mine.div(share)).sumToShape(shapeUnsafe()) : null,
                needs[1] ? g.mul(theirs.div(share)).sumToShape(other.shapeUnsafe()) : null};
        }, this, other);
    }

    // ------------------------------------------------------------------ in-place ops

    /**
     * Writes {@code outOfPlace(this)} into this tensor's storage and bumps the version counter shared
     * with its views. Under grad mode, a leaf that requires grad refuses (PyTorch's rule), and when
     * the result is part of the graph this tensor takes over its gradFn; the op then reads a copy of
     * the old values, so formulas never see the overwritten data.
     */
    private Tensor inPlace(String op, java.util.function.UnaryOperator<Tensor> outOfPlace) {
        boolean grad = Autograd.isGradEnabled();
        if (grad && requiresGrad() && isLeaf()) {
            throw new IllegalStateException("a leaf Variable that requires grad is being used in an in-place operation."
                    + " (" + op + "; wrap optimizer-style updates in Autograd.noGrad())");
        }
        Tensor result = grad && requiresGrad() ? outOfPlace.apply(copy()) : outOfPlace.apply(detach());
        boolean recorded = result.gradFn != null;
        if (recorded && viewBase != null) {
            throw new UnsupportedOperationException(op + ": in-place operations on a view of a tensor that is part of "
                    + "the graph are not supported by autograd4j; write to a copy instead (e.g. x = x.add(y))");
        }
        if (!Arrays.equals(result.shapeUnsafe(), shapeUnsafe())) {
            throw new IllegalArgumentException("output with shape " + shape() + " doesn't match the broadcast shape "
                    + result.shape());
        }
        if (!result.device().equals(device())) {
            checkSameDevice(this, result);
        }
        kernels().copy(result.storage, result.layout, storage, layout);
        version[0]++;
        if (recorded) {
            gradFn = result.gradFn;
        }
        return this;
    }

    /**
     * True when an in-place op needs no graph, so its kernel can write straight into this storage
     * (the optimizer's path: no temporary, no copy). Elementwise kernels read and write each
     * position once, so the output may alias an input.
     */
    private boolean writesDirectly(Tensor other) {
        return !Autograd.isGradEnabled() || !(requiresGrad() || (other != null && other.requiresGrad()));
    }

    private Tensor binaryInto(String op, BinaryOp kernel, Tensor other) {
        checkSameDevice(this, other);
        checkSameDtype(op, this, other);
        int[] shape = Shape.broadcast(shapeUnsafe(), other.shapeUnsafe());
        if (!Arrays.equals(shape, shapeUnsafe())) {
            throw new IllegalArgumentException("output with shape " + shape() + " doesn't match the broadcast shape "
                    + Shape.wrap(shape));
        }
        kernels().binary(kernel, storage, layout, other.storage, broadcastLayout(other.layout, shape), storage, layout);
        version[0]++;
        return this;
    }

    private Tensor unaryInto(UnaryOp kernel, double p0) {
        kernels().unary(kernel, storage, layout, storage, layout, p0, 0);
        version[0]++;
        return this;
    }

    /** In place {@code this += other} (broadcast to this shape). */
    public Tensor add_(Tensor other) {
        return writesDirectly(other) ? binaryInto("add_", BinaryOp.ADD, other) : inPlace("add_", t -> t.add(other));
    }

    /** In place {@code this += alpha * other}, as {@code add_(other, alpha=...)}. */
    public Tensor add_(Tensor other, double alpha) {
        if (writesDirectly(other)) {
            try (var g = Autograd.noGrad()) {
                return binaryInto("add_", BinaryOp.ADD, other.mul(alpha));
            }
        }
        return inPlace("add_", t -> t.add(other.mul(alpha)));
    }

    public Tensor add_(double value) {
        return writesDirectly(null) ? unaryInto(UnaryOp.ADD_SCALAR, value) : inPlace("add_", t -> t.add(value));
    }

    public Tensor sub_(Tensor other) {
        return writesDirectly(other) ? binaryInto("sub_", BinaryOp.SUB, other) : inPlace("sub_", t -> t.sub(other));
    }

    public Tensor sub_(double value) {
        return writesDirectly(null) ? unaryInto(UnaryOp.ADD_SCALAR, -value) : inPlace("sub_", t -> t.sub(value));
    }

    public Tensor mul_(Tensor other) {
        return writesDirectly(other) ? binaryInto("mul_", BinaryOp.MUL, other) : inPlace("mul_", t -> t.mul(other));
    }

    public Tensor mul_(double value) {
        return writesDirectly(null) ? unaryInto(UnaryOp.MUL_SCALAR, value) : inPlace("mul_", t -> t.mul(value));
    }

    public Tensor div_(Tensor other) {
        return writesDirectly(other) ? binaryInto("div_", BinaryOp.DIV, other) : inPlace("div_", t -> t.div(other));
    }

    public Tensor div_(double value) {
        return writesDirectly(null) ? unaryInto(UnaryOp.MUL_SCALAR, 1.0 / value) : inPlace("div_", t -> t.div(value));
    }

    public Tensor clamp_(double min, double max) {
        return inPlace("clamp_", t -> t.clamp(min, max));
    }

    public Tensor relu_() {
        return inPlace("relu_", Tensor::relu);
    }

    /** Sets every element to value; the old values get a zero gradient. */
    public Tensor fill_(double value) {
        return inPlace("fill_", t -> record("FillBackward0", full(t.shape(), value, t.dtype(), t.device()),
                (g, needs) -> new Tensor[] {zerosLike(g)}, t));
    }

    public Tensor zero_() {
        return fill_(0.0);
    }

    /** Copies src (broadcast, cast and moved as needed) into this tensor; gradients flow to src. */
    public Tensor copy_(Tensor src) {
        int[] target = shapeUnsafe();
        return inPlace("copy_", t -> {
            Tensor moved = src.to(t.device()).to(t.dtype());
            Tensor values;
            try (var g = Autograd.noGrad()) {
                values = moved.expand(target).copy();
            }
            int[] from = moved.shapeUnsafe();
            return record("CopyBackwards", values,
                    (g, needs) -> new Tensor[] {zerosLike(g), g.sumToShape(from)}, t, moved);
        });
    }

    // ------------------------------------------------------------------ comparisons (no gradient)

    public Tensor eq(Tensor other) {
        return binaryKernel(BinaryOp.EQ, other);
    }

    public Tensor ne(Tensor other) {
        return binaryKernel(BinaryOp.NE, other);
    }

    public Tensor lt(Tensor other) {
        return binaryKernel(BinaryOp.LT, other);
    }

    public Tensor le(Tensor other) {
        return binaryKernel(BinaryOp.LE, other);
    }

    public Tensor gt(Tensor other) {
        return binaryKernel(BinaryOp.GT, other);
    }

    public Tensor ge(Tensor other) {
        return binaryKernel(BinaryOp.GE, other);
    }

    public Tensor eq(double value) {
        return binaryKernel(BinaryOp.EQ, scalarLike(value));
    }

    public Tensor ne(double value) {
        return binaryKernel(BinaryOp.NE, scalarLike(value));
    }

    public Tensor lt(double value) {
        return binaryKernel(BinaryOp.LT, scalarLike(value));
    }

    public Tensor le(double value) {
        return binaryKernel(BinaryOp.LE, scalarLike(value));
    }

    public Tensor gt(double value) {
        return binaryKernel(BinaryOp.GT, scalarLike(value));
    }

    public Tensor ge(double value) {
        return binaryKernel(BinaryOp.GE, scalarLike(value));
    }

    /** Elementwise {@code condition ? a : b} with broadcasting; condition must be bool. */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        if (condition.dtype() != DType.BOOL) {
            throw new IllegalArgumentException("where expected condition to be a boolean tensor, but got a tensor with "
                    + "dtype " + condition.dtype().scalarTypeName());
        }
        checkSameDevice(condition, a);
        checkSameDevice(a, b);
        checkSameDtype("where", a, b);
        int[] shape = Shape.broadcast(Shape.broadcast(condition.shapeUnsafe(), a.shapeUnsafe()), b.shapeUnsafe());
        Tensor out = a.emptyLike(shape, a.dtype());
        a.kernels().where(condition.storage, broadcastLayout(condition.layout, shape), a.storage,
                broadcastLayout(a.layout, shape), b.storage, broadcastLayout(b.layout, shape), out.storage, out.layout);
        return record("WhereBackward0", out, saved(condition), (g, needs) -> {
            Tensor zero = zerosLike(g);
            return new Tensor[] {
                needs[0] ? where(condition, g, zero).sumToShape(a.shapeUnsafe()) : null,
                needs[1] ? where(condition, zero, g).sumToShape(b.shapeUnsafe()) : null};
        }, a, b);
    }

    /** {@code where(condition, this, other)}. */
    public Tensor where(Tensor condition, Tensor other) {
        return where(condition, this, other);
    }

    // ------------------------------------------------------------------ matrix products

    /** Matrix product with PyTorch's rules for 1-D, 2-D and batched (broadcast) operands. */
    public Tensor matmul(Tensor other) {
        int ra = dim(), rb = other.dim();
        if (ra == 0 || rb == 0) {
            throw new IllegalArgumentException("both arguments to matmul need to be at least 1D, but they are " + ra
                    + "D and " + rb + "D");
        }
        if (ra == 1 && rb == 1) {
            return dot(other);
        }
        if (ra == 2 && rb == 1) {
            return mv(other);
        }
        if (ra == 1 && rb == 2) {
            return unsqueeze(0).mm(other).squeeze(0);
        }
        if (ra == 2 && rb == 2) {
            return mm(other);
        }
        Tensor a = ra == 1 ? unsqueeze(0) : this;
        Tensor b = rb == 1 ? other.unsqueeze(-1) : other;
        int[] as = a.shapeUnsafe(), bs = b.shapeUnsafe();
        int m = as[as.length - 2], k = as[as.length - 1], k2 = bs[bs.length - 2], n = bs[bs.length - 1];
        if (k != k2) {
            throw new IllegalArgumentException("Expected size for first two dimensions of batch2 tensor to be: "
                    + "[batch, " + k + "] but got: [batch, " + k2 + "] (matmul of " + shape() + " and "
                    + other.shape() + ")");
        }
        int[] batch = Shape.broadcast(Arrays.copyOf(as, as.length - 2), Arrays.copyOf(bs, bs.length - 2));
        int batchSize = Shape.numel(batch);
        Tensor a3 = a.expand(concat(batch, m, k)).reshape(batchSize, m, k);
        Tensor b3 = b.expand(concat(batch, k, n)).reshape(batchSize, k, n);
        Tensor out = a3.bmm(b3).reshape(concat(batch, m, n));
        if (ra == 1) {
            out = out.squeeze(-2);
        }
        if (rb == 1) {
            out = out.squeeze(-1);
        }
        return out;
    }

    private static int[] concat(int[] head, int... tail) {
        int[] r = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, r, head.length, tail.length);
        return r;
    }

    /** Product of [B, m, k] and [B, k, n] through the backend. */
    private Tensor matmulKernel(Layout a3, Tensor other, Layout b3, int[] outShape) {
        checkSameDevice(this, other);
        checkSameDtype("matmul", this, other);
        requireFloating(dtype(), "matmul");
        Tensor out = emptyLike(outShape, dtype());
        int[] s = a3.shape();
        int[] o3 = {s[0], s[1], b3.shape()[2]};
        kernels().matmul(storage, a3, other.storage, b3, out.storage,
                new Layout(o3, new int[] {o3[1] * o3[2], o3[2], 1}, 0));
        return out;
    }

    private static Layout batched(Layout l) {
        int[] s = l.shape(), st = l.strides();
        return new Layout(new int[] {1, s[0], s[1]}, new int[] {0, st[0], st[1]}, l.offset());
    }

    /** 2-D matrix product. */
    public Tensor mm(Tensor other) {
        if (dim() != 2 || other.dim() != 2) {
            throw new IllegalArgumentException(dim() != 2 ? "self must be a matrix" : "mat2 must be a matrix");
        }
        int m = size(0), k = size(1), k2 = other.size(0), n = other.size(1);
        if (k != k2) {
            throw new IllegalArgumentException("mat1 and mat2 shapes cannot be multiplied (" + m + "x" + k + " and "
                    + k2 + "x" + n + ")");
        }
        Tensor out = matmulKernel(batched(layout), other, batched(other.layout), new int[] {m, n});
        return record("MmBackward0", out, saved(this, other), (g, needs) -> new Tensor[] {
            needs[0] ? g.mm(other.t()) : null,
            needs[1] ? this.t().mm(g) : null}, this, other);
    }

    /** Batched product of [B, m, k] and [B, k, n]. */
    public Tensor bmm(Tensor other) {
        if (dim() != 3 || other.dim() != 3) {
            throw new IllegalArgumentException("batch1 must be a 3D tensor, got " + shape() + " and " + other.shape());
        }
        int[] s = shapeUnsafe(), o = other.shapeUnsafe();
        if (o[0] != s[0] || o[1] != s[2]) {
            throw new IllegalArgumentException("Expected size for first two dimensions of batch2 tensor to be: ["
                    + s[0] + ", " + s[2] + "] but got: [" + o[0] + ", " + o[1] + "].");
        }
        Tensor out = matmulKernel(layout, other, other.layout, new int[] {s[0], s[1], o[2]});
        return record("BmmBackward0", out, saved(this, other), (g, needs) -> new Tensor[] {
            needs[0] ? g.bmm(other.transpose(1, 2)) : null,
            needs[1] ? this.transpose(1, 2).bmm(g) : null}, this, other);
    }

    /** Inner product of two 1-D tensors. */
    public Tensor dot(Tensor other) {
        if (dim() != 1 || other.dim() != 1) {
            throw new IllegalArgumentException("1D tensors expected, but got " + dim() + "D and " + other.dim()
                    + "D tensors");
        }
        if (numel() != other.numel()) {
            throw new IllegalArgumentException("inconsistent tensor size, expected tensor [" + numel() + "] and src ["
                    + other.numel() + "] to have the same number of elements, but got " + numel() + " and "
                    + other.numel() + " elements respectively");
        }
        int k = numel();
        Layout a3 = new Layout(new int[] {1, 1, k}, new int[] {0, 0, layout.strides()[0]}, layout.offset());
        Layout b3 = new Layout(new int[] {1, k, 1}, new int[] {0, other.layout.strides()[0], 0}, other.layout.offset());
        Tensor out = matmulKernel(a3, other, b3, new int[0]);
        return record("DotBackward0", out, saved(this, other), (g, needs) -> new Tensor[] {
            needs[0] ? other.mul(g) : null,
            needs[1] ? this.mul(g) : null}, this, other);
    }

    /** Matrix-vector product. */
    public Tensor mv(Tensor vec) {
        if (dim() != 2 || vec.dim() != 1) {
            throw new IllegalArgumentException("vector + matrix @ vector expected, got " + dim() + ", " + vec.dim());
        }
        if (size(1) != vec.size(0)) {
            throw new IllegalArgumentException("size mismatch, got input (" + size(0) + "), mat (" + size(0) + "x"
                    + size(1) + "), vec (" + vec.size(0) + ")");
        }
        int m = size(0), k = size(1);
        Layout b3 = new Layout(new int[] {1, k, 1}, new int[] {0, vec.layout.strides()[0], 0}, vec.layout.offset());
        Tensor out = matmulKernel(batched(layout), vec, b3, new int[] {m});
        return record("MvBackward0", out, saved(this, vec), (g, needs) -> new Tensor[] {
            needs[0] ? g.unsqueeze(1).mm(vec.unsqueeze(0)) : null,
            needs[1] ? this.t().mv(g) : null}, this, vec);
    }

    // ------------------------------------------------------------------ reductions

    /** Result of {@code max(dim)} / {@code min(dim)}: the values (differentiable) and their int64 indices. */
    public record ValuesIndices(Tensor values, Tensor indices) {
    }

    private int[] normalizeDims(int[] dims) {
        boolean[] seen = new boolean[Math.max(dim(), 1)];
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            int d = Shape.normalizeDim(dims[i], dim());
            if (seen[d]) {
                throw new IllegalArgumentException("dim " + d + " appears multiple times in the list of dims");
            }
            seen[d] = true;
            out[i] = d;
        }
        Arrays.sort(out);
        return dim() == 0 ? new int[0] : out;
    }

    /** Reduces the given (normalized, sorted) dims; returns {values, indices or null}. */
    private Tensor[] reduceKernel(ReduceOp op, int[] dims, boolean withIndices) {
        int rank = dim();
        int[] shape = layout.shape(), strides = layout.strides();
        boolean[] reduced = new boolean[rank];
        for (int d : dims) {
            reduced[d] = true;
        }
        int[] pShape = new int[rank], pStrides = new int[rank], outShape = new int[rank - dims.length];
        int kept = 0;
        for (int i = 0; i < rank; i++) {
            if (!reduced[i]) {
                pShape[kept] = shape[i];
                pStrides[kept] = strides[i];
                outShape[kept++] = shape[i];
            }
        }
        int r = kept;
        for (int d : dims) {
            if (op != ReduceOp.SUM && shape[d] == 0) {
                throw new IllegalArgumentException(op.kernelName() + "(): Expected reduction dim " + d
                        + " to have non-zero size.");
            }
            pShape[r] = shape[d];
            pStrides[r++] = strides[d];
        }
        Tensor out = emptyLike(outShape, dtype());
        Tensor indices = withIndices ? emptyLike(outShape, DType.INT64) : null;
        kernels().reduce(op, storage, new Layout(pShape, pStrides, layout.offset()), dims.length, out.storage,
                out.layout, indices == null ? null : indices.storage, indices == null ? null : indices.layout);
        return new Tensor[] {out, indices};
    }

    private int[] allDims() {
        int[] d = new int[dim()];
        for (int i = 0; i < d.length; i++) {
            d[i] = i;
        }
        return d;
    }

    /** The shape with reduced dims kept as size 1. */
    private int[] keptShape(int[] dims) {
        int[] s = layout.shape().clone();
        for (int d : dims) {
            s[d] = 1;
        }
        return s;
    }

    /** Sum of all elements, a 0-d tensor. */
    public Tensor sum() {
        Tensor out = reduceKernel(ReduceOp.SUM, allDims(), false)[0];
        return record("SumBackward0", out, (g, needs) -> new Tensor[] {g.expand(shapeUnsafe())}, this);
    }

    /** Sum over dims, dropping them. */
    public Tensor sum(int... dims) {
        return sum(dims, false);
    }

    public Tensor sum(int[] dims, boolean keepDim) {
        int[] nd = normalizeDims(dims);
        Tensor out = reduceKernel(ReduceOp.SUM, nd, false)[0];
        int[] kept = keptShape(nd);
        if (keepDim) {
            out = out.reshapeNoGrad(kept);
        }
        return record("SumBackward1", out, (g, needs) -> new Tensor[] {g.reshape(kept).expand(shapeUnsafe())}, this);
    }

    public Tensor mean() {
        requireFloating(dtype(), "mean");
        int count = numel();
        Tensor out = reduceKernel(ReduceOp.SUM, allDims(), false)[0].scaleNoGrad(1.0 / count);
        return record("MeanBackward0", out, (g, needs) -> new Tensor[] {g.expand(shapeUnsafe()).div(count)}, this);
    }

    public Tensor mean(int... dims) {
        return mean(dims, false);
    }

    public Tensor mean(int[] dims, boolean keepDim) {
        requireFloating(dtype(), "mean");
        int[] nd = normalizeDims(dims);
        int count = 1;
        for (int d : nd) {
            count *= layout.shape()[d];
        }
        final int n = count;
        Tensor out = reduceKernel(ReduceOp.SUM, nd, false)[0].scaleNoGrad(1.0 / n);
        int[] kept = keptShape(nd);
        if (keepDim) {
            out = out.reshapeNoGrad(kept);
        }
        return record("MeanBackward1", out,
                (g, needs) -> new Tensor[] {g.reshape(kept).expand(shapeUnsafe()).div(n)}, this);
    }

    private Tensor scaleNoGrad(double factor) {
        return unaryKernel(UnaryOp.MUL_SCALAR, factor, 0);
    }

    private Tensor reshapeNoGrad(int[] shape) {
        try (var g = Autograd.noGrad()) {
            return reshape(shape);
        }
    }

    /** Largest element (NaN if any); the gradient is split evenly among ties, as in PyTorch. */
    public Tensor max() {
        return extremeAll(ReduceOp.MAX, "MaxBackward1");
    }

    public Tensor min() {
        return extremeAll(ReduceOp.MIN, "MinBackward1");
    }

    private Tensor extremeAll(ReduceOp op, String name) {
        if (numel() == 0) {
            throw new IllegalArgumentException(op.kernelName() + "(): Expected reduction dim to be specified for "
                    + "input.numel() == 0. Specify the reduction dim with the 'dim' argument.");
        }
        Tensor out = reduceKernel(op, allDims(), false)[0];
        return record(name, out, saved(this, out), (g, needs) -> {
            Tensor mask = this.eq(out).to(g.dtype());
            return new Tensor[] {mask.mul(g.div(mask.sum()))};
        }, this);
    }

    /** Largest values over a dim and where they are. */
    public ValuesIndices max(int dim, boolean keepDim) {
        return extremeDim(ReduceOp.MAX, "MaxBackward0", dim, keepDim);
    }

    public ValuesIndices min(int dim, boolean keepDim) {
        return extremeDim(ReduceOp.MIN, "MinBackward0", dim, keepDim);
    }

    /** Indices of the largest values over a dim (int64). */
    public Tensor argmax(int dim) {
        try (var g = Autograd.noGrad()) {
            return max(dim, false).indices();
        }
    }

    private ValuesIndices extremeDim(ReduceOp op, String name, int dim, boolean keepDim) {
        int d = Shape.normalizeDim(dim, dim());
        int[] dims = dim() == 0 ? new int[0] : new int[] {d};
        Tensor[] r = reduceKernel(op, dims, true);
        Tensor values = r[0], indices = r[1];
        int[] kept = keptShape(dims);
        Tensor keptIndices = indices.reshapeNoGrad(kept);
        if (keepDim) {
            values = values.reshapeNoGrad(kept);
            indices = keptIndices;
        }
        int size = dim() == 0 ? 1 : layout.shape()[d];
        values = record(name, values, (g, needs) -> {
            int[] positionShape = new int[Math.max(dim(), 1)];
            Arrays.fill(positionShape, 1);
            positionShape[dim() == 0 ? 0 : d] = size;
            Tensor positions = arange(0, size, 1, DType.INT64, device()).reshape(positionShape);
            Tensor mask = positions.eq(keptIndices).to(g.dtype());
            return new Tensor[] {g.reshape(kept).mul(mask).reshape(shapeUnsafe())};
        }, this);
        return new ValuesIndices(values, indices);
    }

    /** softmax over a dim, computed stably (the max is subtracted first). */
    public Tensor softmax(int dim) {
        int d = Shape.normalizeDim(dim, dim());
        Tensor y = softmaxKernel(d, false);
        return record("SoftmaxBackward0", y, saved(y), (g, needs) -> new Tensor[] {
            y.mul(g.sub(g.mul(y).sum(new int[] {d}, true)))}, this);
    }

    /** log(softmax(x)) over a dim, computed stably without forming softmax. */
    public Tensor logSoftmax(int dim) {
        int d = Shape.normalizeDim(dim, dim());
        Tensor y = softmaxKernel(d, true);
        return record("LogSoftmaxBackward0", y, saved(y), (g, needs) -> new Tensor[] {
            g.sub(y.exp().mul(g.sum(new int[] {d}, true)))}, this);
    }

    /** The forward of (log-)softmax: one backend call over dim {@code d} (normalized), moved last in both layouts. */
    private Tensor softmaxKernel(int d, boolean log) {
        requireFloating(dtype(), log ? "log_softmax" : "softmax");
        Tensor out = emptyLike(layout.shape(), dtype());
        if (numel() > 0) {
            kernels().softmax(log, storage, withDimLast(layout, d), out.storage, withDimLast(out.layout, d));
        }
        return out;
    }

    /** The same elements with dim {@code d} moved last; a 0-d layout becomes one row of one element. */
    private static Layout withDimLast(Layout l, int d) {
        int rank = l.rank();
        if (rank == 0) {
            return new Layout(new int[] {1}, new int[] {1}, l.offset());
        }
        int[] shape = new int[rank], strides = new int[rank];
        for (int i = 0, j = 0; i < rank; i++) {
            if (i != d) {
                shape[j] = l.shape()[i];
                strides[j++] = l.strides()[i];
            }
        }
        shape[rank - 1] = l.shape()[d];
        strides[rank - 1] = l.strides()[d];
        return new Layout(shape, strides, l.offset());
    }

    // ------------------------------------------------------------------ views

    /** A view with a new shape (one size may be -1); fails when the strides do not allow it. */
    public Tensor view(int... shape) {
        int[] target = inferShape(shape);
        int[] strides = viewStrides(target);
        if (strides == null) {
            throw new IllegalStateException("view size is not compatible with input tensor's size and stride (at least "
                    + "one dimension spans across two contiguous subspaces). Use .reshape(...) instead.");
        }
        int[] from = shapeUnsafe();
        Tensor out = view(new Layout(target, strides, layout.offset()));
        return record("ViewBackward0", out, (g, needs) -> new Tensor[] {g.reshape(from)}, this);
    }

    /** A view when the strides allow, else a copy, with the new shape (one size may be -1). */
    public Tensor reshape(int... shape) {
        int[] target = inferShape(shape);
        if (Arrays.equals(target, shapeUnsafe())) {
            return this;
        }
        return viewStrides(target) != null ? view(target) : contiguous().view(target);
    }

    /** Flattens to 1-D. */
    public Tensor flatten() {
        return reshape(-1);
    }

    /** Flattens dims start..end (inclusive) into one. */
    public Tensor flatten(int startDim, int endDim) {
        if (dim() == 0) {
            return reshape(1);
        }
        int s = Shape.normalizeDim(startDim, dim()), e = Shape.normalizeDim(endDim, dim());
        if (s > e) {
            throw new IllegalArgumentException("flatten() has invalid args: start_dim cannot come after end_dim");
        }
        int[] shape = shapeUnsafe();
        int[] out = new int[shape.length - (e - s)];
        int j = 0;
        for (int i = 0; i < s; i++) {
            out[j++] = shape[i];
        }
        int merged = 1;
        for (int i = s; i <= e; i++) {
            merged *= shape[i];
        }
        out[j++] = merged;
        for (int i = e + 1; i < shape.length; i++) {
            out[j++] = shape[i];
        }
        return reshape(out);
    }

    private int[] inferShape(int[] shape) {
        int n = numel(), known = 1, infer = -1;
        int[] out = shape.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("only one dimension can be inferred");
                }
                infer = i;
            } else if (out[i] < 0) {
                throw new IllegalArgumentException("invalid shape dimension " + out[i]);
            } else {
                known *= out[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || n % known != 0) {
                throw new IllegalArgumentException("shape '" + Arrays.toString(shape).replace("-1", "-1")
                        + "' is invalid for input of size " + n);
            }
            out[infer] = n / known;
        } else if (known != n) {
            throw new IllegalArgumentException("shape '" + Arrays.toString(shape) + "' is invalid for input of size " + n);
        }
        return out;
    }

    /** PyTorch's computeStride: strides for viewing this layout as newShape, or null when impossible. */
    private int[] viewStrides(int[] newShape) {
        int[] oldShape = layout.shape(), oldStrides = layout.strides();
        int[] newStrides = new int[newShape.length];
        if (numel() == 0) {
            return Layout.contiguous(newShape).strides();
        }
        int viewD = newShape.length - 1;
        int chunkBase = oldStrides.length == 0 ? 1 : oldStrides[oldStrides.length - 1];
        long tensorNumel = 1, viewNumel = 1;
        for (int d = oldShape.length - 1; d >= 0; d--) {
            tensorNumel *= oldShape[d];
            if (d == 0 || (oldShape[d - 1] != 1 && oldStrides[d - 1] != tensorNumel * chunkBase)) {
                while (viewD >= 0 && (viewNumel < tensorNumel || newShape[viewD] == 1)) {
                    newStrides[viewD] = (int) (viewNumel * chunkBase);
                    viewNumel *= newShape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) {
                    return null;
                }
                if (d > 0) {
                    chunkBase = oldStrides[d - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        if (viewD != -1) {
            // remaining new dims are all size 1
            for (; viewD >= 0; viewD--) {
                if (newShape[viewD] != 1) {
                    return null;
                }
                newStrides[viewD] = 1;
            }
        }
        return newStrides;
    }

    /** Swaps two dims (a view). */
    public Tensor transpose(int dim0, int dim1) {
        int a = Shape.normalizeDim(dim0, dim()), b = Shape.normalizeDim(dim1, dim());
        if (dim() == 0) {
            return this;
        }
        int[] shape = layout.shape().clone(), strides = layout.strides().clone();
        shape[a] = layout.shape()[b];
        shape[b] = layout.shape()[a];
        strides[a] = layout.strides()[b];
        strides[b] = layout.strides()[a];
        Tensor out = view(new Layout(shape, strides, layout.offset()));
        return record("TransposeBackward0", out, (g, needs) -> new Tensor[] {g.transpose(a, b)}, this);
    }

    /** Transpose of a matrix (tensors of fewer than 2 dims are returned as they are). */
    public Tensor t() {
        if (dim() > 2) {
            throw new IllegalArgumentException("t() expects a tensor with <= 2 dimensions, but self is " + dim() + "D");
        }
        if (dim() < 2) {
            return this;
        }
        Tensor out = view(new Layout(new int[] {size(1), size(0)},
                new int[] {layout.strides()[1], layout.strides()[0]}, layout.offset()));
        return record("TBackward0", out, (g, needs) -> new Tensor[] {g.t()}, this);
    }

    /** Reorders dims (a view). */
    public Tensor permute(int... dims) {
        if (dims.length != dim()) {
            throw new IllegalArgumentException("permute(sparse_coo): number of dimensions in the tensor input does not "
                    + "match the length of the desired ordering of dimensions i.e. input.dim() = " + dim()
                    + " is not equal to len(dims) = " + dims.length);
        }
        int[] perm = new int[dims.length], inverse = new int[dims.length];
        boolean[] seen = new boolean[dims.length];
        int[] shape = new int[dims.length], strides = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            int d = Shape.normalizeDim(dims[i], dim());
            if (seen[d]) {
                throw new IllegalArgumentException("permute(): duplicate dims are not allowed.");
            }
            seen[d] = true;
            perm[i] = d;
            inverse[d] = i;
            shape[i] = layout.shape()[d];
            strides[i] = layout.strides()[d];
        }
        Tensor out = view(new Layout(shape, strides, layout.offset()));
        return record("PermuteBackward0", out, (g, needs) -> new Tensor[] {g.permute(inverse)}, this);
    }

    /** Removes all size-1 dims. */
    public Tensor squeeze() {
        int[] shape = layout.shape(), strides = layout.strides();
        int n = 0;
        for (int s : shape) {
            n += s == 1 ? 0 : 1;
        }
        int[] ns = new int[n], nst = new int[n];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (shape[i] != 1) {
                ns[j] = shape[i];
                nst[j++] = strides[i];
            }
        }
        int[] from = shapeUnsafe();
        Tensor out = view(new Layout(ns, nst, layout.offset()));
        return record("SqueezeBackward0", out, (g, needs) -> new Tensor[] {g.reshape(from)}, this);
    }

    /** Removes dim if its size is 1 (otherwise returns a view of the same shape, as PyTorch does). */
    public Tensor squeeze(int dim) {
        if (dim() == 0) {
            return this;
        }
        int d = Shape.normalizeDim(dim, dim());
        if (layout.shape()[d] != 1) {
            return this;
        }
        int[] ns = removeAt(layout.shape(), d), nst = removeAt(layout.strides(), d);
        Tensor out = view(new Layout(ns, nst, layout.offset()));
        return record("SqueezeBackward1", out, (g, needs) -> new Tensor[] {g.unsqueeze(d)}, this);
    }

    private static int[] removeAt(int[] a, int i) {
        int[] r = new int[a.length - 1];
        System.arraycopy(a, 0, r, 0, i);
        System.arraycopy(a, i + 1, r, i, a.length - i - 1);
        return r;
    }

    private static int[] insertAt(int[] a, int i, int v) {
        int[] r = new int[a.length + 1];
        System.arraycopy(a, 0, r, 0, i);
        r[i] = v;
        System.arraycopy(a, i, r, i + 1, a.length - i);
        return r;
    }

    /** Inserts a size-1 dim at position dim (in [-dim()-1, dim()]). */
    public Tensor unsqueeze(int dim) {
        int d = Shape.normalizeDim(dim, dim() + 1);
        int stride = d < dim() ? layout.strides()[d] * layout.shape()[d] : 1;
        Tensor out = view(new Layout(insertAt(layout.shape(), d, 1), insertAt(layout.strides(), d, stride),
                layout.offset()));
        return record("UnsqueezeBackward0", out, (g, needs) -> new Tensor[] {g.squeeze(d)}, this);
    }

    /** Broadcasts size-1 dims (and new leading dims) to the given sizes without copying; -1 keeps a size. */
    public Tensor expand(int... sizes) {
        int r = sizes.length, lr = dim();
        if (r < lr) {
            throw new IllegalArgumentException("expand: the number of sizes provided (" + r + ") must be greater or "
                    + "equal to the number of dimensions in the tensor (" + lr + ")");
        }
        int[] shape = new int[r], strides = new int[r];
        for (int i = 0; i < r; i++) {
            int li = i - (r - lr);
            int target = sizes[i];
            if (li < 0) {
                if (target < 0) {
                    throw new IllegalArgumentException("The expanded size of the tensor (" + target + ") isn't allowed "
                            + "in a leading, non-existing dimension " + i);
                }
                shape[i] = target;
                strides[i] = 0;
                continue;
            }
            int have = layout.shape()[li];
            if (target == -1) {
                target = have;
            }
            if (have == target) {
                shape[i] = have;
                strides[i] = layout.strides()[li];
            } else if (have == 1) {
                shape[i] = target;
                strides[i] = 0;
            } else {
                throw new IllegalArgumentException("The expanded size of the tensor (" + target + ") must match the "
                        + "existing size (" + have + ") at non-singleton dimension " + i + ".  Target sizes: "
                        + Arrays.toString(sizes) + ".  Tensor sizes: " + shape());
            }
        }
        if (Arrays.equals(shape, shapeUnsafe())) {
            return this;
        }
        int[] from = shapeUnsafe();
        Tensor out = view(new Layout(shape, strides, layout.offset()));
        return record("ExpandBackward0", out, (g, needs) -> new Tensor[] {g.sumToShape(from)}, this);
    }

    /** {@code length} elements of dim starting at start (a view). */
    public Tensor narrow(int dim, int start, int length) {
        if (dim() == 0) {
            throw new IllegalArgumentException("narrow() cannot be applied to a 0-dim tensor.");
        }
        int d = Shape.normalizeDim(dim, dim());
        int size = layout.shape()[d];
        if (start < 0) {
            start += size;
        }
        if (start < 0 || start > size || length < 0 || start + length > size) {
            throw new IndexOutOfBoundsException("start (" + start + ") + length (" + length + ") exceeds dimension size ("
                    + size + ") of dim " + d + " in tensor of shape " + shape());
        }
        int[] shape = layout.shape().clone();
        shape[d] = length;
        Tensor out = view(new Layout(shape, layout.strides(), layout.offset() + start * layout.strides()[d]));
        final int s0 = start;
        int[] from = shapeUnsafe();
        return record("SliceBackward0", out, (g, needs) -> new Tensor[] {sliceBackward(g, from, d, s0)}, this);
    }

    /** The inverse of narrow for gradients: zeros of {@code shape} with g placed at [start, start+len) of dim. */
    private static Tensor sliceBackward(Tensor g, int[] shape, int dim, int start) {
        Tensor out = zeros(Shape.of(shape), g.dtype(), g.device());
        Layout l = out.layout;
        int[] sub = shape.clone();
        sub[dim] = g.size(dim);
        g.kernels().copy(g.storage, g.layout, out.storage, new Layout(sub, l.strides(), start * l.strides()[dim]));
        int len = g.size(dim);
        return record("SliceBackwardBackward0", out, (gg, needs) -> new Tensor[] {gg.narrow(dim, start, len)}, g);
    }

    /** Index {@code index} of dim, removing the dim (a view). */
    public Tensor select(int dim, int index) {
        if (dim() == 0) {
            throw new IllegalArgumentException("select() cannot be applied to a 0-dim tensor.");
        }
        int d = Shape.normalizeDim(dim, dim());
        int size = layout.shape()[d];
        if (index < -size || index >= size) {
            throw new IndexOutOfBoundsException("select(): index " + index + " out of range for tensor of size "
                    + shape() + " at dimension " + d);
        }
        int i = index < 0 ? index + size : index;
        Tensor out = view(new Layout(removeAt(layout.shape(), d), removeAt(layout.strides(), d),
                layout.offset() + i * layout.strides()[d]));
        int[] from = shapeUnsafe();
        return record("SelectBackward0", out, (g, needs) -> new Tensor[] {sliceBackward(g.unsqueeze(d), from, d, i)},
                this);
    }

    /** This tensor if already contiguous, else a contiguous copy. */
    public Tensor contiguous() {
        return isContiguous() ? this : copy("CloneBackward0");
    }

    /** A copy with its own storage. */
    public Tensor copy() {
        return copy("CloneBackward0");
    }

    private Tensor copy(String name) {
        Tensor out = contiguousCopy();
        return record(name, out, (g, needs) -> new Tensor[] {g}, this);
    }

    private Tensor contiguousCopy() {
        Tensor out = emptyLike(layout.shape(), dtype());
        kernels().copy(storage, layout, out.storage, out.layout);
        return out;
    }

    /** Concatenates tensors along an existing dim. */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("torch.cat(): expected a non-empty list of Tensors");
        }
        Tensor first = tensors.get(0);
        int d = Shape.normalizeDim(dim, first.dim());
        int[] shape = first.layout.shape().clone();
        int total = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            checkSameDevice(first, t);
            checkSameDtype("cat", first, t);
            if (t.dim() != first.dim()) {
                throw new IllegalArgumentException("Tensors must have same number of dimensions: got " + first.dim()
                        + " and " + t.dim());
            }
            for (int k = 0; k < shape.length; k++) {
                if (k != d && t.layout.shape()[k] != shape[k]) {
                    throw new IllegalArgumentException("Sizes of tensors must match except in dimension " + d
                            + ". Expected size " + shape[k] + " but got size " + t.layout.shape()[k]
                            + " for tensor number " + i + " in the list.");
                }
            }
            total += t.layout.shape()[d];
        }
        shape[d] = total;
        Tensor out = first.emptyLike(shape, first.dtype());
        int[] starts = new int[tensors.size()];
        int offset = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            starts[i] = offset;
            Layout dst = new Layout(t.layout.shape(), out.layout.strides(), offset * out.layout.strides()[d]);
            first.kernels().copy(t.storage, t.layout, out.storage, dst);
            offset += t.layout.shape()[d];
        }
        Tensor[] inputs = tensors.toArray(new Tensor[0]);
        return record("CatBackward0", out, (g, needs) -> {
            Tensor[] grads = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                grads[i] = needs[i] ? g.narrow(d, starts[i], inputs[i].layout.shape()[d]) : null;
            }
            return grads;
        }, inputs);
    }

    public static Tensor cat(int dim, Tensor... tensors) {
        return cat(List.of(tensors), dim);
    }

    /** Stacks equal-shaped tensors along a new dim. */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("stack expects a non-empty TensorList");
        }
        int[] shape = tensors.get(0).shapeUnsafe();
        for (int i = 1; i < tensors.size(); i++) {
            if (!Arrays.equals(tensors.get(i).shapeUnsafe(), shape)) {
                throw new IllegalArgumentException("stack expects each tensor to be equal size, but got "
                        + Arrays.toString(shape) + " at entry 0 and " + tensors.get(i).shape() + " at entry " + i);
            }
        }
        int d = Shape.normalizeDim(dim, shape.length + 1);
        Tensor out;
        try (var g = Autograd.noGrad()) {
            out = cat(tensors.stream().map(t -> t.unsqueeze(d)).toList(), d);
        }
        Tensor[] inputs = tensors.toArray(new Tensor[0]);
        return record("StackBackward0", out, (g, needs) -> {
            Tensor[] grads = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                grads[i] = needs[i] ? g.select(d, i) : null;
            }
            return grads;
        }, inputs);
    }

    public static Tensor stack(int dim, Tensor... tensors) {
        return stack(List.of(tensors), dim);
    }

    // ------------------------------------------------------------------ conversion

    /** A copy with another dtype (this tensor when it already has it); differentiable between float types. */
    public Tensor to(DType target) {
        if (target == dtype()) {
            return this;
        }
        Tensor out = emptyLike(layout.shape(), target);
        kernels().copy(storage, layout, out.storage, out.layout);
        DType from = dtype();
        if (!target.isFloatingPoint() || !from.isFloatingPoint()) {
            return out;
        }
        return record("ToCopyBackward0", out, (g, needs) -> new Tensor[] {g.to(from)}, this);
    }

    /** A copy on another device (this tensor when already there); gradients flow back across devices. */
    public Tensor to(Device target) {
        if (target.equals(device())) {
            return this;
        }
        Backend targetBackend = Backends.forDevice(target);
        backend.synchronize(device());
        Object host = backend.toHost(storage, layout);
        Tensor out = new Tensor(MemoryScope.track(targetBackend.fromHost(target, dtype(), host)),
                Layout.contiguous(layout.shape()), targetBackend, new int[1]);
        Device from = device();
        return record("ToCopyBackward0", out, (g, needs) -> new Tensor[] {g.to(from)}, this);
    }

    /** The single value of a one-element tensor. */
    public double item() {
        if (numel() != 1) {
            throw new IllegalStateException("a Tensor with " + numel() + " elements cannot be converted to Scalar");
        }
        return toDoubleArray()[0];
    }

    /** The elements in row-major order as float32 values. */
    public float[] toFloatArray() {
        Object host = hostArray();
        if (host instanceof float[] f) {
            return f;
        }
        double[] d = toDoubleArray();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** The elements in row-major order as float64 values. */
    public double[] toDoubleArray() {
        Object host = hostArray();
        if (host instanceof double[] d) {
            return d;
        }
        int n = numel();
        double[] d = new double[n];
        if (host instanceof float[] f) {
            for (int i = 0; i < n; i++) {
                d[i] = f[i];
            }
        } else if (host instanceof long[] l) {
            for (int i = 0; i < n; i++) {
                d[i] = l[i];
            }
        } else {
            boolean[] b = (boolean[]) host;
            for (int i = 0; i < n; i++) {
                d[i] = b[i] ? 1 : 0;
            }
        }
        return d;
    }

    /** The elements in row-major order as int64 values (floats are truncated toward zero). */
    public long[] toLongArray() {
        Object host = hostArray();
        if (host instanceof long[] l) {
            return l;
        }
        double[] d = toDoubleArray();
        long[] l = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            l[i] = (long) d[i];
        }
        return l;
    }

    private Object hostArray() {
        backend.synchronize(device());
        return backend.toHost(storage, layout);
    }

    /** Prints like PyTorch: {@code tensor([1.0000, 2.0000], grad_fn=<AddBackward0>)}. */
    @Override
    public String toString() {
        return TensorFormatter.format(this);
    }
}
