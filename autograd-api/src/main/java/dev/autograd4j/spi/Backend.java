package dev.autograd4j.spi;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * A tensor engine for one kind of device, found with {@link java.util.ServiceLoader}. Backends know
 * nothing of gradients. Every compute method takes storage plus {@link Layout}, so views never
 * need a copy; the API has already checked shapes, dtypes and devices, and broadcast inputs arrive
 * with stride-0 layouts of the output's shape. Outputs may be strided too.
 */
public interface Backend {
    /**
     * The kind of device this backend serves.
     *
     * @return the device type, e.g. {@link Device.Type#CPU}
     */
    Device.Type deviceType();

    /**
     * Whether this backend can run here. Cheap, never throws: false when natives or devices are missing
     * (like {@code torch.cuda.is_available()}).
     *
     * @return true when at least one device can be used
     */
    boolean isAvailable();

    /**
     * The number of devices of this type (like {@code torch.cuda.device_count()}); 0 where the backend is not
     * available, 1 for the CPU. Never throws.
     *
     * @return the device count; valid indices are 0 to count - 1
     */
    int deviceCount();

    /**
     * One line for logs and demos, e.g. "cpu: Vector API kernels, 2 threads".
     *
     * @return a human-readable summary of the backend and its devices
     */
    String describe();

    /**
     * New storage of {@code size} elements, zero-filled (like {@code torch.zeros}). On an asynchronous backend
     * the fill is queued on the device's stream, ahead of any later work.
     *
     * @param device the device to allocate on; its index is below {@link #deviceCount()}
     * @param dtype the element type
     * @param size the number of elements, possibly 0
     * @return a new storage of that device, dtype and size
     * @throws IllegalArgumentException when the device index is out of range (the API checks it first)
     */
    Storage allocate(Device device, DType dtype, int size);

    /**
     * New storage of {@code size} elements whose contents are unspecified (like {@code torch.empty}): for an
     * op's output, which its kernel writes entirely. A backend whose fresh memory is zeroed anyway need not
     * override this; the CUDA backend skips the zero fill.
     *
     * @param device the device to allocate on
     * @param dtype the element type
     * @param size the number of elements, possibly 0
     * @return a new storage whose elements must be written before they are read
     */
    default Storage allocateUninitialized(Device device, DType dtype, int size) {
        return allocate(device, dtype, size);
    }

    /**
     * Storage holding the elements of a host array, its size the array's length. The backend may adopt the
     * array rather than copy it (the CPU backend wraps it), so the caller hands over an array that nothing
     * modifies afterwards; the API passes a fresh copy.
     *
     * @param device the device to place the elements on
     * @param dtype the element type
     * @param array a {@code float[]}, {@code double[]}, {@code long[]} or {@code boolean[]} matching
     *     {@code dtype} (FLOAT32, FLOAT64, INT64, BOOL)
     * @return a new storage of {@code array.length} elements
     */
    Storage fromHost(Device device, DType dtype, Object array);

    /**
     * The viewed elements in row-major order as a new host array of the storage's dtype (like
     * {@code tensor.cpu().numpy()}). Waits for the work queued on the device, so it is a synchronization point;
     * a non-contiguous view is gathered on the device first.
     *
     * @param storage the storage to read
     * @param layout the view to read, any strides
     * @return a new {@code float[]}, {@code double[]}, {@code long[]} or {@code boolean[]} of
     *     {@code layout.numel()} elements
     */
    Object toHost(Storage storage, Layout layout);

    /**
     * {@code dst[...] = (cast) src[...]} elementwise over one shape (like {@code Tensor.copy_}); the dtypes may
     * differ, which makes it a cast. Either side may be a strided view, so this also makes views contiguous
     * and writes into slices. The source may be broadcast (stride 0); the destination must not overlap itself
     * or the source.
     *
     * @param src the storage to read
     * @param srcLayout the view of {@code src} to read, of the destination's shape
     * @param dst the storage to write
     * @param dstLayout the view of {@code dst} to write
     */
    void copy(Storage src, Layout srcLayout, Storage dst, Layout dstLayout);

