package dev.autograd4j;

import java.util.Arrays;
import java.util.Objects;

/**
 * Scaled dot-product attention, like {@code torch.nn.functional.scaled_dot_product_attention}: a composite
 * of differentiable ops ({@code softmax(q @ k^T * scale + mask) @ v}, PyTorch's "math" path), so it has
 * first and second derivatives on every backend.
 */
public final class Attention {
    private Attention() {
    }

    /**
     * {@link #scaledDotProductAttention(Tensor, Tensor, Tensor, Tensor, double, boolean, Double, Generator)}
     * without a mask, dropout or causality, with the default scale.
     *
     * @param query {@code [*, L, E]}
     * @param key {@code [*, S, E]}
     * @param value {@code [*, S, Ev]}
     * @return {@code [*, L, Ev]}
     * @throws IllegalArgumentException if the operands do not fit
     */
    public static Tensor scaledDotProductAttention(Tensor query, Tensor key, Tensor value) {
        return scaledDotProductAttention(query, key, value, null, 0.0, false, null, Generator.defaultGenerator());
    }

    /**
     * {@link #scaledDotProductAttention(Tensor, Tensor, Tensor, Tensor, double, boolean, Double, Generator)}
     * drawing its dropout from the default generator.
     *
     * @param query {@code [*, L, E]}
     * @param key {@code [*, S, E]}
     * @param value {@code [*, S, Ev]}
     * @param attnMask a mask broadcastable to {@code [*, L, S]}: BOOL (true = take part in attention) or of the
     *        query's floating dtype (added to the scores); null for none
     * @param dropoutP the probability of dropping an attention weight
     * @param isCausal whether to mask out keys after each query (top-left aligned lower triangle)
     * @param scale the factor of the scores; null for {@code 1 / sqrt(E)}
     * @return {@code [*, L, Ev]}
     * @throws IllegalArgumentException if the operands do not fit
     */
    public static Tensor scaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor attnMask,
                                                   double dropoutP, boolean isCausal, Double scale) {
        return scaledDotProductAttention(query, key, value, attnMask, dropoutP, isCausal, scale,
                Generator.defaultGenerator());
    }

    /**
     * Attention of each query over the keys, like
     * {@code torch.nn.functional.scaled_dot_product_attention(query, key, value, attn_mask, dropout_p, is_causal,
     * scale)}: {@code softmax(query @ key^T * scale + mask, -1)}, with dropout on the weights, times
     * {@code value}. Leading dims broadcast as in {@link Tensor#matmul}. A row whose keys are all masked out
     * gives NaN, as in PyTorch's math path.
     *
     * @param query {@code [*, L, E]}, floating point
     * @param key {@code [*, S, E]}, the query's dtype and device
     * @param value {@code [*, S, Ev]}, the query's dtype and device
     * @param attnMask a mask broadcastable to {@code [*, L, S]}: BOOL (true = take part in attention) or of the
     *        query's dtype (added to the scores); null for none
     * @param dropoutP the probability of dropping an attention weight, in [0, 1]
     * @param isCausal whether to mask out keys after each query (top-left aligned lower triangle); no explicit
     *        mask then
     * @param scale the factor of the scores; null for {@code 1 / sqrt(E)}
     * @param generator the source of the dropout masks
     * @return {@code [*, L, Ev]}
     * @throws IllegalArgumentException if the dtypes differ ({@code Expected query, key, and value to have the
     *         same dtype, but got query.dtype: torch.float32 key.dtype: torch.float64 and value.dtype:
     *         torch.float32 instead.}), an operand has fewer than 2 dims, the sizes do not fit, the mask has
     *         another dtype or does not broadcast, both a mask and {@code isCausal} are given, or
     *         {@code dropoutP} is outside [0, 1]
     */
    public static Tensor scaledDotProductAttention(Tensor query, Tensor key, Tensor value, Tensor attnMask,
                                                   double dropoutP, boolean isCausal, Double scale,
                                                   Generator generator) {
        Objects.requireNonNull(query, "query must not be null");
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(value, "value must not be null");
        if (query.dtype() != key.dtype() || query.dtype() != value.dtype()) {
            throw new IllegalArgumentException("Expected query, key, and value to have the same dtype, but got "
                    + "query.dtype: " + query.dtype() + " key.dtype: " + key.dtype() + " and value.dtype: "
                    + value.dtype() + " instead.");
        }
        Kernels.requireFloating(query.dtype(), "scaled_dot_product_attention");
        Kernels.checkSameDevice(query, key);
        Kernels.checkSameDevice(query, value);
        if (query.dim() < 2 || key.dim() < 2 || value.dim() < 2) {
            throw new IllegalArgumentException("scaled_dot_product_attention: expected query, key and value to have "
                    + "at least 2 dims, but got query.dim() " + query.dim() + ", key.dim() " + key.dim()
                    + " and value.dim() " + value.dim());
        }
        int e = query.size(-1);
        int l = query.size(-2);
        int s = key.size(-2);
        if (key.size(-1) != e || value.size(-2) != s) {
            throw new IllegalArgumentException("scaled_dot_product_attention: expected key [*, S, " + e
                    + "] and value [*, S, Ev] with the same S, but got query " + query.shape() + ", key "
                    + key.shape() + " and value " + value.shape());
        }
        if (!(dropoutP >= 0 && dropoutP <= 1)) {
            throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + dropoutP);
        }
        if (isCausal && attnMask != null) {
            throw new IllegalArgumentException(
                    "_scaled_dot_product_attention: Explicit attn_mask should not be set when is_causal=True");
        }
        double factor = scale == null ? 1.0 / Math.sqrt(e) : scale;
        Tensor scores = query.mul(factor).matmul(key.transpose(-2, -1));
        Tensor bias = null;
        if (attnMask != null) {
            bias = additiveMask(attnMask, query.dtype(), query.device(), "attn_mask");
            int[] sc = scores.shape().toArray();
            int[] m = bias.shape().toArray();
            boolean ok;
            try {
                ok = m.length <= sc.length && Arrays.equals(Shape.broadcast(sc, m), sc);
            } catch (IllegalArgumentException ex) {
                ok = false;
            }
            if (!ok) {
                throw new IllegalArgumentException("scaled_dot_product_attention: attn_mask of shape " + bias.shape()
                        + " cannot be broadcast to the attention weights' shape " + scores.shape());
            }
        } else if (isCausal) {
            try (var g = Autograd.noGrad()) {
                bias = Tensor.full(Shape.of(l, s), Double.NEGATIVE_INFINITY, query.dtype(), query.device()).triu(1);
            }
        }
        if (bias != null) {
            scores = scores.add(bias);
        }
        Tensor weights = scores.softmax(-1);
        weights = Functional.dropout(weights, dropoutP, true, generator);
        return weights.matmul(value);
    }

    /**
     * A mask as a tensor to add to attention scores: a BOOL mask (true = attend) becomes 0 where true and
     * {@code -inf} where false; a floating mask of {@code dtype} is returned as is.
     */
    static Tensor additiveMask(Tensor mask, DType dtype, Device device, String name) {
        if (!mask.device().equals(device)) {
            throw new IllegalArgumentException("Expected " + name + " on " + device + " like the query, but got "
                    + mask.device());
        }
        if (mask.dtype() == DType.BOOL) {
            try (var g = Autograd.noGrad()) {
                Tensor zero = Tensor.zeros(Shape.of(), dtype, device);
                Tensor ninf = Tensor.full(Shape.of(), Double.NEGATIVE_INFINITY, dtype, device);
                return Tensor.where(mask, zero, ninf);
            }
        }
        if (mask.dtype() != dtype) {
            throw new IllegalArgumentException("Expected " + name + " dtype to be bool or float or to match query "
                    + "dtype, but got " + name + ".dtype: " + mask.dtype() + " and  query.dtype: " + dtype + " instead.");
        }
        return mask;
    }
}
