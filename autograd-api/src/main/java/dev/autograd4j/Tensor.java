package dev.autograd4j;

import dev.autograd4j.spi.Backend;
import dev.autograd4j.spi.Backends;
import dev.autograd4j.spi.BinaryOp;
import dev.autograd4j.spi.Decorators;
import dev.autograd4j.spi.Layout;
import dev.autograd4j.spi.Storage;
import dev.autograd4j.spi.UnaryOp;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * An n-dimensional array that records the operations applied to it, like {@code torch.Tensor}.
 *
 * <p>This class holds a tensor's state (storage, {@link Layout}, autograd fields), creation and the autograd
 * state. The ops are grouped by family in the interfaces it implements, where each op's forward sits next to its
 * derivative: {@link TensorPointwise} (arithmetic, elementwise math, comparisons), {@link TensorPointwiseTernary}
 * (lerp, clamp with tensor bounds), {@link TensorPointwiseMore} (atan2, fmod, remainder),
 * {@link TensorReductions}, {@link TensorViews} (views, reshapes, shape ops), {@link TensorLinalg} (matrix
 * products), {@link TensorIndexing} (gather, scatter, index_select, take, masked_fill), {@link TensorInPlace},
 * {@link TensorSorting} (sort, argsort, topk, kthvalue, median), {@link TensorSampling} (bernoulli, multinomial),
 * {@link TensorConversions} (dtype, device, Java values) and {@link TensorAutograd} ({@code backward}, hooks,
 * {@code detach_()}); the creation statics ({@code zeros}, {@code rand}, {@code of}, {@code linspace}, ...) are
 * inherited from {@code TensorCreation}. Every op reads as check,
 * dispatch to the backend's kernel, then {@link #record} of its backward formula (written in Tensor ops, so it
 * can itself be differentiated) when grad mode is on and an input requires grad. Only {@code Tensor} implements
 * those interfaces.
 */
