package dev.autograd4j.nn;

import dev.autograd4j.DType;
import dev.autograd4j.DefaultDevice;
import dev.autograd4j.Device;
import dev.autograd4j.Normalization;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;

/**
 * Group normalization, like {@code torch.nn.GroupNorm(num_groups, num_channels)}, with a learned per-channel
 * {@code weight} (ones) and {@code bias} (zeros). See {@link Normalization#groupNorm}.
 */
public class GroupNorm extends Module {
    private final int numGroups;
    private final int numChannels;
    private final double eps;
    private final boolean affine;

    /**
     * {@code eps = 1e-5}, affine, float32 on the default device.
     *
     * @param numGroups the number of groups
     * @param numChannels the number of channels, divisible by {@code numGroups}
     * @throws IllegalArgumentException if the channels are not divisible ({@code num_channels must be divisible
     *         by num_groups})
     */
    public GroupNorm(int numGroups, int numChannels) {
        this(numGroups, numChannels, 1e-5, true, DType.FLOAT32, DefaultDevice.get());
    }

    /**
     * A group norm with every option.
     *
     * @param numGroups the number of groups
     * @param numChannels the number of channels, divisible by {@code numGroups}
     * @param eps added to the variance
     * @param affine whether to learn {@code weight} and {@code bias}
     * @param dtype the parameters' floating dtype
     * @param device their device
     * @throws IllegalArgumentException if the channels are not divisible
     */
    public GroupNorm(int numGroups, int numChannels, double eps, boolean affine, DType dtype, Device device) {
        if (numGroups <= 0 || numChannels % numGroups != 0) {
            throw new IllegalArgumentException("num_channels must be divisible by num_groups");
        }
        this.numGroups = numGroups;
        this.numChannels = numChannels;
        this.eps = eps;
        this.affine = affine;
        if (affine) {
            registerParameter("weight", Tensor.ones(Shape.of(numChannels), dtype, device));
            registerParameter("bias", Tensor.zeros(Shape.of(numChannels), dtype, device));
        }
    }

    /**
     * Normalizes each sample's channel groups.
     *
     * @param input {@code [N, C, *]}
     * @return a tensor of {@code input}'s shape ({@code NativeGroupNormBackward0})
     * @throws IllegalArgumentException if the channel count is wrong
     */
    @Override
    public Tensor forward(Tensor input) {
        return Normalization.groupNorm(input, numGroups, affine ? ownParameters().get("weight").data() : null,
                affine ? ownParameters().get("bias").data() : null, eps);
    }

    @Override
    protected String extraRepr() {
        return numGroups + ", " + numChannels + ", eps=" + eps + ", affine=" + affine;
    }
}
