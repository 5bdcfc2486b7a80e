package dev.autograd4j;

import dev.autograd4j.spi.NormShape;

/**
 * The calls of the fused normalization kernels ({@code Backend.normForward}, {@code normBackward}) for
 * {@link Normalization}: operands made contiguous, outputs allocated, and null when the backend does not fuse (or
 * the operands do not suit it), in which case {@link Normalization} composes the normalization from other ops.
 * Nothing here records a node.
 */
final class NormKernels {
    private NormKernels() {
    }

    /**
     * The forward's results: {@code out} of the input's shape, and per statistics row ({@link NormShape#rows()})
     * the mean, {@code rstd} and (when asked for) the biased variance.
     */
    record Forward(NormShape shape, Tensor out, Tensor mean, Tensor rstd, Tensor var) {
    }

    /** Whether the kernels can take these operands: one floating dtype and one device, something to normalize. */
    static boolean suits(Tensor input, NormShape shape, Tensor weight, Tensor bias) {
        if (shape == null || shape.numel() == 0 || shape.rowLength() == 0) {
            return false;
        }
        for (Tensor t : new Tensor[] {weight, bias}) {
            if (t != null && (t.dtype() != input.dtype() || !t.device().equals(input.device()))) {
                return false;
            }
        }
        return true;
    }

    /** The normalization of {@code input} read as {@code shape}, or null when the backend does not fuse it. */
    static Forward forward(Tensor input, NormShape shape, Tensor weight, Tensor bias, double eps, boolean wantVar) {
        if (!suits(input, shape, weight, bias)) {
            return null;
        }
        try (var g = Autograd.noGrad()) {
            Tensor x = input.contiguous();
            Tensor w = fromZero(weight);
            Tensor b = fromZero(bias);
            DType dt = input.dtype();
            int rows = shape.rows();
            Tensor out = x.emptyLike(input.shapeUnsafe(), dt);
            Tensor mean = x.emptyLike(new int[] {rows}, dt);
            Tensor rstd = x.emptyLike(new int[] {rows}, dt);
            Tensor var = wantVar ? x.emptyLike(new int[] {rows}, dt) : null;
            boolean done = x.kernels().normForward(shape, x.storageUnsafe(), x.layout().offset(),
                    w == null ? null : w.storageUnsafe(), b == null ? null : b.storageUnsafe(), eps,
                    out.storageUnsafe(), mean.storageUnsafe(), rstd.storageUnsafe(),
                    var == null ? null : var.storageUnsafe());
            return done ? new Forward(shape, out, mean, rstd, var) : null;
        }
    }

    /**
     * The first-order gradients {dx, dweight, dbias} (each null where {@code needs} says so, dweight and dbias of
     * the weight's and bias's shapes), or null when the forward was not fused ({@code f} null), when the backward
     * is being recorded (createGraph: the caller's composite formula keeps second derivatives), or when the backend
     * does not fuse them.
     */
    static Tensor[] backward(Forward f, Tensor grad, Tensor input, Tensor weight, Tensor bias, boolean[] needs) {
        if (f == null || Autograd.isGradEnabled()) {
            return null;
        }
        try (var g = Autograd.noGrad()) {
            Tensor gc = grad.contiguous();
            Tensor x = input.contiguous();
            Tensor w = fromZero(weight);
            DType dt = input.dtype();
            int c = f.shape().c();
            Tensor dx = needs[0] ? x.emptyLike(input.shapeUnsafe(), dt) : null;
            Tensor dw = weight != null && needs[1] ? x.emptyLike(new int[] {c}, dt) : null;
            Tensor db = bias != null && needs[2] ? x.emptyLike(new int[] {c}, dt) : null;
            if (dx == null && dw == null && db == null) {
                return new Tensor[3];
            }
            boolean done = x.kernels().normBackward(f.shape(), gc.storageUnsafe(), gc.layout().offset(),
                    x.storageUnsafe(), x.layout().offset(), f.mean().storageUnsafe(), f.rstd().storageUnsafe(),
                    w == null ? null : w.storageUnsafe(), dx == null ? null : dx.storageUnsafe(),
                    dw == null ? null : dw.storageUnsafe(), db == null ? null : db.storageUnsafe());
            if (!done) {
                return null;
            }
            return new Tensor[] {dx, dw == null ? null : dw.reshape(weight.shapeUnsafe()),
                db == null ? null : db.reshape(bias.shapeUnsafe())};
        }
    }

    /** t as contiguous elements from storage offset 0 (a copy when it is a view elsewhere), or null. */
    private static Tensor fromZero(Tensor t) {
        if (t == null) {
            return null;
        }
        return t.isContiguous() && t.layout().offset() == 0 ? t : t.contiguousCopy();
    }
}
