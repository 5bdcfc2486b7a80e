package dev.autograd4j;

import java.util.Objects;

/**
 * Sampling ops of {@link Tensor}, as PyTorch's: {@code bernoulli} and {@code multinomial}. They draw from a
 * {@link Generator}'s counter-based uniforms on the tensor's device and compose existing ops, so a seed gives the
 * same samples on every backend (not PyTorch's samples: its generator differs).
 */
public sealed interface TensorSampling permits Tensor {

    private Tensor self() {
        return (Tensor) this;
    }

    /**
     * Draws 0 or 1 per element with this tensor's values as probabilities, like {@code torch.bernoulli(self)}, from
     * the default generator.
     *
     * @return a new tensor of this shape and dtype; {@code BernoulliBackward0} (a zero gradient)
     * @throws IllegalArgumentException when this tensor is not floating or a probability is outside [0, 1]
     */
    default Tensor bernoulli() {
        return bernoulli(Generator.defaultGenerator());
    }

    /**
     * Draws 0 or 1 per element with this tensor's values as probabilities, like
     * {@code torch.bernoulli(self, generator=)}: element i is 1 when the i-th uniform draw is below its probability.
     *
     * @param generator the source of randomness
     * @return a new tensor of this shape and dtype; {@code BernoulliBackward0} (a zero gradient)
     * @throws IllegalArgumentException when this tensor is not floating or a probability is outside [0, 1]
     */
    default Tensor bernoulli(Generator generator) {
        Objects.requireNonNull(generator, "generator must not be null");
        Tensor p = self();
        Kernels.requireFloating(p.dtype(), "bernoulli");
        Tensor out;
        try (var g = Autograd.noGrad()) {
            Tensor bad = p.ge(0.0).to(DType.INT64).add(p.le(1.0).to(DType.INT64)).lt(2L); // NaN fails both
            p.assertNoneSet(bad, () -> new IllegalArgumentException(
                    "Expected p_in >= 0 && p_in <= 1 to be true, but got false."));
            Tensor u = Creation.random(false, p.shape(), DType.FLOAT64, p.device(), generator);
            out = u.lt(p.to(DType.FLOAT64)).to(p.dtype()).detach();
        }
        return Tensor.record("BernoulliBackward0", out,
                (g, needs) -> new Tensor[] {Tensor.zeros(g.shape(), g.dtype(), g.device())}, p);
    }

    /**
     * Draws 0 or 1 per element with probability {@code p}, like {@code torch.bernoulli(self, p)}, from the default
     * generator.
     *
     * @param p the probability of a 1, in [0, 1]
     * @return a new tensor of this shape and dtype, outside the graph
     * @throws IllegalArgumentException when p is outside [0, 1]
     */
    default Tensor bernoulli(double p) {
        return bernoulli(p, Generator.defaultGenerator());
    }

