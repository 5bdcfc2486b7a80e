package dev.autograd4j;

import dev.autograd4j.spi.Window2d;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Convolutions and the window ops under them, as {@code torch.nn.functional}'s: {@link #conv1d}, {@link #conv2d}
 * (stride, padding including "same" and "valid", dilation, groups, bias), {@link #convTranspose2d}, and
 * {@link #unfold}/{@link #fold} (im2col and col2im).
 *
 * <p>A convolution is lowered to a matrix product: the input's sliding windows become the columns of a matrix
 * ({@code Backend.im2col}), which the weight, seen as {@code [groups, out / groups, in / groups * kH * kW]},
 * multiplies through the backend's matmul (the CPU GEMM, cuBLAS on CUDA). Every convolution records one node,
 * {@code ConvolutionBackward0} as in PyTorch; its derivative is written in differentiable ops (the input's
 * gradient through col2im, the weight's through a matmul with the columns), so it can be differentiated again.
 *
 * <p>Inputs are batched ({@code [N, C, H, W]}, or {@code [N, C, L]} for 1-D) or unbatched (without N), as in
 * PyTorch. Input, weight and bias must share one floating dtype and one device.
 */
public final class Convolution {
    private Convolution() {
    }

    // ------------------------------------------------------------------ conv2d

    /**
     * A 2-D convolution with stride 1, no padding, dilation 1 and one group, like {@code F.conv2d(input, weight,
     * bias)}.
     *
     * @param input {@code [N, C, H, W]} or {@code [C, H, W]}
     * @param weight {@code [O, C, kH, kW]}
     * @param bias {@code [O]}, or null for none
     * @return {@code [N, O, H - kH + 1, W - kW + 1]} (without N for an unbatched input); {@code ConvolutionBackward0}
     * @throws IllegalArgumentException on the shape, dtype and device errors PyTorch reports
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias) {
        return conv2d(input, weight, bias, new int[] {1}, new int[] {0}, new int[] {1}, 1);
    }

    /**
     * A 2-D convolution, like {@code F.conv2d(input, weight, bias, stride, padding, dilation, groups)}: output
     * channel o of group {@code o / (O / groups)} sums {@code weight[o] * window} over that group's
     * {@code C / groups} input channels. Output size per spatial dim:
     * {@code (in + 2 * padding - dilation * (k - 1) - 1) / stride + 1}.
     *
     * @param input {@code [N, C, H, W]} or {@code [C, H, W]}
     * @param weight {@code [O, C / groups, kH, kW]}
     * @param bias {@code [O]}, or null for none
     * @param stride one int for both dims or {@code {sH, sW}}, each at least 1
     * @param padding zeros on both sides: one int or {@code {pH, pW}}, each at least 0
     * @param dilation the spacing of the kernel taps: one int or {@code {dH, dW}}, each at least 1
     * @param groups how many groups the channels are split into; divides C and O
     * @return {@code [N, O, outH, outW]} (without N for an unbatched input); {@code ConvolutionBackward0}
     * @throws IllegalArgumentException on the shape, dtype and device errors PyTorch reports, e.g. "Expected 3D
     *     (unbatched) or 4D (batched) input to conv2d, but got input of size: [5, 5]"
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding,
                                int[] dilation, int groups) {
        int[] p = WindowOps.expand("conv2d", "padding", padding, 2);
        return conv("conv2d", 2, input, weight, bias, WindowOps.expand("conv2d", "stride", stride, 2),
                new int[] {p[0], p[1], p[0], p[1]}, WindowOps.expand("conv2d", "dilation", dilation, 2), groups);
    }

    /**
     * A 2-D convolution with padding given by name, like {@code F.conv2d(..., padding="same")}: "valid" pads
     * nothing; "same" pads so the output has the input's size (stride 1 only), putting the odd padding of an
     * even effective kernel at the bottom and right as PyTorch does.
     *
     * @param input {@code [N, C, H, W]} or {@code [C, H, W]}
     * @param weight {@code [O, C / groups, kH, kW]}
     * @param bias {@code [O]}, or null for none
     * @param stride one int or {@code {sH, sW}}; all 1 for "same"
     * @param padding "same" or "valid"
     * @param dilation one int or {@code {dH, dW}}
     * @param groups the channel groups
     * @return {@code [N, O, outH, outW]}; {@code ConvolutionBackward0}
     * @throws IllegalArgumentException for another padding string ("Invalid padding string 'full'"), "same" with
     *     a stride ("padding='same' is not supported for strided convolutions"), and conv2d's errors
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int[] stride, String padding,
                                int[] dilation, int groups) {
        int[] s = WindowOps.expand("conv2d", "stride", stride, 2);
        int[] d = WindowOps.expand("conv2d", "dilation", dilation, 2);
        return conv("conv2d", 2, input, weight, bias, s, namedPadding(padding, weight, s, d, 2), d, groups);
    }

    // ------------------------------------------------------------------ conv1d

    /**
     * A 1-D convolution, like {@code F.conv1d(input, weight, bias, stride, padding, dilation, groups)}.
     *
     * @param input {@code [N, C, L]} or {@code [C, L]}
     * @param weight {@code [O, C / groups, k]}
     * @param bias {@code [O]}, or null for none
     * @param stride the step, at least 1
     * @param padding zeros on both ends, at least 0
     * @param dilation the spacing of the kernel taps, at least 1
     * @param groups the channel groups; divides C and O
     * @return {@code [N, O, (L + 2 * padding - dilation * (k - 1) - 1) / stride + 1]} (without N for an unbatched
     *     input); {@code ConvolutionBackward0}
     * @throws IllegalArgumentException on the shape, dtype and device errors PyTorch reports, e.g. "Expected 2D
     *     (unbatched) or 3D (batched) input to conv1d, but got input of size: [5]"
     */
    public static Tensor conv1d(Tensor input, Tensor weight, Tensor bias, int stride, int padding, int dilation,
                                int groups) {
        return conv("conv1d", 1, input, weight, bias, new int[] {1, stride}, new int[] {0, padding, 0, padding},
                new int[] {1, dilation}, groups);
    }

    /**
     * A 1-D convolution with padding by name ("same" or "valid"), like {@code F.conv1d(..., padding="same")}.
     *
     * @param input {@code [N, C, L]} or {@code [C, L]}
     * @param weight {@code [O, C / groups, k]}
     * @param bias {@code [O]}, or null for none
     * @param stride the step; 1 for "same"
     * @param padding "same" or "valid"
     * @param dilation the spacing of the kernel taps
     * @param groups the channel groups
     * @return {@code [N, O, outL]}; {@code ConvolutionBackward0}
     * @throws IllegalArgumentException as {@link #conv2d(Tensor, Tensor, Tensor, int[], String, int[], int)}
     */
    public static Tensor conv1d(Tensor input, Tensor weight, Tensor bias, int stride, String padding, int dilation,
                                int groups) {
        int[] p = namedPadding(padding, weight, new int[] {stride}, new int[] {dilation}, 1);
        return conv("conv1d", 1, input, weight, bias, new int[] {1, stride}, new int[] {0, p[0], 0, p[1]},
                new int[] {1, dilation}, groups);
    }

    /** {top, left, bottom, right} (or {left, right} for 1-D) for "same" or "valid". */
    private static int[] namedPadding(String padding, Tensor weight, int[] stride, int[] dilation, int dims) {
        Objects.requireNonNull(padding, "padding must not be null");
        if (padding.equals("valid")) {
            return new int[2 * dims];
        }
        if (!padding.equals("same")) {
            throw new IllegalArgumentException("Invalid padding string '" + padding + "'");
        }
        for (int s : stride) {
            if (s != 1) {
                throw new IllegalArgumentException("padding='same' is not supported for strided convolutions");
            }
        }
        int[] r = new int[2 * dims];
        for (int i = 0; i < dims; i++) {
            int k = weight.dim() == dims + 2 ? weight.size(2 + i) : 1;
            int total = dilation[i] * (k - 1);
            r[i] = total / 2;
            r[dims + i] = total - total / 2;
        }
        return r;
    }

    /**
     * The shared convolution: {@code dims} spatial dims (1 or 2; 1-D runs as 2-D with height 1), padding as
     * {top, left, bottom, right}.
     */
    private static Tensor conv(String op, int dims, Tensor input, Tensor weight, Tensor bias, int[] stride,
                               int[] pad, int[] dilation, int groups) {
        Objects.requireNonNull(input, "input must not be null");
        Objects.requireNonNull(weight, "weight must not be null");
        checkArgs(input, weight, bias, stride, pad, dilation, groups, dims, op, false);
        int[] xs = input.shapeUnsafe(), ws = weight.shapeUnsafe();
        boolean unbatched = input.dim() == dims + 1;
        int n = unbatched ? 1 : xs[0], c = xs[xs.length - dims - 1];
        int h = dims == 2 ? xs[xs.length - 2] : 1, w = xs[xs.length - 1];
        int kh = dims == 2 ? ws[2] : 1, kw = ws[ws.length - 1], o = ws[0];
        int ph = h + pad[0] + pad[2], pw = w + pad[1] + pad[3];
        int ekh = dilation[0] * (kh - 1) + 1, ekw = dilation[1] * (kw - 1) + 1;
        if (ph < ekh || pw < ekw) {
            String padded = dims == 2 ? "(" + ph + " x " + pw + ")" : "(" + pw + ")";
            String kernel = dims == 2 ? "(" + ekh + " x " + ekw + ")" : "(" + ekw + ")";
            throw new IllegalArgumentException("Calculated padded input size per channel: " + padded
                    + ". Kernel size: " + kernel + ". Kernel size can't be greater than actual input size");
        }
        Window2d g = new Window2d(h, w, kh, kw, stride[0], stride[1], pad[0], pad[1], dilation[0], dilation[1],
                (ph - ekh) / stride[0] + 1, (pw - ekw) / stride[1] + 1);
        int[] x4 = {n, c, h, w}, w4 = {o, c / groups, kh, kw};
        int[] outShape = unbatched
                ? (dims == 2 ? new int[] {o, g.outH(), g.outW()} : new int[] {o, g.outW()})
                : (dims == 2 ? new int[] {n, o, g.outH(), g.outW()} : new int[] {n, o, g.outW()});
        return record(false, input, weight, bias, x4, w4, g, groups, outShape);
    }

    // ------------------------------------------------------------------ conv_transpose2d

    /**
     * A 2-D transposed convolution ("deconvolution", the gradient of conv2d with respect to its input), like
     * {@code F.conv_transpose2d(input, weight, bias, stride, padding, output_padding, groups, dilation)}. Output
     * size per spatial dim: {@code (in - 1) * stride - 2 * padding + dilation * (k - 1) + outputPadding + 1}.
     *
     * @param input {@code [N, C, H, W]} or {@code [C, H, W]}
     * @param weight {@code [C, O / groups, kH, kW]}
     * @param bias {@code [O]}, or null for none
     * @param stride one int or {@code {sH, sW}}, each at least 1
     * @param padding one int or {@code {pH, pW}}: {@code dilation * (k - 1) - padding} zeros are added to each
     *     side of the input, as PyTorch defines it
     * @param outputPadding extra size on the bottom and right of the output: one int or {@code {oH, oW}}, each
     *     smaller than the stride or the dilation
     * @param groups the channel groups; divides C and O
     * @param dilation one int or {@code {dH, dW}}, each at least 1
     * @return {@code [N, O, outH, outW]} (without N for an unbatched input); {@code ConvolutionBackward0}
     * @throws IllegalArgumentException on the shape, dtype and device errors PyTorch reports, and for an output
     *     padding too large ("output padding must be smaller than either stride or dilation, but got
     *     output_padding_height: 2 output_padding_width: 2 stride_height: 2 stride_width: 2 dilation_height: 1
     *     dilation_width: 1")
     */
    public static Tensor convTranspose2d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding,
                                         int[] outputPadding, int groups, int[] dilation) {
        Objects.requireNonNull(input, "input must not be null");
        Objects.requireNonNull(weight, "weight must not be null");
        String op = "conv_transpose2d";
        int[] s = WindowOps.expand(op, "stride", stride, 2);
        int[] p = WindowOps.expand(op, "padding", padding, 2);
        int[] op2 = WindowOps.expand(op, "output_padding", outputPadding, 2);
        int[] d = WindowOps.expand(op, "dilation", dilation, 2);
        checkArgs(input, weight, bias, s, new int[] {p[0], p[1], p[0], p[1]}, d, groups, 2, op, true);
        for (int i = 0; i < 2; i++) {
            if (op2[i] < 0 || (op2[i] >= s[i] && op2[i] >= d[i])) {
                throw new IllegalArgumentException("output padding must be smaller than either stride or dilation,"
                        + " but got output_padding_height: " + op2[0] + " output_padding_width: " + op2[1]
                        + " stride_height: " + s[0] + " stride_width: " + s[1] + " dilation_height: " + d[0]
                        + " dilation_width: " + d[1]);
            }
        }
        int[] xs = input.shapeUnsafe(), ws = weight.shapeUnsafe();
        boolean unbatched = input.dim() == 3;
        int n = unbatched ? 1 : xs[0], c = xs[xs.length - 3], h = xs[xs.length - 2], w = xs[xs.length - 1];
        int kh = ws[2], kw = ws[3], o = ws[1] * groups;
        int outH = (h - 1) * s[0] - 2 * p[0] + d[0] * (kh - 1) + op2[0] + 1;
        int outW = (w - 1) * s[1] - 2 * p[1] + d[1] * (kw - 1) + op2[1] + 1;
        if (outH <= 0 || outW <= 0) {
            throw new IllegalArgumentException("Given input size per channel: (" + h + " x " + w + "). Calculated "
                    + "output size per channel: (" + outH + " x " + outW + "). Output size is too small");
        }
        // the image is the output; the window positions are the input's pixels
        Window2d g = new Window2d(outH, outW, kh, kw, s[0], s[1], p[0], p[1], d[0], d[1], h, w);
        int[] outShape = unbatched ? new int[] {o, outH, outW} : new int[] {n, o, outH, outW};
        return record(true, input, weight, bias, new int[] {n, c, h, w}, ws.clone(), g, groups, outShape);
    }

    // ------------------------------------------------------------------ the shared forward and backward

    /**
     * Runs the convolution (or, with {@code transposed}, the transposed one) on the 4-D views and records
     * ConvolutionBackward0 on the result of {@code outShape}.
     */
    private static Tensor record(boolean transposed, Tensor input, Tensor weight, Tensor bias, int[] x4, int[] w4,
                                 Window2d g, int groups, int[] outShape) {
        Tensor out;
        Tensor[] cols = new Tensor[1];
        try (var ng = Autograd.noGrad()) {
            Tensor y = transposed ? transposedForward(input.reshape(x4), weight.reshape(w4), g, groups)
                    : forward(input.reshape(x4), weight.reshape(w4), g, groups, cols);
            if (bias != null) {
                y = y.add(bias.reshape(1, -1, 1, 1));
            }
            out = y.reshape(outShape).contiguous().detach();
        }
        int[] xShape = input.shapeUnsafe(), wShape = weight.shapeUnsafe();
        int[] y4 = {x4[0], transposed ? w4[1] * groups : w4[0], transposed ? g.height() : g.outH(),
            transposed ? g.width() : g.outW()};
        return Tensor.record("ConvolutionBackward0", out, Tensor.saved(input, weight), (gr, needs) -> {
            Tensor g4 = gr.reshape(y4);
            Tensor x = input.reshape(x4), wt = weight.reshape(w4);
            Tensor[] grads = transposed ? transposedBackward(g4, x, wt, g, groups, needs)
                    : backward(g4, x, wt, g, groups, needs, Autograd.isGradEnabled() ? null : cols[0]);
            return new Tensor[] {
                grads[0] == null ? null : grads[0].reshape(xShape),
                grads[1] == null ? null : grads[1].reshape(wShape),
                needs.length > 2 && needs[2] ? g4.sum(2, 3).sum(0) : null};
        }, input, weight, bias);
    }

    /** [N, C, H, W] * [O, C/g, kh, kw] -> [N, O, outH, outW]; keeps the columns in {@code colsOut[0]}. */
    private static Tensor forward(Tensor x, Tensor w, Window2d g, int groups, Tensor[] colsOut) {
        int n = x.size(0), c = x.size(1), o = w.size(0);
        Tensor cols = WindowOps.im2col(x, g, 0);
        if (groups == 1 && n > 1) {
            // one GEMM [O, K] x [K, N * positions] for the whole batch, not N small ones
            Tensor colsT = batchColumns(cols);
            colsOut[0] = colsT;
            if (o >= 32 && o <= 64) {
                // transposed, [N * positions, K] x [K, O]: with 32 to 64 output channels the CPU GEMM then reads the
                // columns where they lie instead of packing them (2.5x faster; see GemmVector.DIRECT_A_WORK)
                return colsT.t().matmul(w.reshape(o, -1).t()).view(n, g.outH(), g.outW(), o).permute(0, 3, 1, 2);
            }
            return w.reshape(o, -1).matmul(colsT).view(o, n, g.outH(), g.outW()).transpose(0, 1);
        }
        colsOut[0] = cols;
        Tensor y = w.reshape(groups, o / groups, c / groups * g.taps())
                .matmul(cols.view(n, groups, c / groups * g.taps(), g.positions()));
        return y.reshape(n, o, g.outH(), g.outW());
    }

    /** The gradients of {@link #forward} for input and weight; null where not needed. */
    private static Tensor[] backward(Tensor gy, Tensor x, Tensor w, Window2d g, int groups, boolean[] needs,
                                     Tensor savedCols) {
        int n = x.size(0), c = x.size(1), o = w.size(0), k = c / groups * g.taps();
        Tensor gg = gy.reshape(n, groups, o / groups, g.positions());
        Tensor wg = w.reshape(groups, o / groups, k);
        Tensor gx = null, gw = null;
        if (groups == 1 && n > 1) {
            // the gradients of the one-GEMM forward: [O, N * positions] against the batch's columns
            boolean cpu = x.device().type() == Device.Type.CPU;
            // first order (savedCols given, nothing recorded): the backend's fused weight gradient where it has one
            gw = needs[1] && savedCols != null ? directWeightGradient(gy, x, g, o, k) : null;
            Tensor gyT = (needs[0] && !cpu) || (needs[1] && gw == null)
                    ? gy.reshape(n, o, g.positions()).transpose(0, 1).reshape(o, n * g.positions()) : null;
            if (needs[0]) {
                gx = cpu ? inputGradientInChunks(gy, w.reshape(o, k), g, c)
                        : WindowOps.col2im(w.reshape(o, k).t().matmul(gyT).view(k, n, g.positions()).transpose(0, 1),
                                g, c);
            }
            if (needs[1] && gw == null) {
                Tensor colsT = savedCols != null ? savedCols : batchColumns(WindowOps.im2col(x, g, 0));
                // [K, N * positions] x [N * positions, O], transposed: both operands' rows are contiguous in the
                // long dim, and the CPU GEMM reads the columns where they lie (see forward) instead of packing the
                // transposed columns element by element (2x faster with 32 channels)
                gw = colsT.matmul(gyT.t()).t();
            }
            return new Tensor[] {gx, gw};
        }
        if (needs[0]) {
            Tensor gcols = wg.transpose(1, 2).matmul(gg).reshape(n, c * g.taps(), g.positions());
            gx = WindowOps.col2im(gcols, g, c);
        }
        if (needs[1]) {
            Tensor cols = savedCols != null ? savedCols : WindowOps.im2col(x, g, 0);
            gw = sumOverBatch(gg.matmul(cols.view(n, groups, k, g.positions()).transpose(2, 3)));
        }
        return new Tensor[] {gx, gw};
    }

    /**
     * The weight's gradient {@code [O, K]} from {@code Backend.convWeightGradient} (not recorded: first order only),
     * or null where the backend does not fuse it.
     */
    private static Tensor directWeightGradient(Tensor gy, Tensor x, Window2d g, int o, int k) {
        Tensor xc = x.contiguous(), gc = gy.contiguous();
        Tensor out = xc.emptyLike(new int[] {o, k}, xc.dtype());
        return xc.kernels().convWeightGradient(xc.storageUnsafe(), xc.layout(), gc.storageUnsafe(), gc.layout(), g,
                out.storageUnsafe(), out.layout()) ? out : null;
    }

    /** Bytes of gradient columns per chunk of the batch in {@link #inputGradientInChunks}: about a core's L2. */
    private static final long CHUNK_BYTES = 1L << 20;

    /**
     * The input's gradient on the CPU: col2im of {@code W^T [K, O] x gy[i] [O, positions]}, over chunks of the
     * batch whose columns stay in cache, each product written in col2im's {@code [b, K, positions]} layout, instead
     * of the whole batch's column matrix (20 MB for the MNIST CNN's second convolution) and a transposing copy of it.
     * Each element is the same sum in the same order whatever the chunking (one product per sample).
     */
    private static Tensor inputGradientInChunks(Tensor gy, Tensor w2, Window2d g, int c) {
        int n = gy.size(0), o = gy.size(1), k = w2.size(1), p = g.positions();
        long perSample = (long) k * p * gy.dtype().byteSize();
        int chunk = (int) Math.max(1, Math.min(n, CHUNK_BYTES / Math.max(1, perSample)));
        Tensor wT = w2.t();
        Tensor g3 = gy.reshape(n, o, p);
        List<Tensor> parts = new ArrayList<>();
        for (int s = 0; s < n; s += chunk) {
            int b = Math.min(chunk, n - s);
            parts.add(WindowOps.col2im(wT.matmul(g3.narrow(0, s, b)), g, c));
        }
        return parts.size() == 1 ? parts.get(0) : Tensor.cat(parts, 0);
    }

    /** Columns {@code [N, K, positions]} as one matrix {@code [K, N * positions]} (a copy). */
    private static Tensor batchColumns(Tensor cols) {
        int n = cols.size(0), k = cols.size(1), p = cols.size(2);
        return cols.transpose(0, 1).reshape(k, n * p);
    }

    /**
     * The sum over the leading (batch) dim as a product with a row of ones: the matrix product reads the rows
     * contiguously, where a reduction over the leading dim strides through memory.
     */
    private static Tensor sumOverBatch(Tensor t) {
        int[] s = t.shapeUnsafe();
        int[] rest = java.util.Arrays.copyOfRange(s, 1, s.length);
        Tensor ones = Tensor.ones(Shape.of(1, s[0]), t.dtype(), t.device());
        return ones.matmul(t.reshape(s[0], -1)).reshape(rest);
    }

    /** [N, C, H, W] * [C, O/g, kh, kw] -> [N, O, outH, outW] (the image of {@code g}). */
    private static Tensor transposedForward(Tensor x, Tensor w, Window2d g, int groups) {
        int n = x.size(0), c = x.size(1), og = w.size(1), k = og * g.taps();
        Tensor xg = x.reshape(n, groups, c / groups, g.positions());
        Tensor cols = w.reshape(groups, c / groups, k).transpose(1, 2).matmul(xg);
        return WindowOps.col2im(cols.reshape(n, groups * k, g.positions()), g, og * groups);
    }

    /** The gradients of {@link #transposedForward} for input and weight; null where not needed. */
    private static Tensor[] transposedBackward(Tensor gy, Tensor x, Tensor w, Window2d g, int groups,
                                               boolean[] needs) {
        int n = x.size(0), c = x.size(1), og = w.size(1), k = og * g.taps();
        Tensor gcols = WindowOps.im2col(gy, g, 0).view(n, groups, k, g.positions());
        Tensor gx = null, gw = null;
        if (needs[0]) {
            gx = w.reshape(groups, c / groups, k).matmul(gcols).reshape(n, c, x.size(2), x.size(3));
        }
        if (needs[1]) {
            Tensor xg = x.reshape(n, groups, c / groups, g.positions());
            gw = sumOverBatch(xg.matmul(gcols.transpose(2, 3)));
        }
        return new Tensor[] {gx, gw};
    }

    // ------------------------------------------------------------------ checks

    private static void checkArgs(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] pad,
                                  int[] dilation, int groups, int dims, String op, boolean transposed) {
        int batchedRank = dims + 2;
        if (input.dim() != batchedRank && input.dim() != batchedRank - 1) {
            throw new IllegalArgumentException("Expected " + (batchedRank - 1) + "D (unbatched) or " + batchedRank
                    + "D (batched) input to " + op + ", but got input of size: " + WindowOps.sizes(input));
        }
        if (weight.dim() != batchedRank) {
            throw new IllegalArgumentException("Expected " + weight.dim() + "-dimensional input for " + weight.dim()
                    + "-dimensional weight " + WindowOps.sizes(weight) + ", but got " + batchedRank
                    + "-dimensional input of size " + WindowOps.sizes(WindowOps.batched(input, batchedRank))
                    + " instead");
        }
        Kernels.checkSameDevice(input, weight);
        if (bias != null) {
            Kernels.checkSameDevice(input, bias);
        }
        Kernels.requireFloating(input.dtype(), op);
        if (weight.dtype() != input.dtype()) {
            throw new IllegalArgumentException("Input type (" + typeName(input) + ") and weight type ("
                    + typeName(weight) + ") should be the same");
        }
        if (bias != null && bias.dtype() != input.dtype()) {
            throw new IllegalArgumentException("Input type (" + typeName(input) + ") and bias type ("
                    + typeName(bias) + ") should be the same");
        }
        for (int s : stride) {
            if (s <= 0) {
                throw new IllegalArgumentException("non-positive stride is not supported");
            }
        }
        for (int p : pad) {
            if (p < 0) {
                throw new IllegalArgumentException("negative padding is not supported");
            }
        }
        for (int d : dilation) {
            if (d <= 0) {
                throw new IllegalArgumentException("dilation should be greater than zero");
            }
        }
        if (groups <= 0) {
            throw new IllegalArgumentException("non-positive groups is not supported");
        }
        int channels = input.size(input.dim() - dims - 1);
        int[] ws = weight.shapeUnsafe();
        String inSizes = WindowOps.sizes(WindowOps.batched(input, batchedRank));
        if (!transposed) {
            if (ws[0] % groups != 0) {
                throw new IllegalArgumentException("Given groups=" + groups + ", expected weight to be divisible by "
                        + groups + " at dimension 0, but got weight of size " + WindowOps.sizes(weight) + " instead");
            }
            if (channels != ws[1] * groups) {
                throw new IllegalArgumentException("Given groups=" + groups + ", weight of size "
                        + WindowOps.sizes(weight) + ", expected input" + inSizes + " to have " + ws[1] * groups
                        + " channels, but got " + channels + " channels instead");
            }
        } else if (channels != ws[0]) {
            throw new IllegalArgumentException("Given transposed=1, weight of size " + WindowOps.sizes(weight)
                    + ", expected input" + inSizes + " to have " + ws[0] + " channels, but got " + channels
                    + " channels instead");
        } else if (ws[0] % groups != 0) {
            throw new IllegalArgumentException("Given groups=" + groups + ", expected weight to be divisible by "
                    + groups + " at dimension 0, but got weight of size " + WindowOps.sizes(weight) + " instead");
        }
        int outChannels = transposed ? ws[1] * groups : ws[0];
        if (bias != null && (bias.dim() != 1 || bias.size(0) != outChannels)) {
            throw new IllegalArgumentException("Given weight of size " + WindowOps.sizes(weight)
                    + ", expected bias to be 1-dimensional with " + outChannels + " elements, but got bias of size "
                    + WindowOps.sizes(bias) + " instead");
        }
    }

    /** The dtype as PyTorch's conv messages name it: "float", "double". */
    private static String typeName(Tensor t) {
        return t.dtype().scalarTypeName().toLowerCase(java.util.Locale.ROOT);
    }

    // ------------------------------------------------------------------ unfold and fold

    /**
     * Extracts sliding local blocks, like {@code F.unfold(input, kernel_size, dilation, padding, stride)}
     * ("im2col"): {@code out[n][(c * kH + i) * kW + j][l]} is the input at tap (i, j) of window l (row-major
     * over the window positions), zero in the padding.
     *
     * @param input {@code [N, C, H, W]} or {@code [C, H, W]}, floating point
     * @param kernelSize one int or {@code {kH, kW}}
     * @param dilation one int or {@code {dH, dW}}
     * @param padding one int or {@code {pH, pW}}
     * @param stride one int or {@code {sH, sW}}
     * @return {@code [N, C * kH * kW, L]} (without N for an unbatched input); {@code Im2ColBackward0}, whose
     *     gradient is {@link #fold}
     * @throws IllegalArgumentException for another rank ("Input Error: Only 3D or 4D input Tensors are supported
     *     (got 2D)"), non-positive kernel, stride or dilation, negative padding, or windows that do not fit
     */
    public static Tensor unfold(Tensor input, int[] kernelSize, int[] dilation, int[] padding, int[] stride) {
        Objects.requireNonNull(input, "input must not be null");
        if (input.dim() != 3 && input.dim() != 4) {
            throw new IllegalArgumentException("Input Error: Only 3D or 4D input Tensors are supported (got "
                    + input.dim() + "D)");
        }
        Kernels.requireFloating(input.dtype(), "im2col");
        Tensor x = WindowOps.batched(input, 4);
        Window2d g = foldWindow("im2col", x.size(2), x.size(3), kernelSize, dilation, padding, stride);
        if (g.outH() <= 0 || g.outW() <= 0) {
            throw new IllegalArgumentException("Given input with spatial size (" + g.height() + ", " + g.width()
                    + "), kernel_size=(" + g.kernelH() + ", " + g.kernelW() + "), dilation=(" + g.dilationH() + ", "
                    + g.dilationW() + "), padding=(" + g.padTop() + ", " + g.padLeft() + "), calculated shape of the "
                    + "array of sliding blocks as (" + g.outH() + ", " + g.outW() + "), but its components must be at"
                    + " least one.");
        }
        Tensor cols = WindowOps.im2col(x, g, 0);
        return input.dim() == 3 ? cols.squeeze(0) : cols;
    }

    /**
     * Combines sliding local blocks into an image, summing where they overlap, like {@code F.fold(input,
     * output_size, kernel_size, dilation, padding, stride)} ("col2im", the adjoint of {@link #unfold}).
     *
     * @param input {@code [N, C * kH * kW, L]} or {@code [C * kH * kW, L]}, floating point, L the number of
     *     window positions over the output
     * @param outputSize one int or {@code {H, W}}
     * @param kernelSize one int or {@code {kH, kW}}
     * @param dilation one int or {@code {dH, dW}}
     * @param padding one int or {@code {pH, pW}}
     * @param stride one int or {@code {sH, sW}}
     * @return {@code [N, C, H, W]} (without N for an unbatched input); {@code Col2ImBackward0}, whose gradient is
     *     {@link #unfold}
     * @throws IllegalArgumentException for another rank ("Input Error: Only unbatched (2D) or batched (3D) input
     *     Tensors are supported (got 4D)"), a first dim not divisible by the kernel's size, or an L that does not
     *     match the blocks
     */
    public static Tensor fold(Tensor input, int[] outputSize, int[] kernelSize, int[] dilation, int[] padding,
                              int[] stride) {
        Objects.requireNonNull(input, "input must not be null");
        if (input.dim() != 2 && input.dim() != 3) {
            throw new IllegalArgumentException("Input Error: Only unbatched (2D) or batched (3D) input Tensors are "
                    + "supported (got " + input.dim() + "D)");
        }
        Kernels.requireFloating(input.dtype(), "col2im");
        int[] size = WindowOps.expand("col2im", "output_size", outputSize, 2);
        Tensor x = WindowOps.batched(input, 3);
        Window2d g = foldWindow("col2im", size[0], size[1], kernelSize, dilation, padding, stride);
        if (x.size(1) % g.taps() != 0) {
            throw new IllegalArgumentException("Expected size of input's dimension 1 to be divisible by the product "
                    + "of kernel_size, but got input.size(1)=" + x.size(1) + " and kernel_size=(" + g.kernelH() + ", "
                    + g.kernelW() + ")");
        }
        if (x.size(2) != g.positions() || g.outH() <= 0 || g.outW() <= 0) {
            throw new IllegalArgumentException("Given output_size=(" + size[0] + ", " + size[1] + "), kernel_size=("
                    + g.kernelH() + ", " + g.kernelW() + "), dilation=(" + g.dilationH() + ", " + g.dilationW()
                    + "), padding=(" + g.padTop() + ", " + g.padLeft() + "), stride=(" + g.strideH() + ", "
                    + g.strideW() + "), expected size of input's dimension 2 to match the calculated number of "
                    + "sliding blocks " + g.outH() + " * " + g.outW() + " = " + g.positions() + ", but got input.size(2)="
                    + x.size(2) + ".");
        }
        Tensor img = WindowOps.col2im(x, g, x.size(1) / g.taps());
        return input.dim() == 2 ? img.squeeze(0) : img;
    }

    private static Window2d foldWindow(String op, int h, int w, int[] kernelSize, int[] dilation, int[] padding,
                                       int[] stride) {
        int[] k = WindowOps.expand(op, "kernel_size", kernelSize, 2);
        int[] d = WindowOps.expand(op, "dilation", dilation, 2);
        int[] p = WindowOps.expand(op, "padding", padding, 2);
        int[] s = WindowOps.expand(op, "stride", stride, 2);
        if (k[0] <= 0 || k[1] <= 0) {
            throw new IllegalArgumentException("kernel size should be greater than zero, but got kernel_height: " + k[0]
                    + " kernel_width: " + k[1]);
        }
        if (s[0] <= 0 || s[1] <= 0) {
            throw new IllegalArgumentException("stride should be greater than zero, but got stride_height: " + s[0]
                    + " stride_width: " + s[1]);
        }
        if (d[0] <= 0 || d[1] <= 0) {
            throw new IllegalArgumentException("dilation should be greater than zero, but got dilation_height: "
                    + d[0] + " dilation_width: " + d[1]);
        }
        if (p[0] < 0 || p[1] < 0) {
            throw new IllegalArgumentException("padding should be non-negative, but got pad_height: " + p[0]
                    + " pad_width: " + p[1]);
        }
        int oh = Math.max(0, Math.floorDiv(h + 2 * p[0] - d[0] * (k[0] - 1) - 1, s[0]) + 1);
        int ow = Math.max(0, Math.floorDiv(w + 2 * p[1] - d[1] * (k[1] - 1) - 1, s[1]) + 1);
        return new Window2d(h, w, k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], oh, ow);
    }
}
