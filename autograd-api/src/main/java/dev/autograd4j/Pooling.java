package dev.autograd4j;

import dev.autograd4j.spi.Window2d;
import java.util.Objects;

/**
 * Pooling and resampling over the last two dims of {@code [N, C, H, W]} (or unbatched {@code [C, H, W]}) input,
 * as {@code torch.nn.functional}'s: {@link #maxPool2d} (with its indices, {@link #maxPool2dWithIndices}),
 * {@link #avgPool2d}, {@link #adaptiveAvgPool2d} and {@link #interpolate} (nearest, bilinear). Each records
 * PyTorch's CPU node and has its derivative next to its forward, written in differentiable ops.
 *
 * <p>The window pools treat each channel as a plane of its own: max pooling runs on {@code Backend.maxPool2d},
 * which gives the maxima and the winning tap of each window, its gradient the output's gradient on the winners'
 * im2col columns folded back with {@code Backend.col2im}; average pooling sums the columns of
 * {@code Backend.im2col}, its gradient a col2im too. Adaptive average pooling and interpolation are
 * products with fixed averaging matrices or index selections along H and W.
 */
public final class Pooling {
    private Pooling() {
    }

    // ------------------------------------------------------------------ max_pool2d

    /**
     * Max pooling with the stride equal to the kernel, like {@code F.max_pool2d(input, kernel_size)}.
     *
     * @param input {@code [N, C, H, W]} or {@code [C, H, W]}, floating point
     * @param kernelSize one int or {@code {kH, kW}}
     * @return {@code [N, C, outH, outW]}; {@code MaxPool2DWithIndicesBackward0}
     * @throws IllegalArgumentException as {@link #maxPool2dWithIndices}
     */
    public static Tensor maxPool2d(Tensor input, int[] kernelSize) {
        return maxPool(input, kernelSize, null, new int[] {0}, new int[] {1}, false, false).values();
    }

    /**
     * Max pooling, like {@code F.max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode)}.
     *
     * @param input {@code [N, C, H, W]} or {@code [C, H, W]}, floating point
     * @param kernelSize one int or {@code {kH, kW}}
     * @param stride one int or {@code {sH, sW}}; null or empty for the kernel size
     * @param padding implicit -inf on both sides: one int or {@code {pH, pW}}, at most half the kernel
     * @param dilation the spacing of the window's taps: one int or {@code {dH, dW}}
     * @param ceilMode whether the output size rounds up (a last window may start in the right padding but not
     *     past it)
     * @return {@code [N, C, outH, outW]}; {@code MaxPool2DWithIndicesBackward0}
     * @throws IllegalArgumentException as {@link #maxPool2dWithIndices}
     */
    public static Tensor maxPool2d(Tensor input, int[] kernelSize, int[] stride, int[] padding, int[] dilation,
                                   boolean ceilMode) {
        return maxPool(input, kernelSize, stride, padding, dilation, ceilMode, false).values();
    }

    /**
     * Max pooling that also returns where each maximum came from, like {@code F.max_pool2d(...,
     * return_indices=True)}: the index of each winner is flat within its channel's {@code H x W} plane (what
     * {@code max_unpool2d} takes). Ties go to the first tap in row-major window order; NaN wins.
     *
     * @param input {@code [N, C, H, W]} or {@code [C, H, W]}, floating point
     * @param kernelSize one int or {@code {kH, kW}}
     * @param stride one int or {@code {sH, sW}}; null or empty for the kernel size
     * @param padding one int or {@code {pH, pW}}, at most half the kernel
     * @param dilation one int or {@code {dH, dW}}
     * @param ceilMode whether the output size rounds up
     * @return the maxima ({@code MaxPool2DWithIndicesBackward0}, whose gradient scatter-adds into the winners'
     *     positions) and their INT64 indices, both {@code [N, C, outH, outW]}
     * @throws IllegalArgumentException for another rank or an empty input ("non-empty 3D or 4D (batch mode)
     *     tensor expected for input"), a non-floating dtype, non-positive sizes, padding above half the kernel
     *     ("pad should be smaller than or equal to half of kernel size, but got padW = 2, padH = 2, kW = 2, kH =
     *     2"), or an empty output ("Given input size: (1x2x2). Calculated output size: (1x0x0). Output size is
     *     too small")
     */
    public static Tensor.ValuesIndices maxPool2dWithIndices(Tensor input, int[] kernelSize, int[] stride,
                                                             int[] padding, int[] dilation, boolean ceilMode) {
        return maxPool(input, kernelSize, stride, padding, dilation, ceilMode, true);
    }