    /**
     * Draws 0 or 1 per element with probability {@code p}, like {@code torch.bernoulli(self, p, generator=)}.
     *
     * @param p the probability of a 1, in [0, 1]
     * @param generator the source of randomness
     * @return a new tensor of this shape and dtype, outside the graph
     * @throws IllegalArgumentException when p is outside [0, 1]
     */
    default Tensor bernoulli(double p, Generator generator) {
        Objects.requireNonNull(generator, "generator must not be null");
        Tensor x = self();
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("bernoulli_ expects p to be in [0, 1], but got p=" + p);
        }
        try (var g = Autograd.noGrad()) {
            Tensor u = Creation.random(false, x.shape(), DType.FLOAT64, x.device(), generator);
            return u.lt(p).to(x.dtype()).detach();
        }
    }

    /**
     * Category indices drawn with this tensor's rows as (unnormalized) weights, like
     * {@code torch.multinomial(self, num_samples, replacement)}, from the default generator.
     *
     * @param numSamples how many draws per row
     * @param replacement whether a category may be drawn again
     * @return a new int64 tensor: {@code [numSamples]} for a 1-D input, {@code [rows, numSamples]} for a 2-D one
     * @throws IllegalArgumentException with PyTorch's messages for bad weights or sizes
     */
    default Tensor multinomial(int numSamples, boolean replacement) {
        return multinomial(numSamples, replacement, Generator.defaultGenerator());
    }

    /**
     * Category indices drawn with this tensor's rows as (unnormalized, non-negative, finite) weights, like
     * {@code torch.multinomial(self, num_samples, replacement, generator=)}. With replacement each draw inverts the
     * row's cumulative distribution at a uniform; without, the {@code numSamples} categories with the largest
     * {@code weight / E} for exponential draws E are taken, in that order (the exponential-race form of sequential
     * sampling without replacement).
     *
     * @param numSamples how many draws per row, at least 1
     * @param replacement whether a category may be drawn again
     * @param generator the source of randomness
     * @return a new int64 tensor: {@code [numSamples]} for a 1-D input, {@code [rows, numSamples]} for a 2-D one
     * @throws IllegalArgumentException with PyTorch's messages: not floating, not 1-D or 2-D, no categories,
     *     {@code numSamples <= 0}, more samples than categories without replacement, a negative, infinite or NaN
     *     weight, a row summing to 0, or too few nonzero weights without replacement
     */
    default Tensor multinomial(int numSamples, boolean replacement, Generator generator) {
        Objects.requireNonNull(generator, "generator must not be null");
        Tensor probs = self();
        if (!probs.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException("multinomial only supports floating-point dtypes for input, got: "
                    + probs.dtype().scalarTypeName());
        }
        if (probs.dim() != 1 && probs.dim() != 2) {
            throw new IllegalArgumentException("prob_dist must be 1 or 2 dim");
        }
        int categories = probs.size(-1);
        if (categories == 0) {
            throw new IllegalArgumentException("multinomial: input must have at least one category");
        }
        if (numSamples <= 0) {
            throw new IllegalArgumentException("cannot sample n_sample <= 0 samples");
        }
        if (!replacement && numSamples > categories) {
            throw new IllegalArgumentException("cannot sample n_sample > prob_dist.size(-1) samples without "
                    + "replacement");
        }
        try (var g = Autograd.noGrad()) {
            Tensor p = (probs.dim() == 1 ? probs.reshape(1, categories) : probs).to(DType.FLOAT64);
            int rows = p.size(0);
            Tensor bad = p.isinf().to(DType.INT64).sub(p.ge(0.0).to(DType.INT64)).ge(0L); // inf, NaN or < 0
            if (bad.any().item() != 0) {
                throw new IllegalArgumentException("probability tensor contains either `inf`, `nan` or element < 0");
            }
            if (p.sum(new int[] {1}, false).le(0.0).any().item() != 0) {
                throw new IllegalArgumentException("invalid multinomial distribution (sum of probabilities <= 0)");
            }
            Tensor samples;
            if (replacement) {
                Tensor cdf = p.cumsum(1);
                cdf = cdf.div(cdf.narrow(1, categories - 1, 1)); // the last entry exactly 1
                Tensor u = Creation.random(false, Shape.of(rows, numSamples), DType.FLOAT64, p.device(), generator);
                // the sample is the number of categories whose cumulative weight is <= u: the first with cdf > u
                samples = cdf.unsqueeze(1).le(u.unsqueeze(2)).to(DType.INT64).sum(new int[] {2}, false);
                samples = samples.minimum(Kernels.scalarLike(samples, (long) categories - 1, DType.INT64));
            } else {
                Tensor nonzero = p.gt(0.0).to(DType.INT64).sum(new int[] {1}, false);
                if (nonzero.lt((long) numSamples).any().item() != 0) {
                    throw new IllegalArgumentException("invalid multinomial distribution (with replacement=False, "
                            + "not enough non-negative category to sample)");
                }
                Tensor u = Creation.random(false, p.shape(), DType.FLOAT64, p.device(), generator);
                Tensor e = u.neg().log1p().neg(); // Exp(1), in [0, inf)
                Tensor keys = p.div(e).where(p.gt(0.0), Kernels.scalarLike(p, -1.0));
                samples = keys.topk(numSamples, 1, true, true).indices();
            }
            Tensor out = probs.dim() == 1 ? samples.reshape(numSamples) : samples;
            return out.contiguous().detach();
        }
    }
}
