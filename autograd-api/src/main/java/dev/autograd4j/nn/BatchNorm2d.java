package dev.autograd4j.nn;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Tensor;

/**
 * Batch normalization of {@code [N, C, H, W]} inputs over every dim but the channels, like
 * {@code torch.nn.BatchNorm2d}; see {@link BatchNormBase}.
 */
public class BatchNorm2d extends BatchNormBase {
    /**
     * {@code eps = 1e-5}, {@code momentum = 0.1}, affine, tracking running statistics; float32 on the default
     * device.
     *
     * @param numFeatures the number of channels {@code C}
     * @throws IllegalArgumentException if {@code numFeatures} is not positive
     */
    public BatchNorm2d(int numFeatures) {
        super(numFeatures, 1e-5, 0.1, true, true);
    }

    /**
     * A batch norm with the given options, float32 on the default device.
     *
     * @param numFeatures the number of channels {@code C}
     * @param eps added to the variance
     * @param momentum the weight of each batch in the running statistics; null for a cumulative average
     * @param affine whether to learn {@code weight} and {@code bias}
     * @param trackRunningStats whether to keep running statistics
     * @throws IllegalArgumentException if {@code numFeatures} is not positive
     */
    public BatchNorm2d(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats);
    }

    /**
     * A batch norm with every option.
     *
     * @param numFeatures the number of channels {@code C}
     * @param eps added to the variance
     * @param momentum the weight of each batch in the running statistics; null for a cumulative average
     * @param affine whether to learn {@code weight} and {@code bias}
     * @param trackRunningStats whether to keep running statistics
     * @param dtype the parameters' and buffers' floating dtype
     * @param device their device
     * @throws IllegalArgumentException if {@code numFeatures} is not positive
     */
    public BatchNorm2d(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats,
                       DType dtype, Device device) {
        super(numFeatures, eps, momentum, affine, trackRunningStats, dtype, device);
    }

    @Override
    protected void checkInputDim(Tensor input) {
        if (input.dim() != 4) {
            throw new IllegalArgumentException("expected 4D input (got " + input.dim() + "D input)");
        }
        checkChannels(input);
    }
}
