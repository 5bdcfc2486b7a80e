package dev.autograd4j.spi;

/**
 * The geometry of a sliding 2-D window over the last two dims of a {@code [B, C, H, W]} input, shared by the
 * {@link Backend#im2col} and {@link Backend#col2im} kernels (convolution, pooling, unfold and fold). Window
 * position {@code (oh, ow)} and kernel tap {@code (ki, kj)} read input row {@code oh * strideH - padTop + ki *
 * dilationH} and column {@code ow * strideW - padLeft + kj * dilationW}; rows and columns outside the input read
 * the padding value. The output size is given rather than derived, so asymmetric padding ("same" with an even
 * kernel) and pooling's ceil mode need nothing more.
 *
 * @param height the input's height H
 * @param width the input's width W
 * @param kernelH the kernel's height, at least 1
 * @param kernelW the kernel's width, at least 1
 * @param strideH the vertical step, at least 1
 * @param strideW the horizontal step, at least 1
 * @param padTop the padding above the input, at least 0
 * @param padLeft the padding left of the input, at least 0
 * @param dilationH the vertical spacing of the kernel taps, at least 1
 * @param dilationW the horizontal spacing of the kernel taps, at least 1
 * @param outH the number of window positions down, at least 0
 * @param outW the number of window positions across, at least 0
 */
public record Window2d(int height, int width, int kernelH, int kernelW, int strideH, int strideW, int padTop,
                       int padLeft, int dilationH, int dilationW, int outH, int outW) {
    /**
     * Checks the values.
     *
     * @param height the input's height
     * @param width the input's width
     * @param kernelH the kernel's height
     * @param kernelW the kernel's width
     * @param strideH the vertical step
     * @param strideW the horizontal step
     * @param padTop the padding above
     * @param padLeft the padding on the left
     * @param dilationH the vertical tap spacing
     * @param dilationW the horizontal tap spacing
     * @param outH the window positions down
     * @param outW the window positions across
     * @throws IllegalArgumentException when a size is negative or a kernel, stride or dilation is below 1
     */
    public Window2d {
        if (height < 0 || width < 0 || kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1 || padTop < 0
                || padLeft < 0 || dilationH < 1 || dilationW < 1 || outH < 0 || outW < 0) {
            throw new IllegalArgumentException("invalid window geometry " + this);
        }
    }

    /**
     * The number of kernel taps, {@code kernelH * kernelW}.
     *
     * @return the taps per channel
     */
    public int taps() {
        return kernelH * kernelW;
    }

    /**
     * The number of window positions, {@code outH * outW}.
     *
     * @return the column count of the im2col matrix
     */
    public int positions() {
        return outH * outW;
    }
}