    /**
     * Sets every element of the view to {@code value}, cast to the storage's dtype (like {@code Tensor.fill_}).
     *
     * @param dst the storage to write
     * @param layout the view to fill, any strides
     * @param value the value, converted as a cast from float64 would
     */
    void fill(Storage dst, Layout layout, double value);

    /**
     * {@code dst[i] = start + i * step} for i in row-major order (the kernel of {@code torch.arange}).
     *
     * @param dst the storage to write
     * @param layout a 1-D view (the CPU backend reads only the first stride)
     * @param start the first value
     * @param step the increment
     */
    void arange(Storage dst, Layout layout, double start, double step);

    /**
     * {@code dst[i]} = the standard uniform [0, 1) or standard normal of {@link CounterRandom} at counter
     * {@code offset + i}, so every backend draws the same numbers for one seed (the kernel of
     * {@code torch.rand} and {@code torch.randn}). Integer dtypes get the float64 draw cast.
     *
     * @param normal true for {@link CounterRandom#normal}, false for {@link CounterRandom#uniform}
     * @param dst the storage to write
     * @param layout a contiguous view (offset allowed)
     * @param seed the generator's seed
     * @param offset the generator's counter for element 0, as reserved from the {@code Generator}
     * @throws IllegalArgumentException when {@code layout} is not contiguous
     */
    void random(boolean normal, Storage dst, Layout layout, long seed, long offset);

    /**
     * {@code out[...] = op(x[...], p0, p1)} elementwise over one shape. {@code out} may be {@code x} itself
     * with the same layout (in-place ops): each position is read once, then written.
     *
     * @param op the function, whose formula is the reference for every backend
     * @param x the input storage
     * @param xLayout the view of {@code x}, of {@code out}'s shape (stride 0 where broadcast)
     * @param out the output storage, normally of {@code x}'s dtype
     * @param outLayout the view of {@code out} to write
     * @param p0 the op's first scalar parameter (see {@link UnaryOp}); ignored by ops without one
     * @param p1 the op's second scalar parameter; ignored by ops without one
     */
    void unary(UnaryOp op, Storage x, Layout xLayout, Storage out, Layout outLayout, double p0, double p1);

    /**
     * {@code out[...] = op(a[...], b[...])} elementwise over one shape, with inputs already broadcast to it.
     * Comparisons ({@link BinaryOp#isComparison()}) write BOOL; other ops write the inputs' dtype. {@code out}
     * may alias {@code a} with the same layout (in-place ops such as {@code add_}).
     *
     * @param op the function
     * @param a the left input storage
     * @param aLayout the view of {@code a}, of {@code out}'s shape (stride 0 where broadcast)
     * @param b the right input storage, of {@code a}'s dtype
     * @param bLayout the view of {@code b}, of {@code out}'s shape (stride 0 where broadcast)
     * @param out the output storage
     * @param outLayout the view of {@code out} to write
     */
    void binary(BinaryOp op, Storage a, Layout aLayout, Storage b, Layout bLayout, Storage out, Layout outLayout);

    /**
     * {@code out = cond ? a : b} elementwise over one shape (the kernel of {@code torch.where}).
     *
     * @param cond the BOOL condition storage
     * @param condLayout the view of {@code cond}, of {@code out}'s shape
     * @param a the storage read where {@code cond} is true, of {@code out}'s dtype
     * @param aLayout the view of {@code a}, of {@code out}'s shape
     * @param b the storage read where {@code cond} is false, of {@code out}'s dtype
     * @param bLayout the view of {@code b}, of {@code out}'s shape
     * @param out the output storage
     * @param outLayout the view of {@code out} to write
     */
    void where(Storage cond, Layout condLayout, Storage a, Layout aLayout, Storage b, Layout bLayout,
               Storage out, Layout outLayout);