    /**
     * Max pooling through {@code Backend.maxPool2d} (padding reads -inf; a tap replaces the running maximum where
     * it is greater or NaN, PyTorch's rule, so the first of equal maxima wins), which also gives the winning tap
     * per position. The gradient puts the output's gradient on the winning taps' columns and folds the columns
     * back (col2im), so it is differentiable again. The flat indices are looked up from the winning taps only when
     * asked for.
     */
    private static Tensor.ValuesIndices maxPool(Tensor input, int[] kernelSize, int[] stride, int[] padding,
                                                int[] dilation, boolean ceilMode, boolean withIndices) {
        Tensor x = checkInput(input, "max_pool2d");
        Window2d g = poolWindow("max_pool2d", x, kernelSize, stride, padding, dilation, ceilMode);
        int n = x.size(0), c = x.size(1), nc = n * c, taps = g.taps(), positions = g.positions();
        int[] outShape = outShape(input, g.outH(), g.outW());
        Tensor values;
        Tensor winner;
        Tensor flat = null;
        try (var ng = Autograd.noGrad()) {
            Tensor in = x.reshape(nc, 1, g.height(), g.width()).contiguous();
            Tensor v = in.emptyLike(new int[] {nc, 1, g.outH(), g.outW()}, in.dtype());
            winner = in.emptyLike(new int[] {nc, positions}, DType.INT64);
            if (v.numel() > 0) {
                in.kernels().maxPool2d(in.storageUnsafe(), in.layout(), g, v.storageUnsafe(), v.layout(),
                        winner.storageUnsafe(), winner.layout());
            }
            values = v.reshape(outShape).detach();
            if (withIndices) {
                long[] table = new long[taps * positions]; // flat input index of tap t at position l
                for (int t = 0; t < taps; t++) {
                    for (int l = 0; l < positions; l++) {
                        int h = (l / g.outW()) * g.strideH() - g.padTop() + (t / g.kernelW()) * g.dilationH();
                        int w = (l % g.outW()) * g.strideW() - g.padLeft() + (t % g.kernelW()) * g.dilationW();
                        h = Math.min(Math.max(h, 0), g.height() - 1); // only an all -inf window picks a pad
                        w = Math.min(Math.max(w, 0), g.width() - 1);
                        table[t * positions + l] = (long) h * g.width() + w;
                    }
                }
                Tensor lookup = Tensor.of(table, 1, taps, positions).to(x.device()).expand(nc, taps, positions);
                flat = lookup.gather(1, winner.unsqueeze(1)).reshape(outShape);
            }
        }
        Tensor won = winner.unsqueeze(1);
        Tensor winners = winner;
        int[] inShape = input.shapeUnsafe();
        Tensor out = Tensor.record("MaxPool2DWithIndicesBackward0", values, Tensor.saved(input), (gr, needs) -> {
            if (!Autograd.isGradEnabled()) { // first order: one kernel
                Tensor gc = gr.contiguous();
                Tensor gx = gc.emptyLike(new int[] {nc, 1, g.height(), g.width()}, gc.dtype());
                if (gx.numel() > 0) {
                    gc.kernels().maxPool2dBackward(gc.storageUnsafe(), gc.layout(), winners.storageUnsafe(),
                            winners.layout(), g, gx.storageUnsafe(), gx.layout());
                }
                return new Tensor[] {gx.reshape(inShape)};
            }
            // recording (create_graph): the same sum in differentiable ops
            Tensor tapIds = Tensor.arange(0, taps, 1, DType.INT64, gr.device()).reshape(1, taps, 1);
            Tensor onWinner = won.eq(tapIds).to(gr.dtype());
            Tensor gcols = gr.reshape(nc, 1, positions).mul(onWinner);
            return new Tensor[] {WindowOps.col2im(gcols, g, 1).reshape(inShape)};
        }, input);
        return new Tensor.ValuesIndices(out, flat);
    }

