package dev.autograd4j.nn;

import dev.autograd4j.Attention;
import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.DefaultDevice;
import dev.autograd4j.Device;
import dev.autograd4j.Functional;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;

/**
 * Multi-head attention, like {@code torch.nn.MultiheadAttention(embed_dim, num_heads, dropout, bias,
 * batch_first=...)} with equal query, key and value widths: the parameters are named as PyTorch's
 * ({@code in_proj_weight} {@code [3E, E]}, {@code in_proj_bias} {@code [3E]}, {@code out_proj.weight},
 * {@code out_proj.bias}) so state dicts carry over. Inputs are {@code [L, N, E]} ({@code [N, L, E]} with
 * {@code batchFirst}) or unbatched {@code [L, E]}.
 *
 * <p>Masks follow {@code nn.MultiheadAttention}'s convention, the opposite of
 * {@link Attention#scaledDotProductAttention}'s for booleans: in {@code keyPaddingMask} ({@code [N, S]}) and
 * {@code attnMask} ({@code [L, S]} or {@code [N * numHeads, L, S]}) a {@code true} element is a position that
 * may NOT be attended to; floating masks are added to the scores.
 */
public class MultiheadAttention extends Module {
    private final int embedDim;
    private final int numHeads;
    private final double dropout;
    private final boolean batchFirst;
    private final Generator generator;
    private final Linear outProj;

    /**
     * The attention's output and, when asked for, its weights.
     *
     * @param output {@code [L, N, E]} ({@code [N, L, E]} with {@code batchFirst}, {@code [L, E]} unbatched)
     * @param weights {@code [N, L, S]} averaged over heads (or {@code [N, numHeads, L, S]}), or null
     */
    public record Output(Tensor output, Tensor weights) {
    }

    /**
     * No dropout, with biases, sequence-first, float32 on the default device.
     *
     * @param embedDim the model width {@code E}
     * @param numHeads the number of heads, dividing {@code E}
     * @throws IllegalArgumentException if {@code numHeads} does not divide {@code embedDim}
     */
    public MultiheadAttention(int embedDim, int numHeads) {
        this(embedDim, numHeads, 0.0, true, false, DType.FLOAT32, DefaultDevice.get(), Generator.defaultGenerator());
    }

    /**
     * Multi-head attention with every option.
     *
     * @param embedDim the model width {@code E}
     * @param numHeads the number of heads, dividing {@code E}
     * @param dropout the dropout probability on the attention weights (training mode)
     * @param bias whether the projections have biases
     * @param batchFirst whether inputs are {@code [N, L, E]}
     * @param dtype the parameters' floating dtype
     * @param device their device
     * @param generator the source of the initial values and the dropout masks
     * @throws IllegalArgumentException if {@code numHeads} does not divide {@code embedDim}
     *         ({@code embed_dim must be divisible by num_heads})
     */
    public MultiheadAttention(int embedDim, int numHeads, double dropout, boolean bias, boolean batchFirst,
                              DType dtype, Device device, Generator generator) {
        if (embedDim <= 0 || numHeads <= 0 || embedDim % numHeads != 0) {
            throw new IllegalArgumentException("embed_dim must be divisible by num_heads");
        }
        if (!(dropout >= 0 && dropout <= 1)) {
            throw new IllegalArgumentException("dropout probability has to be between 0 and 1, but got " + dropout);
        }
        this.embedDim = embedDim;
        this.numHeads = numHeads;
        this.dropout = dropout;
        this.batchFirst = batchFirst;
        this.generator = generator;
        Tensor w = Tensor.zeros(Shape.of(3 * embedDim, embedDim), dtype, device);
        Init.xavierUniform_(w, 1.0, generator);
        registerParameter("in_proj_weight", w);
        if (bias) {
            registerParameter("in_proj_bias", Tensor.zeros(Shape.of(3 * embedDim), dtype, device));
        }
        outProj = registerModule("out_proj", new Linear(embedDim, embedDim, bias, dtype, device, generator));
        if (bias) {
            try (var g = Autograd.noGrad()) {
                outProj.bias().zero_();
            }
        }
    }

    /**
     * Self-attention ({@code query = key = value}) without masks, returning the output only.
     *
     * @param input {@code [L, N, E]} ({@code [N, L, E]} with {@code batchFirst}) or {@code [L, E]}
     * @return the output, of {@code input}'s shape
     * @throws IllegalArgumentException if the input does not fit
     */
    @Override
    public Tensor forward(Tensor input) {
        return forward(input, input, input, null, false, null).output();
    }