    /**
     * Reduces the last {@code reducedDims} dims of x into out (shape = x's leading dims). For MAX/MIN,
     * {@code indices} (INT64, may be null) gets the flat index of the winner within the reduced dims;
     * NaN wins, as in PyTorch. The API moves the reduced dims last with a view, so x may have any strides.
     * SUM over an empty reduction writes 0; the API rejects MAX and MIN over an empty dim.
     *
     * @param op the reduction
     * @param x the input storage
     * @param xLayout the view of {@code x}, kept dims first, reduced dims last
     * @param reducedDims how many trailing dims of {@code xLayout} to reduce, 0 to its rank
     * @param out the output storage, of {@code x}'s dtype
     * @param outLayout the view of {@code out}, shaped as the leading {@code rank - reducedDims} dims of x
     * @param indices INT64 storage for the arg index (row-major within the reduced dims), or null for none;
     *     written by MAX and MIN only
     * @param indicesLayout the view of {@code indices}, of {@code outLayout}'s shape; null when
     *     {@code indices} is
     */
    void reduce(ReduceOp op, Storage x, Layout xLayout, int reducedDims, Storage out, Layout outLayout,
                Storage indices, Layout indicesLayout);

    /**
     * Softmax, or with {@code log} log-softmax, over the last dim of x (rank at least 1) into out, same shape,
     * any strides: per row {@code exp(x - max) / sum(exp(x - max))} or {@code x - max - log(sum(exp(x - max)))}.
     * The default composes the methods above through temporaries; a backend overrides it with one kernel.
     * The API moves the softmax dim last with a view and never calls this for an empty tensor (the kernel of
     * {@code torch.softmax} and {@code torch.log_softmax}).
     *
     * @param log true for log-softmax, false for softmax
     * @param x the input storage, of a floating dtype
     * @param xLayout the view of {@code x}, rank at least 1
     * @param out the output storage, of {@code x}'s dtype
     * @param outLayout the view of {@code out}, of {@code x}'s shape
     */
    default void softmax(boolean log, Storage x, Layout xLayout, Storage out, Layout outLayout) {
        int rank = xLayout.rank();
        int[] shape = xLayout.shape();
        Device device = x.device();
        DType dtype = x.dtype();
        Layout rows = Layout.contiguous(Arrays.copyOf(shape, rank - 1));
        // a per-row statistic read along the whole row (stride 0 on the last dim)
        Layout alongRow = new Layout(shape, Arrays.copyOf(rows.strides(), rank), 0);
        Layout full = Layout.contiguous(shape);
        Storage stat = allocate(device, dtype, rows.numel());
        reduce(ReduceOp.MAX, x, xLayout, 1, stat, rows, null, null);
        Storage shifted = allocate(device, dtype, full.numel());
        binary(BinaryOp.SUB, x, xLayout, stat, alongRow, shifted, full);
        Storage exp = allocate(device, dtype, full.numel());
        unary(UnaryOp.EXP, shifted, full, exp, full, 0, 0);
        reduce(ReduceOp.SUM, exp, full, 1, stat, rows, null, null);
        if (log) {
            unary(UnaryOp.LOG, stat, rows, stat, rows, 0, 0);
            binary(BinaryOp.SUB, shifted, full, stat, alongRow, out, outLayout);
        } else {
            binary(BinaryOp.DIV, exp, full, stat, alongRow, out, outLayout);
        }
    }

    /**
     * Throws {@code failure.get()} when any element of {@code flags} (BOOL) is true: how a check computed on the
     * device (class indices in range, say) reports bad input. A backend that queues work asynchronously may
     * throw at its next synchronization instead (a host read or {@link #synchronize}), as PyTorch's device-side
     * asserts do, so that the check costs no wait; the default reads the flags now.
     *
     * @param flags BOOL storage of per-element failures
     * @param layout the view of {@code flags} to check
     * @param failure makes the exception to throw; called only when a flag is set
     * @throws RuntimeException the exception from {@code failure} when a flag is set (here or, on an
     *     asynchronous backend, at a later synchronization)
     */
    default void assertNoneSet(Storage flags, Layout layout, Supplier<? extends RuntimeException> failure) {
        for (boolean set : (boolean[]) toHost(flags, layout)) {
            if (set) {
                throw failure.get();
            }
        }
    }