    // ------------------------------------------------------------------ avg_pool2d

    /**
     * Average pooling with the stride equal to the kernel, like {@code F.avg_pool2d(input, kernel_size)}.
     *
     * @param input {@code [N, C, H, W]} or {@code [C, H, W]}, floating point
     * @param kernelSize one int or {@code {kH, kW}}
     * @return {@code [N, C, outH, outW]}; {@code AvgPool2DBackward0}
     * @throws IllegalArgumentException as {@link #avgPool2d(Tensor, int[], int[], int[], boolean, boolean,
     *     Integer)}
     */
    public static Tensor avgPool2d(Tensor input, int[] kernelSize) {
        return avgPool2d(input, kernelSize, null, new int[] {0}, false, true, null);
    }

    /**
     * Average pooling, like {@code F.avg_pool2d(input, kernel_size, stride, padding, ceil_mode,
     * count_include_pad, divisor_override)}. A window is divided by its size clipped to the padded input
     * ({@code countIncludePad}), by the number of input elements it covers (not {@code countIncludePad}), or by
     * {@code divisorOverride}.
     *
     * @param input {@code [N, C, H, W]} or {@code [C, H, W]}, floating point
     * @param kernelSize one int or {@code {kH, kW}}
     * @param stride one int or {@code {sH, sW}}; null or empty for the kernel size
     * @param padding implicit zeros on both sides: one int or {@code {pH, pW}}, at most half the kernel
     * @param ceilMode whether the output size rounds up
     * @param countIncludePad whether the zero padding counts in the divisor
     * @param divisorOverride the divisor of every window, or null
     * @return {@code [N, C, outH, outW]}; {@code AvgPool2DBackward0}, whose gradient is a col2im of the
     *     output's gradient over the divisors
     * @throws IllegalArgumentException as {@link #maxPool2dWithIndices}, and for a divisor of 0 ("divisor must be
     *     not zero")
     */
    public static Tensor avgPool2d(Tensor input, int[] kernelSize, int[] stride, int[] padding, boolean ceilMode,
                                   boolean countIncludePad, Integer divisorOverride) {
        Tensor x = checkInput(input, "avg_pool2d");
        if (divisorOverride != null && divisorOverride == 0) {
            throw new IllegalArgumentException("divisor must be not zero");
        }
        Window2d g = poolWindow("avg_pool2d", x, kernelSize, stride, padding, new int[] {1}, ceilMode);
        int nc = x.size(0) * x.size(1), positions = g.positions();
        double[] divisors = new double[positions];
        for (int l = 0; l < positions; l++) {
            int h0 = (l / g.outW()) * g.strideH() - g.padTop(), w0 = (l % g.outW()) * g.strideW() - g.padLeft();
            int h1 = Math.min(h0 + g.kernelH(), g.height() + g.padTop());
            int w1 = Math.min(w0 + g.kernelW(), g.width() + g.padLeft());
            int poolSize = (h1 - h0) * (w1 - w0);
            h0 = Math.max(h0, 0);
            w0 = Math.max(w0, 0);
            h1 = Math.min(h1, g.height());
            w1 = Math.min(w1, g.width());
            divisors[l] = divisorOverride != null ? divisorOverride
                    : countIncludePad ? poolSize : (h1 - h0) * (w1 - w0);
        }
        Tensor div = Tensor.of(divisors, positions).to(x.dtype()).to(x.device());
        int[] outShape = outShape(input, g.outH(), g.outW());
        Tensor out;
        try (var ng = Autograd.noGrad()) {
            Tensor cols = WindowOps.im2col(x.reshape(nc, 1, g.height(), g.width()), g, 0);
            out = cols.sum(1).div(div).reshape(outShape).detach();
        }
        int[] inShape = input.shapeUnsafe();
        int taps = g.taps();
        return Tensor.record("AvgPool2DBackward0", out, (gr, needs) -> new Tensor[] {WindowOps.col2im(
                gr.reshape(nc, 1, positions).div(div).expand(nc, taps, positions), g, 1).reshape(inShape)}, input);
    }

