package dev.autograd4j.cpu;

import dev.autograd4j.DType;
import dev.autograd4j.spi.Layout;

/**
 * {@code dst += alpha * src} in one pass for dense float32 and float64 operands of one shape (the optimizers'
 * {@code add_(grad, alpha)}), instead of a multiply into a temporary and an add. Each element gets the same bits
 * as the two kernels gave: the product rounded to the dtype, then the sum. For float32 the product is the one
 * the multiply kernel in use computes: {@code x * (float) alpha} on the Vector API path, {@code (float) (x * alpha)}
 * (in double) on the plain one.
 */
final class AddScaled {
    private AddScaled() {
    }

    /** Whether it ran; false leaves the work to the caller (other dtypes, layouts or shapes). */
    static boolean run(CpuStorage src, Layout sl, double alpha, CpuStorage dst, Layout dl) {
        if (src.dtype != dst.dtype || !sl.isContiguous() || !dl.isContiguous()
                || !java.util.Arrays.equals(sl.shape(), dl.shape())) {
            return false;
        }
        int so = sl.offset(), dOff = dl.offset(), n = dl.numel();
        if (dst.dtype == DType.FLOAT32) {
            float[] s = src.f(), d = dst.f();
            if (VectorKernels.ENABLED) {
                VectorKernels.addScaled(s, so, (float) alpha, d, dOff, n);
            } else {
                Parallel.forRange(n, 1, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        d[dOff + i] = d[dOff + i] + (float) (s[so + i] * alpha);
                    }
                });
            }
            return true;
        }
        if (dst.dtype == DType.FLOAT64) {
            double[] s = src.d(), d = dst.d();
            Parallel.forRange(n, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    d[dOff + i] = d[dOff + i] + s[so + i] * alpha;
                }
            });
            return true;
        }
        return false;
    }
}