    /**
     * Batched matrix product {@code out[i] = a[i] @ b[i]} (the kernel of {@code torch.bmm}, which
     * {@code matmul} reduces to): a is [B, m, k], b is [B, k, n], out is [B, m, n]. The inputs may have any
     * strides (transposed views, stride-0 broadcast batches) and are not copied; the API passes a contiguous
     * out, and the CPU backend assumes out's rows are contiguous. {@code k == 0} writes zeros. The dtype is
     * FLOAT32 or FLOAT64, the same for all three.
     *
     * @param a the left storage
     * @param aLayout the rank-3 view [B, m, k] of {@code a}
     * @param b the right storage
     * @param bLayout the rank-3 view [B, k, n] of {@code b}
     * @param out the output storage, overwritten (not accumulated into)
     * @param outLayout the rank-3 view [B, m, n] of {@code out}
     */
    void matmul(Storage a, Layout aLayout, Storage b, Layout bLayout, Storage out, Layout outLayout);

    /**
     * {@code out[p] = x[p with coordinate dim replaced by index[p]]} for every position p of {@code index} (the
     * kernel of {@code torch.gather}); for rank 3 and dim 1, {@code out[i][j][k] = x[i][index[i][j][k]][k]}. The API
     * has checked the index's dtype (INT64), rank and sizes ({@code index.size(d) <= x.size(d)} for d other than
     * dim) and that every index lies in {@code [0, x.size(dim))}; a backend may still refuse an index out of range.
     *
     * @param x the input storage, of any dtype
     * @param xLayout the view of {@code x}, of the index's rank
     * @param dim the dim to gather along, in {@code [0, rank)}
     * @param index the INT64 index storage
     * @param indexLayout the view of {@code index}, any strides (stride 0 where expanded)
     * @param out the output storage, of {@code x}'s dtype
     * @param outLayout the view of {@code out} to write, of the index's shape
     * @throws IndexOutOfBoundsException on a backend that checks, for an index outside {@code [0, x.size(dim))}
     */
    void gather(Storage x, Layout xLayout, int dim, Storage index, Layout indexLayout, Storage out, Layout outLayout);

    /**
     * {@code out[p with coordinate dim replaced by index[p]] += src[p]} for every position p of {@code index} (the
     * kernel of {@code torch.Tensor.scatter_add_}): accumulates into {@code out}, which the caller has filled, and
     * sums every contribution when indices repeat (atomically where threads could collide). The API has checked
     * dtypes, ranks, sizes ({@code index.size(d) <= src.size(d)} for every d and {@code <= out.size(d)} for d other
     * than dim) and the index range.
     *
     * @param src the source storage, of {@code out}'s dtype (FLOAT32, FLOAT64 or INT64)
     * @param srcLayout the view of {@code src}, of the index's rank; only its part of the index's shape is read
     * @param dim the dim to scatter along, in {@code [0, rank)}
     * @param index the INT64 index storage
     * @param indexLayout the view of {@code index}, any strides
     * @param out the storage accumulated into; must not overlap {@code src} or {@code index}
     * @param outLayout the view of {@code out}, of the index's rank
     * @throws IndexOutOfBoundsException on a backend that checks, for an index outside {@code [0, out.size(dim))}
     */
    void scatterAdd(Storage src, Layout srcLayout, int dim, Storage index, Layout indexLayout, Storage out,
                    Layout outLayout);

    /**
     * {@code out[p with coordinate dim replaced by index[p]] = max (or min) of itself and src[p]} for every
     * position p of {@code index} (the amax/amin kernel of {@code torch.Tensor.scatter_reduce_}): reduces into
     * {@code out}, which the caller has filled (with the identity where the old values are not to count), the
     * result independent of the order (atomically where threads could collide). A NaN wins, as in PyTorch. The
     * API has checked dtypes, ranks, sizes and the index range, as for {@link #scatterAdd}.
     *
     * @param op {@link ReduceOp#MAX} or {@link ReduceOp#MIN}
     * @param src the source storage, of {@code out}'s dtype (FLOAT32, FLOAT64 or INT64)
     * @param srcLayout the view of {@code src}, of the index's rank; only its part of the index's shape is read
     * @param dim the dim to scatter along, in {@code [0, rank)}
     * @param index the INT64 index storage
     * @param indexLayout the view of {@code index}, any strides
     * @param out the storage reduced into; must not overlap {@code src} or {@code index}
     * @param outLayout the view of {@code out}, of the index's rank
     * @throws IndexOutOfBoundsException on a backend that checks, for an index outside {@code [0, out.size(dim))}
     */
    void scatterReduce(ReduceOp op, Storage src, Layout srcLayout, int dim, Storage index, Layout indexLayout,
                       Storage out, Layout outLayout);