    // ------------------------------------------------------------------ adaptive_avg_pool2d

    /**
     * Adaptive average pooling to a fixed output size, like {@code F.adaptive_avg_pool2d(input, output_size)}:
     * output row i averages input rows {@code floor(i * H / outH)} to {@code ceil((i + 1) * H / outH)}
     * (exclusive), and likewise for columns. An output of 1 x 1 is a mean over H and W, as in PyTorch
     * ({@code MeanBackward1}).
     *
     * @param input {@code [N, C, H, W]} or {@code [C, H, W]}, floating point, H and W non-zero
     * @param outputSize one int or {@code {outH, outW}}, each at least 0
     * @return {@code [N, C, outH, outW]} (without N for an unbatched input); {@code AdaptiveAvgPool2DBackward0}
     * @throws IllegalArgumentException for another rank ("adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got
     *     [2, 2]"), an empty H or W, or a negative output size
     */
    public static Tensor adaptiveAvgPool2d(Tensor input, int[] outputSize) {
        Objects.requireNonNull(input, "input must not be null");
        if (input.dim() != 3 && input.dim() != 4) {
            throw new IllegalArgumentException("adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got "
                    + WindowOps.sizes(input));
        }
        for (int i = input.dim() - 3; i < input.dim(); i++) {
            if (input.size(i) == 0) {
                throw new IllegalArgumentException("adaptive_avg_pool2d(): Expected input to have non-zero size for "
                        + "non-batch dimensions, but input has sizes " + WindowOps.sizes(input) + " with dimension "
                        + i + " being empty");
            }
        }
        Kernels.requireFloating(input.dtype(), "adaptive_avg_pool2d");
        int[] size = WindowOps.expand("adaptive_avg_pool2d", "output_size", outputSize, 2);
        if (size[0] < 0 || size[1] < 0) {
            throw new IllegalArgumentException("adaptive_avg_pool2d: elements of output_size must be greater than or "
                    + "equal to 0 but received {" + size[0] + ", " + size[1] + "}");
        }
        if (size[0] == 1 && size[1] == 1) {
            return input.mean(new int[] {-2, -1}, true);
        }
        int h = input.size(-2), w = input.size(-1);
        Tensor ph = averaging(size[0], h, input), pwT = averaging(size[1], w, input).t();
        Tensor out;
        try (var ng = Autograd.noGrad()) {
            out = ph.matmul(input).matmul(pwT).detach();
        }
        return Tensor.record("AdaptiveAvgPool2DBackward0", out, (gr, needs) -> new Tensor[] {
            ph.t().matmul(gr).matmul(pwT.t())}, input);
    }

    /** The {@code [out, in]} matrix whose row i averages adaptive pooling's window i. */
    private static Tensor averaging(int out, int in, Tensor like) {
        double[] m = new double[out * in];
        for (int i = 0; i < out; i++) {
            int start = (int) Math.floor((double) i * in / out);
            int end = (int) Math.ceil((double) (i + 1) * in / out);
            for (int j = start; j < end; j++) {
                m[i * in + j] = 1.0 / (end - start);
            }
        }
        return Tensor.of(m, out, in).to(like.dtype()).to(like.device());
    }

    // ------------------------------------------------------------------ interpolate

