package dev.autograd4j;

import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * The write of an in-place op, shared by the op families ({@link TensorInPlace}, and the in-place indexing ops
 * {@code indexPut_}/{@code put_}): the op is computed out of place, then copied into the tensor's storage and
 * the tensor (or, for a view, its base) takes over the op's node.
 */
final class InPlaceWrites {
    private InPlaceWrites() {
    }

    /**
     * Writes {@code outOfPlace(x)} into {@code x}'s storage (no overlap check: the caller makes it): refuses a
     * leaf that requires grad (and a view of one) under grad mode; with grad on the op reads a copy of the old
     * values; a recorded result on a view rebases the base's history on {@code CopySlices}.
     */
    static Tensor write(Tensor x, String op, UnaryOperator<Tensor> outOfPlace) {
        Autograd.checkInPlaceAllowed(x);
        boolean grad = Autograd.isGradEnabled();
        if (grad && x.requiresGrad() && x.isLeaf()) {
            throw new IllegalStateException("a leaf Variable that requires grad is being used in an in-place operation."
                    + " (" + op + "; wrap optimizer-style updates in Autograd.noGrad())");
        }
        if (grad && x.isView() && x.viewBase().isLeaf() && x.viewBase().requiresGrad()) {
            throw new IllegalStateException("a view of a leaf Variable that requires grad is being used in an in-place "
                    + "operation. (" + op + ")");
        }
        // with grad on, the op reads a copy of x (PyTorch saves self.clone() for in-place formulas that need the
        // original): a backward formula that saved it must not see the write below
        Tensor result = grad ? outOfPlace.apply(x.copy()) : outOfPlace.apply(x.detach());
        Node node = result.gradFn();
        if (!Arrays.equals(result.shapeUnsafe(), x.shapeUnsafe())) {
            throw new IllegalArgumentException("output with shape " + x.shape() + " doesn't match the broadcast shape "
                    + result.shape());
        }
        Kernels.checkSameDevice(x, result);
        Kernels.checkCastsTo(result.dtype(), x.dtype());
        if (result.dtype() != x.dtype()) {
            result = result.to(x.dtype());
            node = result.gradFn();
        }
        if (node != null && x.isView()) {
            return writeThroughView(x, result);
        }
        x.kernels().copy(result.storageUnsafe(), result.layout(), x.storageUnsafe(), x.layout());
        x.commitInPlace(node);
        return x;
    }

    /**
     * A recorded in-place op on a view: the base's history is rebased on a {@code CopySlices} node (PyTorch's
     * name) whose gradient goes to the base's old history outside the view's region and, read through the same
     * view ops, to the op's result inside it. The view's own node is derived again from the base's new history
     * when next asked for ({@link Tensor#gradFn()}).
     */
    private static Tensor writeThroughView(Tensor x, Tensor result) {
        Tensor base = x.viewBase();
        UnaryOperator<Tensor> replay = x.viewReplay();
        if (replay == null) {
            throw new IllegalStateException("A view was created in no_grad mode and is being modified inplace with "
                    + "grad mode enabled. Given that this use case is ambiguous and error-prone, it is forbidden. You "
                    + "can clarify your code by moving both the view and the inplace either both inside the no_grad "
                    + "block (if you don't want the inplace to be tracked) or both outside (if you want the inplace "
                    + "to be tracked).");
        }
        Tensor before = base.withCurrentHistory();
        Tensor outside = Tensor.ones(base.shape(), base.dtype(), base.device());
        try (var g = Autograd.noGrad()) {
            replay.apply(outside).fill_(0.0);
        }
        x.kernels().copy(result.storageUnsafe(), result.layout(), x.storageUnsafe(), x.layout());
        Node copySlices = Node.operation("CopySlices", new Tensor[] {before, result}, Tensor.saved(),
                (g, needs) -> new Tensor[] {
                    needs[0] ? g.mul(outside) : null,
                    needs[1] ? replay.apply(g) : null});
        base.commitInPlace(copySlices);
        return x;
    }

}
