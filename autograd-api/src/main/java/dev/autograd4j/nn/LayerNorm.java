package dev.autograd4j.nn;

import dev.autograd4j.DType;
import dev.autograd4j.DefaultDevice;
import dev.autograd4j.Device;
import dev.autograd4j.Normalization;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import java.util.Arrays;

/**
 * Layer normalization over the trailing {@code normalizedShape}, like {@code torch.nn.LayerNorm}, with a learned
 * elementwise {@code weight} (ones) and {@code bias} (zeros). See {@link Normalization#layerNorm}.
 */
public class LayerNorm extends Module {
    private final int[] normalizedShape;
    private final double eps;

    /**
     * {@code eps = 1e-5}, with weight and bias, float32 on the default device.
     *
     * @param normalizedShape the trailing sizes to normalize over
     * @throws IllegalArgumentException if a size is not positive
     */
    public LayerNorm(int... normalizedShape) {
        this(normalizedShape, 1e-5, true, true, DType.FLOAT32, DefaultDevice.get());
    }

    /**
     * A layer norm with every option.
     *
     * @param normalizedShape the trailing sizes to normalize over
     * @param eps added to the variance
     * @param elementwiseAffine whether to learn a weight (and a bias, if {@code bias})
     * @param bias whether to learn a bias (with {@code elementwiseAffine})
     * @param dtype the parameters' floating dtype
     * @param device their device
     * @throws IllegalArgumentException if a size is not positive or the shape is empty
     */
    public LayerNorm(int[] normalizedShape, double eps, boolean elementwiseAffine, boolean bias, DType dtype,
                     Device device) {
        if (normalizedShape.length == 0 || Arrays.stream(normalizedShape).anyMatch(s -> s <= 0)) {
            throw new IllegalArgumentException("LayerNorm needs a non-empty normalized_shape of positive sizes, got "
                    + Arrays.toString(normalizedShape));
        }
        this.normalizedShape = normalizedShape.clone();
        this.eps = eps;
        if (elementwiseAffine) {
            registerParameter("weight", Tensor.ones(Shape.of(normalizedShape), dtype, device));
            if (bias) {
                registerParameter("bias", Tensor.zeros(Shape.of(normalizedShape), dtype, device));
            }
        }
    }

    /**
     * Normalizes over the trailing dims.
     *
     * @param input {@code [*, normalizedShape]}
     * @return a tensor of {@code input}'s shape ({@code NativeLayerNormBackward0})
     * @throws IllegalArgumentException if the trailing sizes differ ({@code Given normalized_shape=[4], expected
     *         input with shape [*, 4], but got input of size[2, 3]})
     */
    @Override
    public Tensor forward(Tensor input) {
        Parameter w = ownParameters().get("weight");
        Parameter b = ownParameters().get("bias");
        return Normalization.layerNorm(input, normalizedShape, w == null ? null : w.data(),
                b == null ? null : b.data(), eps);
    }

    @Override
    protected String extraRepr() {
        return "(" + Arrays.toString(normalizedShape).replace("[", "").replace("]", "") + ",), eps=" + eps
                + ", elementwise_affine=" + ownParameters().containsKey("weight");
    }
}