    /**
     * Resizes the last two dims, like {@code F.interpolate(input, size, scale_factor, mode, align_corners)} for
     * 4-D input and the modes "nearest" ({@code UpsampleNearest2DBackward0}: output index i reads
     * {@code min(floor(i * scale), in - 1)}) and "bilinear" ({@code UpsampleBilinear2DBackward0}). The scale is
     * {@code in / out}, or {@code 1 / scaleFactor} when a scale factor is given; with {@code alignCorners} the
     * corner pixels of input and output line up ({@code (in - 1) / (out - 1)}).
     *
     * @param input {@code [N, C, H, W]}, floating point
     * @param size {@code {outH, outW}} or one int for both; null when {@code scaleFactor} is given
     * @param scaleFactor {@code {fH, fW}} or one factor for both (output size {@code floor(in * f)}); null when
     *     {@code size} is given
     * @param mode "nearest" or "bilinear"
     * @param alignCorners for "bilinear" only: true or false (null is false); must be null for "nearest"
     * @return {@code [N, C, outH, outW]}
     * @throws IllegalArgumentException when both or neither of size and scaleFactor are given, for another mode
     *     or rank, or alignCorners with "nearest" ("align_corners option can only be set with the interpolating
     *     modes: linear | bilinear | bicubic | trilinear")
     */
    public static Tensor interpolate(Tensor input, int[] size, double[] scaleFactor, String mode,
                                     Boolean alignCorners) {
        Objects.requireNonNull(input, "input must not be null");
        Objects.requireNonNull(mode, "mode must not be null");
        if (!mode.equals("nearest") && !mode.equals("bilinear")) {
            throw new IllegalArgumentException("interpolate: mode '" + mode + "' is not supported here; "
                    + "supported modes: nearest, bilinear");
        }
        if (mode.equals("nearest") && alignCorners != null) {
            throw new IllegalArgumentException("align_corners option can only be set with the interpolating modes: "
                    + "linear | bilinear | bicubic | trilinear");
        }
        if (input.dim() != 4) {
            throw new IllegalArgumentException(mode.equals("bilinear")
                    ? "Got " + input.dim() + "D input, but bilinear mode needs 4D input"
                    : "interpolate: mode 'nearest' is supported for 4D input only here (got " + input.dim() + "D)");
        }
        if ((size == null) == (scaleFactor == null)) {
            throw new IllegalArgumentException(size == null ? "either size or scale_factor should be defined"
                    : "only one of size or scale_factor should be defined");
        }
        Kernels.requireFloating(input.dtype(), "upsample_" + mode + "2d");
        int h = input.size(2), w = input.size(3);
        int[] out = new int[2];
        double[] scales = new double[2]; // 0 when derived from the sizes
        if (size != null) {
            out = WindowOps.expand("interpolate", "size", size, 2);
        } else {
            if (scaleFactor.length != 1 && scaleFactor.length != 2) {
                throw new IllegalArgumentException("Input and scale_factor must have the same number of spatial "
                        + "dimensions, but got input with spatial dimensions of [" + h + ", " + w
                        + "] and scale_factor of shape " + java.util.Arrays.toString(scaleFactor) + ".");
            }
            for (int i = 0; i < 2; i++) {
                scales[i] = scaleFactor[scaleFactor.length == 1 ? 0 : i];
                out[i] = (int) Math.floor((i == 0 ? h : w) * scales[i]);
            }
        }
        if (out[0] <= 0 || out[1] <= 0) {
            throw new IllegalArgumentException("Input and output sizes should be greater than 0, but got input (H: "
                    + h + ", W: " + w + ") output (H: " + out[0] + ", W: " + out[1] + ")");
        }
        boolean f32 = input.dtype() == DType.FLOAT32;
        return mode.equals("nearest") ? nearest(input, out, scales, f32)
                : bilinear(input, out, scales, Boolean.TRUE.equals(alignCorners), f32);
    }