    /**
     * Sorts every row along the last dim of {@code xLayout} (the kernel of {@code torch.sort(stable=True)}): for each
     * row, {@code values} gets its elements in ascending (or, with {@code descending}, descending) order and
     * {@code indices} their positions in the row. The sort is stable (equal elements keep their order, in either
     * direction); NaN sorts as the largest value (last ascending, first descending), {@code -0.0} equals {@code 0.0},
     * false sorts before true. The API moves the sorted dim last with a view, so any strides arrive.
     *
     * @param x the input storage, of any dtype
     * @param xLayout the view of {@code x}, rank at least 1, the sorted dim last
     * @param descending largest first
     * @param values the output storage for the sorted values, of {@code x}'s dtype, not overlapping {@code x}
     * @param valuesLayout the view of {@code values}, of {@code xLayout}'s shape
     * @param indices the INT64 output storage for the positions along the last dim
     * @param indicesLayout the view of {@code indices}, of {@code xLayout}'s shape
     */
    void sort(Storage x, Layout xLayout, boolean descending, Storage values, Layout valuesLayout, Storage indices,
              Layout indicesLayout);

    /**
     * Unfolds sliding windows into columns (the kernel of {@code torch.nn.functional.unfold}, "im2col"):
     * {@code out[b][(c * kernelH + ki) * kernelW + kj][oh * outW + ow] = x[b][c][h][w]} with h and w as
     * {@link Window2d} defines them, or {@code padValue} where they fall outside the input.
     *
     * @param x the input storage, FLOAT32 or FLOAT64
     * @param xLayout a contiguous view (offset allowed) {@code [B, C, H, W]}
     * @param window the window geometry, its height and width those of {@code xLayout}
     * @param padValue the value read outside the input (0 for convolution, -inf for max pooling)
     * @param out the output storage, of {@code x}'s dtype
     * @param outLayout a contiguous view (offset allowed) {@code [B, C * kernelH * kernelW, outH * outW]}
     */
    void im2col(Storage x, Layout xLayout, Window2d window, double padValue, Storage out, Layout outLayout);

    /**
     * Folds columns back into an image, summing overlapping windows (the kernel of
     * {@code torch.nn.functional.fold}, "col2im", the adjoint of {@link #im2col}):
     * {@code out[b][c][h][w] = sum of cols[b][(c * kernelH + ki) * kernelW + kj][oh * outW + ow]} over the taps
     * and positions that read {@code (h, w)}. Entries that would land in the padding are dropped.
     *
     * @param cols the column storage, FLOAT32 or FLOAT64
     * @param colsLayout a contiguous view (offset allowed) {@code [B, C * kernelH * kernelW, outH * outW]}
     * @param window the window geometry
     * @param out the output storage, of {@code cols}' dtype, overwritten (not accumulated into)
     * @param outLayout a contiguous view (offset allowed) {@code [B, C, H, W]}
     */
    void col2im(Storage cols, Layout colsLayout, Window2d window, Storage out, Layout outLayout);

