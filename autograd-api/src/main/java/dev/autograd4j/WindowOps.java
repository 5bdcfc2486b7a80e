package dev.autograd4j;

import dev.autograd4j.spi.Window2d;
import java.util.Arrays;

/**
 * The differentiable im2col and col2im under convolution, pooling, unfold and fold, and the argument checks
 * they share. {@code im2col} is {@code Im2ColBackward0} with {@code col2im} as its gradient and the other way
 * round, so every op built on them can be differentiated twice.
 */
final class WindowOps {
    private WindowOps() {
    }

    /**
     * Sliding windows of {@code x} ({@code [B, C, H, W]}) as columns {@code [B, C * taps, positions]}; outside the
     * input reads {@code padValue}. Differentiable (its gradient is {@link #col2im}) when padValue is 0.
     */
    static Tensor im2col(Tensor x, Window2d g, double padValue) {
        Tensor out;
        try (var ng = Autograd.noGrad()) {
            Tensor in = x.contiguous();
            int[] s = in.shapeUnsafe();
            out = in.emptyLike(new int[] {s[0], s[1] * g.taps(), g.positions()}, in.dtype());
            if (out.numel() > 0) {
                in.kernels().im2col(in.storageUnsafe(), in.layout(), g, padValue, out.storageUnsafe(), out.layout());
            }
        }
        int channels = x.size(1);
        return Tensor.record("Im2ColBackward0", out, (gr, needs) -> new Tensor[] {col2im(gr, g, channels)}, x);
    }

    /**
     * Columns {@code [B, C * taps, positions]} summed back into an image {@code [B, C, H, W]}; differentiable
     * (its gradient is {@link #im2col} with zero padding).
     */
    static Tensor col2im(Tensor cols, Window2d g, int channels) {
        Tensor out;
        try (var ng = Autograd.noGrad()) {
            Tensor in = cols.contiguous();
            out = in.emptyLike(new int[] {in.size(0), channels, g.height(), g.width()}, in.dtype());
            if (out.numel() > 0) {
                if (in.numel() == 0) {
                    out.zero_();
                } else {
                    in.kernels().col2im(in.storageUnsafe(), in.layout(), g, out.storageUnsafe(), out.layout());
                }
            }
        }
        return Tensor.record("Col2ImBackward0", out, (gr, needs) -> new Tensor[] {im2col(gr, g, 0)}, cols);
    }

    /** One int per spatial dim from a 1- or {@code dims}-element array (PyTorch's int-or-tuple arguments). */
    static int[] expand(String op, String name, int[] values, int dims) {
        if (values == null || (values.length != 1 && values.length != dims)) {
            throw new IllegalArgumentException(op + ": " + name + " must either be a single int, or a tuple of "
                    + (dims == 1 ? "one int" : dims + " ints"));
        }
        int[] r = new int[dims];
        Arrays.fill(r, values[0]);
        if (values.length == dims) {
            r = values.clone();
        }
        return r;
    }

    /** The shape as PyTorch prints it in messages, {@code [2, 3]}. */
    static String sizes(Tensor t) {
        return Arrays.toString(t.shapeUnsafe());
    }

    /** {@code x} of rank {@code batched - 1} gets a batch dim of 1 (unbatched input), as PyTorch's ops do. */
    static Tensor batched(Tensor x, int batchedRank) {
        return x.dim() == batchedRank ? x : x.unsqueeze(0);
    }

    /** PyTorch's pooling output size, with ceil mode's rule that the last window starts inside the input. */
    static int pooledSize(int in, int k, int pad, int stride, int dilation, boolean ceil) {
        long num = (long) in + 2L * pad - (long) dilation * (k - 1) - 1 + (ceil ? stride - 1 : 0);
        long out = Math.floorDiv(num, stride) + 1;
        if (ceil && (out - 1) * stride >= in + pad) {
            out--;
        }
        return (int) out;
    }
}