    private static Tensor nearest(Tensor x, int[] out, double[] scales, boolean f32) {
        Tensor ih = nearestIndex(x.size(2), out[0], scales[0], x.device(), f32);
        Tensor iw = nearestIndex(x.size(3), out[1], scales[1], x.device(), f32);
        Tensor y;
        try (var ng = Autograd.noGrad()) {
            y = x.indexSelect(2, ih).indexSelect(3, iw).detach();
        }
        int[] xs = x.shapeUnsafe();
        return Tensor.record("UpsampleNearest2DBackward0", y, (g, needs) -> {
            Tensor gw = zerosAlong(g, 3, xs[3]).indexAdd(3, iw, g);
            return new Tensor[] {zerosAlong(gw, 2, xs[2]).indexAdd(2, ih, gw)};
        }, x);
    }

    /** PyTorch's nearest_idx, in float as its kernel computes it. */
    private static Tensor nearestIndex(int in, int out, double scale, Device device, boolean f32) {
        long[] idx = new long[out];
        for (int i = 0; i < out; i++) {
            if (out == in) {
                idx[i] = i;
            } else if (out == 2 * in) {
                idx[i] = i >> 1;
            } else if (f32) {
                float s = scale > 0 ? (float) (1.0 / scale) : (float) in / out;
                idx[i] = Math.min((long) Math.floor(i * s), in - 1);
            } else {
                double s = scale > 0 ? 1.0 / scale : (double) in / out;
                idx[i] = Math.min((long) Math.floor(i * s), in - 1);
            }
        }
        return Tensor.of(idx, out).to(device);
    }

    /** Zeros of {@code g}'s shape with {@code size} along {@code dim}. */
    private static Tensor zerosAlong(Tensor g, int dim, int size) {
        int[] s = g.shapeUnsafe().clone();
        s[dim] = size;
        return Tensor.zeros(Shape.of(s), g.dtype(), g.device());
    }

    /** The two source indices and weights of every output index of a linear resampling along one dim. */
    private record Lerp(Tensor i0, Tensor i1, Tensor l0, Tensor l1) {
        /** {@code x} resampled along {@code dim}: {@code l0 * x[i0] + l1 * x[i1]}. */
        Tensor apply(Tensor x, int dim) {
            return x.indexSelect(dim, i0).mul(l0).add(x.indexSelect(dim, i1).mul(l1));
        }

        /** The adjoint of {@link #apply}: g's entries added back at i0 and i1 with their weights. */
        Tensor adjoint(Tensor g, int dim, int size) {
            return zerosAlong(g, dim, size).indexAdd(dim, i0, g.mul(l0)).indexAdd(dim, i1, g.mul(l1));
        }
    }

    /** PyTorch's area_pixel_compute_source_index for linear modes, in the input's precision. */
    private static Lerp lerp(int in, int out, double scale, boolean alignCorners, Tensor like, boolean f32,
                             boolean alongLastDim) {
        long[] i0 = new long[out], i1 = new long[out];
        double[] l0 = new double[out], l1 = new double[out];
        for (int i = 0; i < out; i++) {
            double src;
            if (f32) {
                float s = alignCorners ? (out > 1 ? (float) (in - 1) / (out - 1) : 0f)
                        : (scale > 0 ? (float) (1.0 / scale) : (float) in / out);
                float r = alignCorners ? s * i : Math.max(s * (i + 0.5f) - 0.5f, 0f);
                src = r;
            } else {
                double s = alignCorners ? (out > 1 ? (double) (in - 1) / (out - 1) : 0)
                        : (scale > 0 ? 1.0 / scale : (double) in / out);
                src = alignCorners ? s * i : Math.max(s * (i + 0.5) - 0.5, 0);
            }
            int lo = (int) src;
            i0[i] = lo;
            i1[i] = lo + (lo < in - 1 ? 1 : 0);
            l1[i] = f32 ? (float) src - lo : src - lo;
            l0[i] = f32 ? 1f - (float) l1[i] : 1 - l1[i];
        }
        int[] shape = alongLastDim ? new int[] {out} : new int[] {out, 1};
        return new Lerp(Tensor.of(i0, out).to(like.device()), Tensor.of(i1, out).to(like.device()),
                Tensor.of(l0, shape).to(like.dtype()).to(like.device()),
                Tensor.of(l1, shape).to(like.dtype()).to(like.device()));
    }

