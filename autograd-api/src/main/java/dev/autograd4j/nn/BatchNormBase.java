package dev.autograd4j.nn;

import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.DefaultDevice;
import dev.autograd4j.Device;
import dev.autograd4j.Normalization;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;

/**
 * What {@link BatchNorm1d} and {@link BatchNorm2d} share, like PyTorch's {@code _BatchNorm}: the parameters
 * {@code weight} (ones) and {@code bias} (zeros) when affine, and with {@code trackRunningStats} the buffers
 * {@code running_mean} (zeros), {@code running_var} (ones) and {@code num_batches_tracked} (int64 0), named as
 * PyTorch's so state dicts match. In training mode the batch's statistics normalize and the running ones are
 * updated (with {@code momentum}, or a cumulative average when it is null); in eval mode the running ones
 * normalize. See {@link Normalization#batchNorm}.
 */
public abstract class BatchNormBase extends Module {
    private final int numFeatures;
    private final double eps;
    private final Double momentum;
    private final boolean affine;
    private final boolean trackRunningStats;

    /**
     * A batch norm with every option.
     *
     * @param numFeatures the number of channels {@code C}
     * @param eps added to the variance
     * @param momentum the weight of each batch in the running statistics; null for a cumulative average
     * @param affine whether to learn {@code weight} and {@code bias}
     * @param trackRunningStats whether to keep running statistics (without them eval mode uses the batch's)
     * @param dtype the parameters' and running statistics' dtype
     * @param device their device
     * @throws IllegalArgumentException if {@code numFeatures} is not positive
     */
    protected BatchNormBase(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats,
                            DType dtype, Device device) {
        if (numFeatures <= 0) {
            throw new IllegalArgumentException("num_features must be positive, got " + numFeatures);
        }
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.affine = affine;
        this.trackRunningStats = trackRunningStats;
        if (affine) {
            registerParameter("weight", Tensor.ones(Shape.of(numFeatures), dtype, device));
            registerParameter("bias", Tensor.zeros(Shape.of(numFeatures), dtype, device));
        }
        if (trackRunningStats) {
            registerBuffer("running_mean", Tensor.zeros(Shape.of(numFeatures), dtype, device));
            registerBuffer("running_var", Tensor.ones(Shape.of(numFeatures), dtype, device));
            registerBuffer("num_batches_tracked", Tensor.zeros(Shape.of(), DType.INT64, device));
        }
    }

    /**
     * Float32 on the default device.
     *
     * @param numFeatures the number of channels
     * @param eps added to the variance
     * @param momentum the weight of each batch in the running statistics; null for a cumulative average
     * @param affine whether to learn {@code weight} and {@code bias}
     * @param trackRunningStats whether to keep running statistics
     * @throws IllegalArgumentException if {@code numFeatures} is not positive
     */
    protected BatchNormBase(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        this(numFeatures, eps, momentum, affine, trackRunningStats, DType.FLOAT32, DefaultDevice.get());
    }

    /**
     * Throws unless {@code input} has a rank this layer takes.
     *
     * @param input the input
     * @throws IllegalArgumentException with PyTorch's message ({@code expected 4D input (got 3D input)})
     */
    protected abstract void checkInputDim(Tensor input);

    /**
     * Normalizes {@code input} per channel (dim 1).
     *
     * @param input {@code [N, C, *]} of the layer's rank
     * @return a tensor of {@code input}'s shape
     * @throws IllegalArgumentException if the rank or channel count is wrong, or training on one value per
     *         channel ({@code Expected more than 1 value per channel when training, got input size [1, 3]})
     */
    @Override
    public Tensor forward(Tensor input) {
        checkInputDim(input);
        double factor = momentum == null ? 0.0 : momentum;
        if (isTraining() && trackRunningStats) {
            Tensor n = buffer("num_batches_tracked");
            try (var g = Autograd.noGrad()) {
                n.add_(1L);
            }
            if (momentum == null) {
                factor = 1.0 / n.toLongArray()[0];
            }
        }
        boolean useBatch = isTraining() || !trackRunningStats;
        boolean passStats = !isTraining() || trackRunningStats;
        Tensor rm = passStats && trackRunningStats ? buffer("running_mean") : null;
        Tensor rv = passStats && trackRunningStats ? buffer("running_var") : null;
        return Normalization.batchNorm(input, rm, rv, weight(), bias(), useBatch, factor, eps);
    }

    /**
     * The scale, like {@code BatchNorm.weight}.
     *
     * @return the current leaf tensor, or null when not affine
     */
    public Tensor weight() {
        return affine ? ownParameters().get("weight").data() : null;
    }

    /**
     * The shift, like {@code BatchNorm.bias}.
     *
     * @return the current leaf tensor, or null when not affine
     */
    public Tensor bias() {
        return affine ? ownParameters().get("bias").data() : null;
    }

    /**
     * The running mean, like {@code BatchNorm.running_mean}.
     *
     * @return the current buffer, or null without running statistics
     */
    public Tensor runningMean() {
        return trackRunningStats ? buffer("running_mean") : null;
    }

    /**
     * The running variance, like {@code BatchNorm.running_var}.
     *
     * @return the current buffer, or null without running statistics
     */
    public Tensor runningVar() {
        return trackRunningStats ? buffer("running_var") : null;
    }

    /**
     * The number of training batches seen, like {@code BatchNorm.num_batches_tracked}.
     *
     * @return the current int64 0-d buffer, or null without running statistics
     */
    public Tensor numBatchesTracked() {
        return trackRunningStats ? buffer("num_batches_tracked") : null;
    }

    /**
     * The number of channels.
     *
     * @return {@code C}
     */
    public int numFeatures() {
        return numFeatures;
    }

    /** Throws PyTorch's message unless the input's channel count is this layer's. */
    void checkChannels(Tensor input) {
        if (input.size(1) != numFeatures) {
            throw new IllegalArgumentException("running_mean should contain " + input.size(1) + " elements not "
                    + numFeatures);
        }
    }

    @Override
    protected String extraRepr() {
        return numFeatures + ", eps=" + eps + ", momentum=" + momentum + ", affine=" + affine
                + ", track_running_stats=" + trackRunningStats;
    }
}