    /**
     * Attention of {@code query} over {@code key}/{@code value}, weights averaged over heads.
     *
     * @param query {@code [L, N, E]} ({@code [N, L, E]} with {@code batchFirst}) or {@code [L, E]}
     * @param key {@code [S, N, E]} (or {@code [N, S, E]}, {@code [S, E]})
     * @param value as {@code key}
     * @param keyPaddingMask {@code [N, S]} ({@code [S]} unbatched), true = ignore that key; or null
     * @param needWeights whether to return the attention weights
     * @param attnMask {@code [L, S]} or {@code [N * numHeads, L, S]}, true = not allowed; or null
     * @return the output and (if asked) the weights
     * @throws IllegalArgumentException if shapes or mask dtypes do not fit
     */
    public Output forward(Tensor query, Tensor key, Tensor value, Tensor keyPaddingMask, boolean needWeights,
                          Tensor attnMask) {
        return forward(query, key, value, keyPaddingMask, needWeights, attnMask, true, false);
    }

    /**
     * Attention of {@code query} over {@code key}/{@code value}, like {@code MultiheadAttention.forward}.
     *
     * @param query {@code [L, N, E]} ({@code [N, L, E]} with {@code batchFirst}) or {@code [L, E]}
     * @param key {@code [S, N, E]} (or {@code [N, S, E]}, {@code [S, E]})
     * @param value as {@code key}
     * @param keyPaddingMask {@code [N, S]} ({@code [S]} unbatched), BOOL (true = ignore that key) or float
     *        (added); or null
     * @param needWeights whether to return the attention weights
     * @param attnMask {@code [L, S]} or {@code [N * numHeads, L, S]}, BOOL (true = not allowed) or float (added);
     *        or null
     * @param averageAttnWeights whether to average the returned weights over heads
     * @param isCausal with no {@code attnMask}, mask out keys after each query
     * @return the output and (if asked) the weights
     * @throws IllegalArgumentException if shapes or mask dtypes do not fit (PyTorch's messages, e.g.
     *         {@code The shape of the 2D attn_mask is [4, 5], but should be [3, 5].})
     */
    public Output forward(Tensor query, Tensor key, Tensor value, Tensor keyPaddingMask, boolean needWeights,
                          Tensor attnMask, boolean averageAttnWeights, boolean isCausal) {
        boolean batched = query.dim() == 3;
        if (query.dim() != 3 && query.dim() != 2) {
            throw new IllegalArgumentException("query should be unbatched 2D or batched 3D tensor but received "
                    + query.dim() + "-D query tensor");
        }
        if (key.dim() != query.dim() || value.dim() != query.dim()) {
            throw new IllegalArgumentException("For " + (batched ? "batched (3-D)" : "unbatched (2-D)")
                    + " `query`, expected `key` and `value` to be " + (batched ? "3-D" : "2-D") + " but found "
                    + key.dim() + "-D and " + value.dim() + "-D tensors respectively");
        }
        boolean self = query == key && key == value;
        Tensor q = toBatchFirst(query, batched);
        Tensor k = self ? q : toBatchFirst(key, batched);
        Tensor v = self ? q : toBatchFirst(value, batched);
        int n = q.size(0);
        int l = q.size(1);
        int s = k.size(1);
        if (q.size(2) != embedDim || k.size(2) != embedDim || v.size(2) != embedDim) {
            throw new IllegalArgumentException("was expecting embedding dimension of " + embedDim + ", but got "
                    + q.size(2));
        }
        if (v.size(1) != s || k.size(0) != n || v.size(0) != n) {
            throw new IllegalArgumentException("key shape " + key.shape() + " does not match value shape "
                    + value.shape());
        }
        Tensor w = ownParameters().get("in_proj_weight").data();
        Parameter bp = ownParameters().get("in_proj_bias");
        Tensor b = bp == null ? null : bp.data();
        int e = embedDim;
        Tensor qp;
        Tensor kp;
        Tensor vp;
        if (self) {
            Tensor qkv = Functional.linear(q, w, b);
            qp = qkv.narrow(2, 0, e);
            kp = qkv.narrow(2, e, e);
            vp = qkv.narrow(2, 2 * e, e);
        } else {
            qp = Functional.linear(q, w.narrow(0, 0, e), b == null ? null : b.narrow(0, 0, e));
            kp = Functional.linear(k, w.narrow(0, e, e), b == null ? null : b.narrow(0, e, e));
            vp = Functional.linear(v, w.narrow(0, 2 * e, e), b == null ? null : b.narrow(0, 2 * e, e));
        }
        int h = numHeads;
        int dh = e / h;
        qp = qp.reshape(n, l, h, dh).transpose(1, 2);
        kp = kp.reshape(n, s, h, dh).transpose(1, 2);
        vp = vp.reshape(n, s, h, dh).transpose(1, 2);
        Tensor mask = mergeMasks(q, n, l, s, batched ? keyPaddingMask : unsqueeze0(keyPaddingMask), attnMask,
                isCausal);
        double p = isTraining() ? dropout : 0.0;
        Tensor out;
        Tensor weights = null;
        if (needWeights) {
            Tensor scores = qp.mul(1.0 / Math.sqrt(dh)).matmul(kp.transpose(-2, -1));
            if (mask != null) {
                scores = scores.add(mask);
            }
            Tensor attn = scores.softmax(-1);
            if (p > 0) { // the returned weights are the dropped-out ones, as PyTorch's
                attn = Functional.dropout(attn, p, true, generator);
            }
            weights = averageAttnWeights ? attn.mean(new int[] {1}, false) : attn;
            out = attn.matmul(vp);
        } else {
            out = Attention.scaledDotProductAttention(qp, kp, vp, mask, p, false, null, generator);
        }
        out = outProj.forward(out.transpose(1, 2).reshape(n, l, e));
        if (!batched) {
            out = out.squeeze(0);
            weights = weights == null ? null : weights.squeeze(0);
        } else if (!batchFirst) {
            out = out.transpose(0, 1);
        }
        return new Output(out, weights);
    }

