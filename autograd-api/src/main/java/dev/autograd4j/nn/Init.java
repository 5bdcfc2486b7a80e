package dev.autograd4j.nn;

import dev.autograd4j.Autograd;
import dev.autograd4j.Generator;
import dev.autograd4j.Tensor;
import java.util.Objects;

/**
 * Parameter initialisation, like {@code torch.nn.init}: each function fills a floating-point tensor in place
 * under {@link Autograd#noGrad()} (so it works on parameters that require grad), returns it, and draws from the
 * given {@link Generator} (or the default one). Fans follow PyTorch's {@code _calculate_fan_in_and_fan_out}: for
 * a weight of shape {@code [out, in, k...]}, {@code fan_in = in * prod(k)} and {@code fan_out = out * prod(k)}.
 * A tensor with no elements is returned unchanged.
 */
public final class Init {
    private Init() {
    }

    /**
     * The recommended gain for a nonlinearity, like {@code torch.nn.init.calculate_gain}: 1 for {@code linear},
     * the {@code conv*} names and {@code sigmoid}; 5/3 for {@code tanh}; sqrt(2) for {@code relu};
     * sqrt(2 / (1 + slope^2)) for {@code leaky_relu}; 3/4 for {@code selu}.
     *
     * @param nonlinearity the name, as in PyTorch
     * @param param the negative slope for {@code leaky_relu} (NaN for PyTorch's default 0.01); ignored otherwise
     * @return the gain
     * @throws IllegalArgumentException for an unknown name ({@code Unsupported nonlinearity foo})
     */
    public static double calculateGain(String nonlinearity, double param) {
        Objects.requireNonNull(nonlinearity, "nonlinearity must not be null");
        switch (nonlinearity) {
            case "linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
                 "sigmoid" -> {
                return 1.0;
            }
            case "tanh" -> {
                return 5.0 / 3;
            }
            case "relu" -> {
                return Math.sqrt(2.0);
            }
            case "leaky_relu" -> {
                double slope = Double.isNaN(param) ? 0.01 : param;
                return Math.sqrt(2.0 / (1 + slope * slope));
            }
            case "selu" -> {
                return 3.0 / 4;
            }
            default -> throw new IllegalArgumentException("Unsupported nonlinearity " + nonlinearity);
        }
    }

    /**
     * {@link #calculateGain(String, double)} with the default parameter.
     *
     * @param nonlinearity the name, as in PyTorch
     * @return the gain
     * @throws IllegalArgumentException for an unknown name
     */
    public static double calculateGain(String nonlinearity) {
        return calculateGain(nonlinearity, Double.NaN);
    }

    /**
     * {@code fan_in} and {@code fan_out} of a weight, like PyTorch's {@code _calculate_fan_in_and_fan_out}.
     *
     * @param tensor a tensor of at least 2 dimensions
     * @return {@code {fanIn, fanOut}}
     * @throws IllegalArgumentException if it has fewer than 2 dimensions
     *         ({@code Fan in and fan out can not be computed for tensor with fewer than 2 dimensions})
     */
    public static long[] calculateFanInAndFanOut(Tensor tensor) {
        if (tensor.dim() < 2) {
            throw new IllegalArgumentException(
                    "Fan in and fan out can not be computed for tensor with fewer than 2 dimensions");
        }
        long receptive = 1;
        for (int d = 2; d < tensor.dim(); d++) {
            receptive *= tensor.size(d);
        }
        return new long[] {tensor.size(1) * receptive, tensor.size(0) * receptive};
    }

    /**
     * Fills with values from U(a, b), like {@code torch.nn.init.uniform_}.
     *
     * @param tensor a floating-point tensor
     * @param a the lower bound
     * @param b the upper bound, at least {@code a}
     * @param generator the source of randomness
     * @return {@code tensor}
     * @throws IllegalArgumentException if the tensor is not floating point or {@code b < a}
     */
    public static Tensor uniform_(Tensor tensor, double a, double b, Generator generator) {
        checkFloating(tensor);
        if (!(a <= b)) {
            throw new IllegalArgumentException("uniform_ expects a <= b, but got a=" + a + " and b=" + b);
        }
        Objects.requireNonNull(generator, "generator must not be null");
        if (tensor.numel() == 0) {
            return tensor;
        }
        try (var g = Autograd.noGrad()) {
            Tensor u = Tensor.rand(tensor.shape(), tensor.dtype(), tensor.device(), generator);
            return tensor.copy_(u.mul_(b - a).add_(a));
        }
    }