    /**
     * Max pooling over the windows of {@link Window2d} (the kernel of {@code max_pool2d}): {@code out[b][c][oh][ow]}
     * is the largest element of the window, reading -inf outside the input, and {@code taps[b][c][oh][ow]} the
     * window tap {@code ki * kernelW + kj} it came from. Taps are visited in that order and a tap replaces the
     * running maximum when it is greater or NaN (PyTorch's rule: the first of equal maxima wins, NaN propagates).
     *
     * @param x the input storage, FLOAT32 or FLOAT64
     * @param xLayout a contiguous view (offset allowed) {@code [B, C, H, W]}
     * @param window the window geometry
     * @param out the output storage, of {@code x}'s dtype
     * @param outLayout a contiguous view (offset allowed) {@code [B, C, outH, outW]}
     * @param taps INT64 storage for the winning taps
     * @param tapsLayout a contiguous view (offset allowed) of {@code outLayout}'s shape
     */
    void maxPool2d(Storage x, Layout xLayout, Window2d window, Storage out, Layout outLayout, Storage taps,
                   Layout tapsLayout);

    /**
     * The gradient of {@link #maxPool2d} (the kernel of {@code max_pool2d_with_indices_backward}): each element of
     * {@code grad} is added at the input position its window's winning tap read; overlapping windows sum.
     *
     * @param grad the output's gradient, FLOAT32 or FLOAT64
     * @param gradLayout a contiguous view (offset allowed) {@code [B, C, outH, outW]}
     * @param taps the INT64 winning taps {@link #maxPool2d} wrote
     * @param tapsLayout a contiguous view (offset allowed) of {@code gradLayout}'s shape
     * @param window the window geometry
     * @param out the input's gradient, of {@code grad}'s dtype, overwritten (not accumulated into)
     * @param outLayout a contiguous view (offset allowed) {@code [B, C, H, W]}
     */
    void maxPool2dBackward(Storage grad, Layout gradLayout, Storage taps, Layout tapsLayout, Window2d window,
                           Storage out, Layout outLayout);

    /**
     * {@code dst += alpha * src} elementwise in one pass, for an optimizer's {@code add_(grad, alpha)}: the product
     * rounded to the dtype before the sum, the same bits as a multiply kernel then an add kernel. Optional: a
     * backend returns false for what it does not fuse (the default: nothing), and the caller runs the two kernels.
     *
     * @param src the scaled operand, same dtype and shape as dst
     * @param srcLayout its layout
     * @param alpha the factor
     * @param dst the storage updated in place
     * @param dstLayout its layout
     * @return whether the update was done
     */
    default boolean addScaled(Storage src, Layout srcLayout, double alpha, Storage dst, Layout dstLayout) {
        return false;
    }

    /**
     * Training-mode normalization in one kernel (the forward of {@code native_batch_norm},
     * {@code native_layer_norm} and {@code native_group_norm}): per statistics row of {@code shape} the mean, the
     * biased variance {@code var} (the mean of squared deviations from the mean, a second pass) and
     * {@code rstd = 1 / sqrt(var + eps)}, computed in double; then
     * {@code out = (x - mean) * rstd * weight[ch] + bias[ch]}. Optional: a backend returns false when it does not
     * fuse (the default), and the caller composes the normalization from other kernels. The sums of a row are
     * taken in an order that does not depend on the thread count.
     *
     * @param shape how x is read, and which values each statistics row covers
     * @param x the input, FLOAT32 or FLOAT64, {@code shape.numel()} contiguous elements from {@code xOffset}
     * @param xOffset the element offset of x
     * @param weight {@code c} contiguous elements from 0 of x's dtype, or null for 1
     * @param bias {@code c} contiguous elements from 0 of x's dtype, or null for 0
     * @param eps added to the variance
     * @param out the output, x's dtype, {@code shape.numel()} elements from 0
     * @param mean the means, {@code shape.rows()} elements from 0 of x's dtype
     * @param rstd the reciprocal standard deviations, likewise
     * @param var the biased variances, likewise, or null when not wanted
     * @return whether the kernel ran
     */
    default boolean normForward(NormShape shape, Storage x, int xOffset, Storage weight, Storage bias, double eps,
                                Storage out, Storage mean, Storage rstd, Storage var) {
        return false;
    }