    private Tensor toBatchFirst(Tensor x, boolean batched) {
        if (!batched) {
            return x.unsqueeze(0);
        }
        return batchFirst ? x : x.transpose(0, 1);
    }

    private static Tensor unsqueeze0(Tensor t) {
        return t == null ? null : t.unsqueeze(0);
    }

    /** One additive float mask broadcastable to {@code [N, H, L, S]}, or null. */
    private Tensor mergeMasks(Tensor q, int n, int l, int s, Tensor keyPaddingMask, Tensor attnMask,
                              boolean isCausal) {
        Tensor mask = null;
        if (attnMask != null) {
            int[] m = attnMask.shape().toArray();
            if (attnMask.dim() == 2) {
                if (m[0] != l || m[1] != s) {
                    throw new IllegalArgumentException("The shape of the 2D attn_mask is " + attnMask.shape()
                            + ", but should be [" + l + ", " + s + "].");
                }
            } else if (attnMask.dim() == 3) {
                if (m[0] != n * numHeads || m[1] != l || m[2] != s) {
                    throw new IllegalArgumentException("The shape of the 3D attn_mask is " + attnMask.shape()
                            + ", but should be [" + n * numHeads + ", " + l + ", " + s + "].");
                }
            } else {
                throw new IllegalArgumentException("attn_mask's dimension " + attnMask.dim() + " is not supported");
            }
            mask = additive(attnMask, q, "attn_mask");
            if (attnMask.dim() == 3) {
                mask = mask.reshape(n, numHeads, l, s);
            }
        } else if (isCausal) {
            try (var g = Autograd.noGrad()) {
                mask = Tensor.full(Shape.of(l, s), Double.NEGATIVE_INFINITY, q.dtype(), q.device()).triu(1);
            }
        }
        if (keyPaddingMask != null) {
            if (keyPaddingMask.dim() != 2 || keyPaddingMask.size(0) != n || keyPaddingMask.size(1) != s) {
                throw new IllegalArgumentException("expected shape of key_padding_mask to be [" + n + ", " + s
                        + "], but got " + keyPaddingMask.shape());
            }
            Tensor kpm = additive(keyPaddingMask, q, "key_padding_mask").reshape(n, 1, 1, s);
            mask = mask == null ? kpm : mask.add(kpm);
        }
        return mask;
    }

    /** BOOL: true becomes -inf (not allowed), false 0; a float mask of the query's dtype as is. */
    private static Tensor additive(Tensor mask, Tensor q, String name) {
        if (!mask.device().equals(q.device())) {
            throw new IllegalArgumentException("Expected " + name + " on " + q.device() + " like the query, but got "
                    + mask.device());
        }
        if (mask.dtype() == DType.BOOL) {
            try (var g = Autograd.noGrad()) {
                return Tensor.where(mask, Tensor.full(Shape.of(), Double.NEGATIVE_INFINITY, q.dtype(), q.device()),
                        Tensor.zeros(Shape.of(), q.dtype(), q.device()));
            }
        }
        if (mask.dtype() != q.dtype()) {
            throw new IllegalArgumentException("only bool and floating types of " + name + " are supported, and a "
                    + "float " + name + " must have the query's dtype " + q.dtype() + ", but got " + mask.dtype());
        }
        return mask;
    }

    /**
     * The output projection, like {@code MultiheadAttention.out_proj}.
     *
     * @return the child layer
     */
    public Linear outProj() {
        return outProj;
    }

    /**
     * Whether inputs are {@code [N, L, E]}.
     *
     * @return {@code batchFirst}
     */
    public boolean batchFirst() {
        return batchFirst;
    }

    @Override
    protected String extraRepr() {
        return "embed_dim=" + embedDim + ", num_heads=" + numHeads + ", dropout=" + dropout + ", batch_first="
                + batchFirst;
    }
}