    /**
     * {@link #uniform_(Tensor, double, double, Generator)} from the default generator.
     *
     * @param tensor a floating-point tensor
     * @param a the lower bound
     * @param b the upper bound, at least {@code a}
     * @return {@code tensor}
     * @throws IllegalArgumentException if the tensor is not floating point or {@code b < a}
     */
    public static Tensor uniform_(Tensor tensor, double a, double b) {
        return uniform_(tensor, a, b, Generator.defaultGenerator());
    }

    /**
     * Fills with values from N(mean, std^2), like {@code torch.nn.init.normal_}.
     *
     * @param tensor a floating-point tensor
     * @param mean the mean
     * @param std the standard deviation, non-negative
     * @param generator the source of randomness
     * @return {@code tensor}
     * @throws IllegalArgumentException if the tensor is not floating point or {@code std} is negative
     */
    public static Tensor normal_(Tensor tensor, double mean, double std, Generator generator) {
        checkFloating(tensor);
        if (!(std >= 0)) {
            throw new IllegalArgumentException("normal_ expects std >= 0.0, but found std " + std);
        }
        Objects.requireNonNull(generator, "generator must not be null");
        if (tensor.numel() == 0) {
            return tensor;
        }
        try (var g = Autograd.noGrad()) {
            Tensor n = Tensor.randn(tensor.shape(), tensor.dtype(), tensor.device(), generator);
            return tensor.copy_(n.mul_(std).add_(mean));
        }
    }

    /**
     * {@link #normal_(Tensor, double, double, Generator)} from the default generator.
     *
     * @param tensor a floating-point tensor
     * @param mean the mean
     * @param std the standard deviation, non-negative
     * @return {@code tensor}
     * @throws IllegalArgumentException if the tensor is not floating point or {@code std} is negative
     */
    public static Tensor normal_(Tensor tensor, double mean, double std) {
        return normal_(tensor, mean, std, Generator.defaultGenerator());
    }

    /**
     * Fills with {@code value}, like {@code torch.nn.init.constant_}.
     *
     * @param tensor the tensor
     * @param value the value
     * @return {@code tensor}
     */
    public static Tensor constant_(Tensor tensor, double value) {
        try (var g = Autograd.noGrad()) {
            return tensor.fill_(value);
        }
    }

    /**
     * Fills with zeros, like {@code torch.nn.init.zeros_}.
     *
     * @param tensor the tensor
     * @return {@code tensor}
     */
    public static Tensor zeros_(Tensor tensor) {
        return constant_(tensor, 0);
    }

    /**
     * Fills with ones, like {@code torch.nn.init.ones_}.
     *
     * @param tensor the tensor
     * @return {@code tensor}
     */
    public static Tensor ones_(Tensor tensor) {
        return constant_(tensor, 1);
    }

    /**
     * Glorot uniform, like {@code torch.nn.init.xavier_uniform_}: U(-a, a) with
     * {@code a = gain * sqrt(6 / (fan_in + fan_out))}.
     *
     * @param tensor a floating-point tensor of at least 2 dimensions
     * @param gain the scaling factor
     * @param generator the source of randomness
     * @return {@code tensor}
     * @throws IllegalArgumentException if the tensor has fewer than 2 dimensions or is not floating point
     */
    public static Tensor xavierUniform_(Tensor tensor, double gain, Generator generator) {
        long[] fans = calculateFanInAndFanOut(tensor);
        double std = gain * Math.sqrt(2.0 / (double) (fans[0] + fans[1]));
        double a = Math.sqrt(3.0) * std;
        return uniform_(tensor, -a, a, generator);
    }

    /**
     * {@link #xavierUniform_(Tensor, double, Generator)} with gain 1 and the default generator.
     *
     * @param tensor a floating-point tensor of at least 2 dimensions
     * @return {@code tensor}
     * @throws IllegalArgumentException if the tensor has fewer than 2 dimensions or is not floating point
     */
    public static Tensor xavierUniform_(Tensor tensor) {
        return xavierUniform_(tensor, 1.0, Generator.defaultGenerator());
    }

    /**
     * Glorot normal, like {@code torch.nn.init.xavier_normal_}: N(0, std^2) with
     * {@code std = gain * sqrt(2 / (fan_in + fan_out))}.
     *
     * @param tensor a floating-point tensor of at least 2 dimensions
     * @param gain the scaling factor
     * @param generator the source of randomness
     * @return {@code tensor}
     * @throws IllegalArgumentException if the tensor has fewer than 2 dimensions or is not floating point
     */
    public static Tensor xavierNormal_(Tensor tensor, double gain, Generator generator) {
        long[] fans = calculateFanInAndFanOut(tensor);
        double std = gain * Math.sqrt(2.0 / (double) (fans[0] + fans[1]));
        return normal_(tensor, 0, std, generator);
    }