    /**
     * The first-order gradient of {@link #normForward} in one kernel: with {@code xhat = (x - mean) * rstd} and
     * {@code gx = grad * weight[ch]}, per statistics row
     * {@code dx = rstd * (gx - mean(gx) - xhat * mean(gx * xhat))}; per channel {@code dweight = sum(grad * xhat)}
     * and {@code dbias = sum(grad)} over the channel's values. Sums in double, in an order that does not depend on
     * the thread count. Optional as {@link #normForward}: false when not fused.
     *
     * @param shape how x and grad are read
     * @param grad the output's gradient, x's dtype, {@code shape.numel()} contiguous elements from
     *        {@code gradOffset}
     * @param gradOffset the element offset of grad
     * @param x the forward's input, contiguous from {@code xOffset}
     * @param xOffset the element offset of x
     * @param mean the forward's means, {@code shape.rows()} elements from 0
     * @param rstd the forward's reciprocal standard deviations, likewise
     * @param weight {@code c} contiguous elements from 0, or null for 1
     * @param dx the input's gradient, {@code shape.numel()} elements from 0, or null when not wanted
     * @param dweight the weight's gradient, {@code c} elements from 0, or null when not wanted
     * @param dbias the bias's gradient, {@code c} elements from 0, or null when not wanted
     * @return whether the kernel ran
     */
    default boolean normBackward(NormShape shape, Storage grad, int gradOffset, Storage x, int xOffset, Storage mean,
                                 Storage rstd, Storage weight, Storage dx, Storage dweight, Storage dbias) {
        return false;
    }

    /**
     * The first-order gradient of {@link #softmax} in one kernel, row by row over {@code rows} contiguous rows of
     * {@code n}: for softmax {@code out = y * (grad - sum(grad * y))}, for log-softmax
     * {@code out = grad - exp(y) * sum(grad)}, the row sums in double in an order that does not depend on the
     * thread count. Optional as {@link #normForward}: false (the default) when not fused, and the caller composes
     * it.
     *
     * @param log true for log-softmax
     * @param y the forward's output, FLOAT32 or FLOAT64, {@code rows * n} contiguous elements from {@code yOffset}
     * @param yOffset the element offset of y
     * @param grad the output's gradient, y's dtype, contiguous from {@code gradOffset}
     * @param gradOffset the element offset of grad
     * @param out the input's gradient, {@code rows * n} elements from 0
     * @param rows the number of rows, at least 1
     * @param n the row length, at least 1
     * @return whether the kernel ran
     */
    default boolean softmaxBackward(boolean log, Storage y, int yOffset, Storage grad, int gradOffset, Storage out,
                                    int rows, int n) {
        return false;
    }

    /**
     * The weight gradient of a 2-D convolution with one group in one kernel, straight from the input and the output's
     * gradient: {@code out[o][c * taps + t] = sum over n and window positions l of grad[n][o][l] * x[n][c]} at tap t
     * of window l (0 in the padding), the product of the output's gradient with the input's im2col columns without
     * building them. Optional: a backend returns false (the default) where it does not fuse, or where it finds the
     * columns and a matmul faster (many weights), and the caller runs im2col and matmul. The sums are taken in an
     * order that does not depend on the thread count.
     *
     * @param x the input {@code [N, C, H, W]}, FLOAT32 or FLOAT64, contiguous
     * @param xLayout its layout
     * @param grad the output's gradient {@code [N, O, outH, outW]}, x's dtype, contiguous
     * @param gradLayout its layout
     * @param window the convolution's window geometry
     * @param out the weight's gradient {@code [O, C * kernelH * kernelW]}, x's dtype, contiguous
     * @param outLayout its layout
     * @return whether the kernel ran
     */
    default boolean convWeightGradient(Storage x, Layout xLayout, Storage grad, Layout gradLayout, Window2d window,
                                       Storage out, Layout outLayout) {
        return false;
    }

    /**
     * Waits for the work queued on the device (like {@code torch.cuda.synchronize()}); errors of queued work,
     * a kernel's fault or a deferred {@link #assertNoneSet} failure, surface here. A no-op on the CPU, whose
     * kernels finish before they return.
     *
     * @param device the device to wait for
     * @throws RuntimeException the failure of queued work, on an asynchronous backend
     */
    void synchronize(Device device);
}