    private static Tensor bilinear(Tensor x, int[] out, double[] scales, boolean alignCorners, boolean f32) {
        Lerp along = lerp(x.size(3), out[1], scales[1], alignCorners, x, f32, true);
        Lerp down = lerp(x.size(2), out[0], scales[0], alignCorners, x, f32, false);
        Tensor y;
        try (var ng = Autograd.noGrad()) {
            y = down.apply(along.apply(x, 3), 2).detach();
        }
        int[] xs = x.shapeUnsafe();
        return Tensor.record("UpsampleBilinear2DBackward0", y, (g, needs) -> new Tensor[] {
            along.adjoint(down.adjoint(g, 2, xs[2]), 3, xs[3])}, x);
    }

    // ------------------------------------------------------------------ shared checks

    /** The input as {@code [N, C, H, W]}, after the rank, emptiness and dtype checks of PyTorch's pools. */
    private static Tensor checkInput(Tensor input, String op) {
        Objects.requireNonNull(input, "input must not be null");
        boolean emptyPlane = input.dim() >= 3 && (input.size(-1) == 0 || input.size(-2) == 0
                || input.size(-3) == 0 && input.dim() == 3);
        if ((input.dim() != 3 && input.dim() != 4) || emptyPlane) {
            throw new IllegalArgumentException("non-empty 3D or 4D (batch mode) tensor expected for input");
        }
        Kernels.requireFloating(input.dtype(), op);
        return WindowOps.batched(input, 4);
    }

    private static int[] outShape(Tensor input, int outH, int outW) {
        int[] s = input.shapeUnsafe().clone();
        s[s.length - 2] = outH;
        s[s.length - 1] = outW;
        return s;
    }

    /** The window of a pool over x ({@code [N, C, H, W]}) after PyTorch's pool2d_shape_check. */
    private static Window2d poolWindow(String op, Tensor x, int[] kernelSize, int[] stride, int[] padding,
                                       int[] dilation, boolean ceilMode) {
        int[] k = WindowOps.expand(op, "kernel_size", kernelSize, 2);
        int[] s = stride == null || stride.length == 0 ? k : WindowOps.expand(op, "stride", stride, 2);
        int[] p = WindowOps.expand(op, "padding", padding, 2);
        int[] d = WindowOps.expand(op, "dilation", dilation, 2);
        if (k[0] <= 0 || k[1] <= 0) {
            throw new IllegalArgumentException("kernel size should be greater than zero, but got kH: " + k[0]
                    + " kW: " + k[1]);
        }
        if (s[0] <= 0 || s[1] <= 0) {
            throw new IllegalArgumentException("stride should be greater than zero, but got dH: " + s[0]
                    + " dW: " + s[1]);
        }
        if (d[0] <= 0 || d[1] <= 0) {
            throw new IllegalArgumentException("dilation should be greater than zero, but got dilationH: " + d[0]
                    + " dilationW: " + d[1]);
        }
        if (p[0] < 0 || p[1] < 0 || p[1] > k[1] / 2 || p[0] > k[0] / 2) {
            throw new IllegalArgumentException("pad should be smaller than or equal to half of kernel size, but got "
                    + "padW = " + p[1] + ", padH = " + p[0] + ", kW = " + k[1] + ", kH = " + k[0]);
        }
        int h = x.size(2), w = x.size(3);
        int oh = WindowOps.pooledSize(h, k[0], p[0], s[0], d[0], ceilMode);
        int ow = WindowOps.pooledSize(w, k[1], p[1], s[1], d[1], ceilMode);
        if (oh < 1 || ow < 1) {
            throw new IllegalArgumentException("Given input size: (" + x.size(1) + "x" + h + "x" + w + "). "
                    + "Calculated output size: (" + x.size(1) + "x" + Math.max(oh, 0) + "x" + Math.max(ow, 0)
                    + "). Output size is too small");
        }
        return new Window2d(h, w, k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], oh, ow);
    }
}