    /**
     * {@link #xavierNormal_(Tensor, double, Generator)} with gain 1 and the default generator.
     *
     * @param tensor a floating-point tensor of at least 2 dimensions
     * @return {@code tensor}
     * @throws IllegalArgumentException if the tensor has fewer than 2 dimensions or is not floating point
     */
    public static Tensor xavierNormal_(Tensor tensor) {
        return xavierNormal_(tensor, 1.0, Generator.defaultGenerator());
    }

    /**
     * He uniform, like {@code torch.nn.init.kaiming_uniform_(tensor, a, mode, nonlinearity)}: U(-bound, bound)
     * with {@code bound = sqrt(3) * gain / sqrt(fan)}, {@code gain = calculateGain(nonlinearity, a)}.
     *
     * @param tensor a floating-point tensor of at least 2 dimensions
     * @param a the negative slope of the rectifier after this layer (for {@code leaky_relu})
     * @param mode {@code "fan_in"} (preserves the forward pass's variance) or {@code "fan_out"} (the backward's)
     * @param nonlinearity the nonlinearity's name, as for {@link #calculateGain}
     * @param generator the source of randomness
     * @return {@code tensor}
     * @throws IllegalArgumentException if the tensor has fewer than 2 dimensions or is not floating point, or
     *         for an unknown mode ({@code Mode fan_avg not supported, please use one of fan_in, fan_out}) or
     *         nonlinearity
     */
    public static Tensor kaimingUniform_(Tensor tensor, double a, String mode, String nonlinearity,
                                         Generator generator) {
        double bound = Math.sqrt(3.0) * kaimingStd(tensor, a, mode, nonlinearity);
        return uniform_(tensor, -bound, bound, generator);
    }

    /**
     * {@link #kaimingUniform_(Tensor, double, String, String, Generator)} with PyTorch's defaults
     * ({@code a = 0}, {@code fan_in}, {@code leaky_relu}) and the default generator.
     *
     * @param tensor a floating-point tensor of at least 2 dimensions
     * @return {@code tensor}
     * @throws IllegalArgumentException if the tensor has fewer than 2 dimensions or is not floating point
     */
    public static Tensor kaimingUniform_(Tensor tensor) {
        return kaimingUniform_(tensor, 0, "fan_in", "leaky_relu", Generator.defaultGenerator());
    }

    /**
     * He normal, like {@code torch.nn.init.kaiming_normal_(tensor, a, mode, nonlinearity)}: N(0, std^2) with
     * {@code std = gain / sqrt(fan)}, {@code gain = calculateGain(nonlinearity, a)}.
     *
     * @param tensor a floating-point tensor of at least 2 dimensions
     * @param a the negative slope of the rectifier after this layer (for {@code leaky_relu})
     * @param mode {@code "fan_in"} or {@code "fan_out"}
     * @param nonlinearity the nonlinearity's name, as for {@link #calculateGain}
     * @param generator the source of randomness
     * @return {@code tensor}
     * @throws IllegalArgumentException if the tensor has fewer than 2 dimensions or is not floating point, or
     *         for an unknown mode or nonlinearity
     */
    public static Tensor kaimingNormal_(Tensor tensor, double a, String mode, String nonlinearity,
                                        Generator generator) {
        return normal_(tensor, 0, kaimingStd(tensor, a, mode, nonlinearity), generator);
    }

    /**
     * {@link #kaimingNormal_(Tensor, double, String, String, Generator)} with PyTorch's defaults
     * ({@code a = 0}, {@code fan_in}, {@code leaky_relu}) and the default generator.
     *
     * @param tensor a floating-point tensor of at least 2 dimensions
     * @return {@code tensor}
     * @throws IllegalArgumentException if the tensor has fewer than 2 dimensions or is not floating point
     */
    public static Tensor kaimingNormal_(Tensor tensor) {
        return kaimingNormal_(tensor, 0, "fan_in", "leaky_relu", Generator.defaultGenerator());
    }

    private static double kaimingStd(Tensor tensor, double a, String mode, String nonlinearity) {
        Objects.requireNonNull(mode, "mode must not be null");
        long[] fans = calculateFanInAndFanOut(tensor);
        long fan = switch (mode) {
            case "fan_in" -> fans[0];
            case "fan_out" -> fans[1];
            default -> throw new IllegalArgumentException("Mode " + mode
                    + " not supported, please use one of fan_in, fan_out");
        };
        double gain = calculateGain(nonlinearity, a);
        return gain / Math.sqrt((double) fan);
    }

    private static void checkFloating(Tensor tensor) {
        Objects.requireNonNull(tensor, "tensor must not be null");
        if (!tensor.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("init needs a floating point tensor, got " + tensor.dtype());
        }
    }
}