public final class Tensor extends TensorCreation implements TensorPointwise, TensorPointwiseTernary,
        TensorPointwiseMore, TensorReductions, TensorViews, TensorLinalg, TensorIndexing, TensorAdvancedIndexing,
        TensorSorting, TensorSampling, TensorInPlace, TensorConversions, TensorAutograd {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Tensor.class);
    private static final Tensor[] NOTHING_SAVED = {};

    private final Storage storage;
    private final Layout layout;
    private final Backend backend;
    /** Shared by all views of one storage: bumped by in-place writes. */
    private final int[] version;
    private boolean requiresGrad;
    private Node gradFn;
    /** Written under this tensor's lock (concurrent backward passes accumulate into one leaf); read freely. */
    private volatile Tensor grad;
    private volatile Node accumulator;
    private boolean retainsGrad;
    private boolean warnedNonLeafGrad;
    /** Made in {@link Autograd#inferenceMode()} (or a view of such a tensor): no version counter, no graph. */
    private boolean inference;
    /** For views made by view ops: the tensor that owns the storage (in-place writes through views need it). */
    private Tensor viewBase;
    /** For views: how to make this view from {@link #viewBase} again (PyTorch's view replay). */
    private UnaryOperator<Tensor> replay;
    /** For views: the version counter's value when {@link #gradFn} was last derived from the base's history. */
    private int fnVersion;

    private Tensor(Storage storage, Layout layout, Backend backend, int[] version) {
        this.storage = storage;
        this.layout = layout;
        this.backend = backend;
        this.version = version;
        this.inference = Autograd.isInferenceModeEnabled();
    }

    // ------------------------------------------------------------------ internals for the op families

    /** The storage, for the op families and {@link MemoryScope}. */
    Storage storageUnsafe() {
        return storage;
    }

    Layout layout() {
        return layout;
    }

    int[] shapeUnsafe() {
        return layout.shape();
    }

    /** The backend that runs this tensor's kernels: its own, or one a debugging tool installed over it. */
    Backend kernels() {
        return Decorators.resolve(backend);
    }

    /** A new tensor on this one's device for an op's output: the op's kernel writes every element. */
    Tensor emptyLike(int[] shape, DType dtype) {
        return wrap(Allocation.storage(backend, device(), dtype, shape, false), shape, backend);
    }

    /**
     * A view sharing storage and version counter, remembered as a view of this tensor's base together with
     * {@code op}, the view op that makes it from this tensor: when the base is written in place, the view's
     * history is derived again from the base's new one by replaying the chain of view ops.
     */
    Tensor view(Layout newLayout, UnaryOperator<Tensor> op) {
        Tensor v = new Tensor(storage, newLayout, backend, version);
        v.viewBase = viewBase != null ? viewBase : this;
        // a view made without grad mode (or from one) keeps no replay: it never joins its base's history
        boolean tracked = Autograd.isGradEnabled() && (viewBase == null || replay != null);
        UnaryOperator<Tensor> before = replay;
        v.replay = !tracked ? null : before == null ? op : t -> op.apply(before.apply(t));
        v.fnVersion = version[0];
        v.inference = inference; // a view is an inference tensor exactly when its base is
        return v;
    }

    boolean isView() {
        return viewBase != null;
    }

    /** The tensor that owns this view's storage (null when this is no view). */
    Tensor viewBase() {
        return viewBase;
    }

    /** The chain of view ops that makes this view from {@link #viewBase()}. */
    UnaryOperator<Tensor> viewReplay() {
        return replay;
    }

    /** A tensor over the same memory carrying this tensor's current history: an input edge to it as it is now. */
    Tensor withCurrentHistory() {
        Tensor alias = detach();
        alias.gradFn = gradFn();
        return alias;
    }

    /**
     * After an in-place write: bumps the version counter shared with the views (inference tensors have none)
     * and, if recorded, takes the node; a {@link #retainGrad()} moves to it, so the new version's gradient is
     * the one retained.
     */
    void commitInPlace(Node node) {
        if (!inference) {
            version[0]++;
        }
        if (node != null) {
            synchronized (this) {
                if (retainsGrad) {
                    if (gradFn != null) {
                        gradFn.setRetainer(null);
                    }
                    node.setRetainer(this);
                }
                gradFn = node;
            }
        }
    }

    /** A contiguous copy outside the graph. */
    Tensor contiguousCopy() {
        Tensor out = emptyLike(layout.shape(), dtype());
        kernels().copy(storage, layout, out.storage, out.layout);
        return out;
    }

    // ------------------------------------------------------------------ metadata

    /**
     * The sizes, like {@code tensor.shape}.
     *
     * @return a copy of the shape
     */
    public Shape shape() {
        return Shape.wrap(layout.shape().clone());
    }

    /**
     * The number of dims.
     *
     * @return the rank (0 for a scalar)
     */
    public int dim() {
        return layout.rank();
    }

    /**
     * The size of one dim.
     *
     * @param dim the dim, negative counting from the end
     * @return its size
     * @throws IndexOutOfBoundsException for a dim out of range
     */
    public int size(int dim) {
        return layout.shape()[Shape.normalizeDim(dim, dim())];
    }

    /**
     * The number of elements.
     *
     * @return the product of the sizes
     */
    public int numel() {
        return layout.numel();
    }

    /**
     * The element type.
     *
     * @return the dtype
     */
    public DType dtype() {
        return storage.dtype();
    }

    /**
     * Where the storage lives.
     *
     * @return the device
     */
    public Device device() {
        return storage.device();
    }

    /**
     * Element strides, like {@code tensor.stride()}.
     *
     * @return a copy of the strides
     */
    public int[] stride() {
        return layout.strides().clone();
    }

    /**
     * Where this tensor's first element sits in its storage, in elements, as PyTorch's {@code storage_offset()}.
     *
     * @return the offset, 0 unless this tensor is a view that starts inside its base
     */
    public int storageOffset() {
        return layout.offset();
    }

    /**
     * The backend's buffer this tensor views, as PyTorch's {@code untyped_storage()}: for code that hands a
     * tensor's memory to a native library (a backend's interop helpers, such as the CUDA backend's
     * {@code CudaInterop.devicePointer}); ops never need it. Shared by every view of the same base.
     *
     * @return the storage
     */
    public Storage untypedStorage() {
        return storage;
    }

    /**
     * Whether the elements are laid out row-major without gaps.
     *
     * @return true if contiguous
     */
    public boolean isContiguous() {
        return layout.isContiguous();
    }

    /**
     * The version counter shared by this tensor's views; in-place writes bump it.
     *
     * @return the number of in-place writes so far
     */
    public int version() {
        return version[0];
    }

    /**
     * Whether this tensor was made in {@link Autograd#inferenceMode()} (or is a view or detached alias of one),
     * like {@code tensor.is_inference()}. Inference tensors keep no version counter and cannot be saved for
     * backward outside inference mode.
     *
     * @return true for an inference tensor
     */
    public boolean isInference() {
        return inference;
    }

    // ------------------------------------------------------------------ autograd state

    /**
     * Whether operations on this tensor are recorded: a leaf that asked for it, or any result of a recorded op.
     *
     * @return true when it takes part in the graph
     */
    public boolean requiresGrad() {
        return requiresGrad || gradFn() != null;
    }

    /**
     * Sets whether this leaf records operations, like {@code requires_grad_()}. On a non-leaf (which already
     * requires grad) {@code true} changes nothing and {@code false} is refused, as in PyTorch.
     *
     * @param requires the new flag
     * @return this tensor
     * @throws IllegalStateException for {@code false} on a non-leaf, or {@code true} on an inference tensor
     *     outside inference mode
     * @throws IllegalArgumentException for a non-floating dtype
     */
    public Tensor requiresGrad(boolean requires) {
        if (gradFn() != null) {
            if (requires) {
                return this;
            }
            throw new IllegalStateException("you can only change requires_grad flags of leaf variables. If you want to "
                    + "use a computed variable in a subgraph that doesn't require differentiation use "
                    + "var_no_grad = var.detach().");
        }
        if (requires && !dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("only Tensors of floating point dtype can require gradients, got "
                    + dtype());
        }
        if (requires && inference && !Autograd.isInferenceModeEnabled()) {
            throw new IllegalStateException("Setting requires_grad=True on inference tensor outside InferenceMode is "
                    + "not allowed.");
        }
        this.requiresGrad = requires;
        if (requires) {
            MemoryScope.escape(this); // a parameter: it outlives any scope it was made in
        }
        return this;
    }

    /**
     * Whether this tensor was made by the user rather than by a recorded op.
     *
     * @return true when it has no gradFn
     */
    public boolean isLeaf() {
        return gradFn() == null;
    }

    /**
     * The node that made this tensor, like {@code tensor.grad_fn}.
     *
     * @return the node, or null for leaves and tensors made without grad
     */
    public Node gradFn() {
        if (replay != null && fnVersion != version[0]) {
            rederiveViewHistory();
        }
        return gradFn;
    }

    /**
     * The base of this view was written in place since this view's node was made: its values now come from the
     * base's new history, so derive the node again by replaying the view ops on the base (PyTorch regenerates
     * a view's grad_fn the same way, as an AsStridedBackward0 node).
     */
    private synchronized void rederiveViewHistory() {
        if (fnVersion == version[0]) {
            return;
        }
        fnVersion = version[0];
        if (viewBase.requiresGrad() && !inference) {
            try (var g = Autograd.enableGrad()) {
                gradFn = replay.apply(viewBase).gradFn;
            }
        }
    }

    /**
     * The accumulated gradient of a leaf (or of a non-leaf after {@link #retainGrad()}). Reading it on any
     * other non-leaf logs PyTorch's warning once.
     *
     * @return the gradient, or null until a backward pass reaches it
     */
    public Tensor grad() {
        if (gradFn() != null && !retainsGrad && !warnedNonLeafGrad) {
            warnedNonLeafGrad = true;
            LOG.warn("The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad attribute "
                    + "won't be populated during autograd.backward(). If you indeed want the .grad field to be populated "
                    + "for a non-leaf Tensor, use .retainGrad() on the non-leaf Tensor. ({})", gradFn.name());
        }
        return grad;
    }

    /**
     * Makes backward fill {@code grad} of this non-leaf too (a no-op on leaves), like {@code retain_grad()}.
     * The gradient is recorded after this tensor's hooks ran; after an in-place op on this tensor, it is the
     * gradient of the new version that is kept.
     *
     * @return this tensor
     * @throws IllegalStateException when this tensor does not require grad
     */
    public synchronized Tensor retainGrad() {
        if (!requiresGrad()) {
            throw new IllegalStateException("can't retain_grad on Tensor that has requires_grad=False");
        }
        if (gradFn() != null && !retainsGrad) {
            retainsGrad = true;
            gradFn.setRetainer(this);
        }
        return this;
    }

    /**
     * Whether {@link #retainGrad()} was called on this non-leaf.
     *
     * @return true if its gradient is kept
     */
    public synchronized boolean retainsGrad() {
        return retainsGrad;
    }

    /**
     * Replaces (or with null clears) the accumulated gradient, like assigning {@code .grad}.
     *
     * @param newGrad a tensor of this shape, dtype and device, or null
     * @throws IllegalArgumentException when shape, dtype or device differ
     */
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
        synchronized (this) {
            this.grad = MemoryScope.escape(newGrad);
        }
    }

    /** The gradient without the non-leaf warning; write it only while holding this tensor's lock. */
    Tensor gradUnsafe() {
        return grad;
    }

    void gradUnsafe(Tensor newGrad) {
        grad = MemoryScope.escape(newGrad); // .grad outlives the scope of the backward pass that made it
    }

    /** This leaf's {@code AccumulateGrad} node, made once even when threads record ops on it concurrently. */
    Node gradAccumulator() {
        Node node = accumulator;
        if (node == null) {
            synchronized (this) {
                node = accumulator;
                if (node == null) {
                    node = Node.accumulator(this);
                    accumulator = node;
                }
            }
        }
        return node;
    }

    /**
     * A tensor sharing storage (and version counter) with this one, outside the graph.
     *
     * @return the detached tensor
     */
    public Tensor detach() {
        Tensor d = new Tensor(storage, layout, backend, version);
        d.inference = inference;
        return d;
    }

    /** {@link TensorAutograd#detach_()} on this tensor's state: a leaf that does not require grad. */
    synchronized void detachState() {
        if (gradFn != null && retainsGrad) {
            gradFn.setRetainer(null);
        }
        retainsGrad = false;
        gradFn = null;
        requiresGrad = false;
    }

    /** Records {@code out} as the result of a differentiable op when grad mode is on and an input needs it. */
    static Tensor record(String name, Tensor out, Node.BackwardFormula formula, Tensor... inputs) {
        return record(name, out, NOTHING_SAVED, formula, inputs);
    }

    /**
     * As {@link #record(String, Tensor, Node.BackwardFormula, Tensor...)}, naming the tensors whose values the
     * formula reads: backward fails, as in PyTorch, if one of them was modified in place in between.
     */
    static Tensor record(String name, Tensor out, Tensor[] saved, Node.BackwardFormula formula, Tensor... inputs) {
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

    /**
     * One kernel for {@code op} (broadcasting, same dtype and device), recording nothing: for the fused forward
     * and first-order backward formulas of losses ({@link Functional}), which run where no graph is recorded.
     */
    Tensor fusedBinary(BinaryOp op, Tensor other) {
        if (Autograd.isGradEnabled() && (requiresGrad() || other.requiresGrad())) {
            throw new IllegalStateException(op + " has no derivative; use it where no graph is recorded");
        }
        Kernels.requireFloating(dtype(), op.kernelName());
        return Kernels.binary(this, op, other);
    }

    /**
     * Throws {@code failure.get()} if any element of {@code flags} (BOOL, on this tensor's device) is true; on a
     * GPU at the next synchronization rather than now (see {@link Backend#assertNoneSet}).
     */
    void assertNoneSet(Tensor flags, Supplier<? extends RuntimeException> failure) {
        Kernels.checkSameDevice(this, flags);
        kernels().assertNoneSet(flags.storage, flags.layout, failure);
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
        if (n == 0) { // nothing to sum, only leading 1s differ (sum(new int[0]) would reduce every dim)
            return reshape(target);
        }
        if (n == lead && lead > 1 && layout.isContiguous() && Shape.numel(target) > 1 && layout.numel() > 0) {
            // only leading dims summed (a bias broadcast over [batch, seq, features]): as one leading dim, the
            // backend sums columns in memory order instead of walking strided rows
            int[] merged = new int[target.length + 1];
            merged[0] = -1;
            System.arraycopy(target, 0, merged, 1, target.length);
            return reshape(merged).sum(new int[] {0}, false).reshape(target);
        }
        return sum(Arrays.copyOf(dims, n), true).reshape(target);
    }

    // ------------------------------------------------------------------ static forms of ops

    /**
     * Elementwise {@code condition ? a : b} with broadcasting, like {@code torch.where}; gradients flow to the
     * chosen side.
     *
     * @param condition a BOOL tensor
     * @param a values where the condition holds
     * @param b values elsewhere, of a's dtype and device
     * @return a new tensor of the broadcast shape; {@code WhereBackward0}
     * @throws IllegalArgumentException when condition is not BOOL, or dtypes, devices or shapes do not match
     */
    public static Tensor where(Tensor condition, Tensor a, Tensor b) {
        Objects.requireNonNull(a, "a must not be null");
        return a.where(condition, b);
    }

    /**
     * {@code base ^ exponent} elementwise, like {@code torch.pow(scalar, tensor)}.
     *
     * @param base the scalar base
     * @param exponent a floating tensor
     * @return a new tensor; {@code PowBackward2}
     */
    public static Tensor pow(double base, Tensor exponent) {
        Objects.requireNonNull(exponent, "exponent must not be null");
        Kernels.requireFloating(exponent.dtype(), "pow");
        Tensor out = Kernels.unary(exponent, UnaryOp.RPOW_SCALAR, base, 0);
        return record("PowBackward2", out, saved(exponent, out), // pow_backward_exponent reads both
                (g, needs) -> new Tensor[] {g.mul(out).mul(Math.log(base))}, exponent);
    }

    /**
     * Concatenates tensors along an existing dim, like {@code torch.cat}.
     *
     * @param tensors same device and rank, any dtypes (promoted as {@code torch.cat} does); equal sizes except in {@code dim}
     * @param dim the dim to join along
     * @return a new tensor; {@code CatBackward0}
     * @throws IllegalArgumentException with PyTorch's message when the tensors do not fit together
     */
    public static Tensor cat(List<Tensor> tensors, int dim) {
        Objects.requireNonNull(tensors, "tensors must not be null");
        return Joins.cat(tensors, dim);
    }

    /**
     * Concatenates tensors along an existing dim, like {@code torch.cat}.
     *
     * @param dim the dim to join along
     * @param tensors same device and rank, any dtypes (promoted); equal sizes except in {@code dim}
     * @return a new tensor; {@code CatBackward0}
     */
    public static Tensor cat(int dim, Tensor... tensors) {
        Objects.requireNonNull(tensors, "tensors must not be null");
        return Joins.cat(List.of(tensors), dim);
    }

    /**
     * Stacks equal-shaped tensors along a new dim, like {@code torch.stack}.
     *
     * @param tensors equal shapes and devices, any dtypes (promoted)
     * @param dim where the new dim goes
     * @return a new tensor; {@code StackBackward0}
     * @throws IllegalArgumentException when the shapes differ
     */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        Objects.requireNonNull(tensors, "tensors must not be null");
        return Joins.stack(tensors, dim);
    }

    /**
     * Stacks equal-shaped tensors along a new dim, like {@code torch.stack}.
     *
     * @param dim where the new dim goes
     * @param tensors equal shapes and devices, any dtypes (promoted)
     * @return a new tensor; {@code StackBackward0}
     */
    public static Tensor stack(int dim, Tensor... tensors) {
        Objects.requireNonNull(tensors, "tensors must not be null");
        return Joins.stack(List.of(tensors), dim);
    }

    /** Result of {@code max(dim)}, {@code min(dim)}, {@code sort}, {@code topk}, {@code kthvalue} and
     * {@code median(dim)}: the values (differentiable) and their int64 indices.
     *
     * @param values the selected values, differentiable
     * @param indices their int64 positions along the dim
     */
    public record ValuesIndices(Tensor values, Tensor indices) {
    }

    // ------------------------------------------------------------------ promotion and conversion

    /** A new leaf over a storage of {@code backend}, contiguous with the given shape. */
    static Tensor wrap(Storage storage, int[] shape, Backend backend) {
        return new Tensor(MemoryScope.track(storage), Layout.contiguous(shape), backend, new int[1]);
    }

    /**
     * The dtype of a binary op on a and b, like {@code torch.result_type}: categories bool &lt; integer &lt;
     * floating; tensors with dims decide within a category, 0-d tensors only when of a higher category; two
     * floating dtypes give the wider. Every binary op promotes its operands so.
     *
     * @param a a tensor
     * @param b another tensor
     * @return the result type
     */
    public static DType resultType(Tensor a, Tensor b) {
        return Kernels.resultType(a, b);
    }

    /**
     * The dtype of a binary op on a tensor and a Java double, taken as a Python float: it counts only by its
     * category, so float tensors keep their dtype and integer or bool tensors give float32 (the default dtype).
     *
     * @param a a tensor
     * @param scalar the scalar (only its type matters)
     * @return the result type
     */
    public static DType resultType(Tensor a, double scalar) {
        return Kernels.resultType(a, DType.FLOAT64);
    }

    /**
     * The dtype of a binary op on a tensor and a Java long, taken as a Python int: float and int64 tensors keep
     * their dtype, bool tensors give int64.
     *
     * @param a a tensor
     * @param scalar the scalar (only its type matters)
     * @return the result type
     */
    public static DType resultType(Tensor a, long scalar) {
        return Kernels.resultType(a, DType.INT64);
    }

    /** The elements in row-major order as a host array of this dtype, after waiting for the device. */
    Object hostArray() {
        backend.synchronize(device());
        return kernels().toHost(storage, layout);
    }

    /**
     * Prints like PyTorch: {@code tensor([1.0000, 2.0000], grad_fn=<AddBackward0>)}.
     *
     * @return the formatted tensor
     */
    @Override
    public String toString() {
        return TensorFormatter.format(this);
    }
}
