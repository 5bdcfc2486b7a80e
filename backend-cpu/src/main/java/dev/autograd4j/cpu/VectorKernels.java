package dev.autograd4j.cpu;

import dev.autograd4j.spi.BinaryOp;
import dev.autograd4j.spi.Layout;
import dev.autograd4j.spi.UnaryOp;

/**
 * Gate to the Vector API elementwise kernels: they serve contiguous float32 operands when the
 * module is enabled; otherwise the callers' plain loops run. {@link VectorElementwise} is only
 * reached after the check, so its Vector API classes are never loaded without the module.
 */
final class VectorKernels {
    static final boolean ENABLED = Gemm.kernelName().startsWith("Vector API");

    private VectorKernels() {
    }

    private static boolean dense(Layout l) {
        return l.isContiguous();
    }

    /** Runs the op and returns true when a vector kernel applies. */
    static boolean unary(UnaryOp op, float[] x, Layout xl, float[] out, Layout ol, double p0, double p1) {
        if (!ENABLED || !dense(xl) || !dense(ol) || !VectorElementwise.supports(op)) {
            return false;
        }
        int xo = xl.offset(), oo = ol.offset(), n = ol.numel();
        // whole blocks of Blocks.BLOCK (a multiple of every vector length): the partial vector left to the scalar
        // formula (other bits for exp and sigmoid) is always the last one, whatever the thread count
        Blocks.run(n, (from, to) ->
                VectorElementwise.unary(op, x, xo + from, out, oo + from, to - from, (float) p0, (float) p1));
        return true;
    }

    /**
     * One row of a strided walk with unit strides on the output and on each operand, or one operand a scalar
     * broadcast along the row (stride 0: a per-channel mean subtracted from a row of pixels), for the ops
     * whose vector result is the scalar formula's bits (add, subtract, multiply, divide, relu_backward); false when
     * it does not apply.
     */
    static boolean binaryRow(BinaryOp op, float[] a, int ao, int as, float[] b, int bo, int bs, float[] out, int oo,
                             int os, int n) {
        if (!ENABLED || os != 1 || n < 16 || !VectorElementwise.supports(op)) {
            return false;
        }
        if (as == 1 && bs == 1) {
            VectorElementwise.binary(op, a, ao, b, bo, out, oo, n);
        } else if (as == 1 && bs == 0) {
            VectorElementwise.binaryBroadcast(op, a, ao, false, b, bo, out, oo, n);
        } else if (as == 0 && bs == 1) {
            VectorElementwise.binaryBroadcast(op, a, ao, true, b, bo, out, oo, n);
        } else {
            return false;
        }
        return true;
    }

    static boolean binary(BinaryOp op, float[] a, Layout al, float[] b, Layout bl, float[] out, Layout ol) {
        if (!ENABLED || !dense(al) || !dense(bl) || !dense(ol) || !VectorElementwise.supports(op)) {
            return false;
        }
        int ao = al.offset(), bo = bl.offset(), oo = ol.offset();
        Blocks.run(ol.numel(), (from, to) ->
                VectorElementwise.binary(op, a, ao + from, b, bo + from, out, oo + from, to - from));
        return true;
    }

    /** {@code d += s * a} over n dense floats (see {@link AddScaled}); only when {@link #ENABLED}. */
    static void addScaled(float[] s, int so, float a, float[] d, int dOff, int n) {
        Parallel.forRange(n, 1, (from, to) -> VectorElementwise.addScaled(s, so + from, a, d, dOff + from, to - from));
    }
}
