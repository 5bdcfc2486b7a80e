package dev.autograd4j.nn;

import dev.autograd4j.DType;
import dev.autograd4j.DefaultDevice;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Tensor;

/**
 * One transformer encoder block, like {@code torch.nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward,
 * dropout, activation, layer_norm_eps, batch_first, norm_first)}: self-attention and a two-layer feed-forward
 * network, each with dropout and a residual connection, with layer norm after each (post-norm, the default)
 * or before each ({@code normFirst}). Children are named as PyTorch's ({@code self_attn}, {@code linear1},
 * {@code dropout}, {@code linear2}, {@code norm1}, {@code norm2}, {@code dropout1}, {@code dropout2}), so
 * state dicts carry over.
 */
public class TransformerEncoderLayer extends Module {
    private final MultiheadAttention selfAttn;
    private final Linear linear1;
    private final Dropout dropout;
    private final Linear linear2;
    private final LayerNorm norm1;
    private final LayerNorm norm2;
    private final Dropout dropout1;
    private final Dropout dropout2;
    private final Module activation;
    private final boolean normFirst;

    /**
     * {@code dimFeedforward = 2048}, dropout 0.1, ReLU, post-norm, sequence-first, float32 on the default
     * device.
     *
     * @param dModel the model width
     * @param nhead the number of heads, dividing {@code dModel}
     * @throws IllegalArgumentException if {@code nhead} does not divide {@code dModel}
     */
    public TransformerEncoderLayer(int dModel, int nhead) {
        this(dModel, nhead, 2048, 0.1, "relu", 1e-5, false, false, DType.FLOAT32, DefaultDevice.get(),
                Generator.defaultGenerator());
    }

    /**
     * An encoder layer with every option.
     *
     * @param dModel the model width
     * @param nhead the number of heads, dividing {@code dModel}
     * @param dimFeedforward the hidden width of the feed-forward network
     * @param dropout the dropout probability (attention weights, feed-forward, residual branches)
     * @param activation {@code "relu"} or {@code "gelu"}
     * @param layerNormEps the layer norms' eps
     * @param batchFirst whether inputs are {@code [N, L, E]} rather than {@code [L, N, E]}
     * @param normFirst whether layer norm comes before attention and feed-forward (pre-norm)
     * @param dtype the parameters' floating dtype
     * @param device their device
     * @param generator the source of the initial values and the dropout masks
     * @throws IllegalArgumentException if {@code nhead} does not divide {@code dModel} or the activation is
     *         unknown ({@code activation should be relu/gelu, not tanh})
     */
    public TransformerEncoderLayer(int dModel, int nhead, int dimFeedforward, double dropout, String activation,
                                   double layerNormEps, boolean batchFirst, boolean normFirst, DType dtype,
                                   Device device, Generator generator) {
        this.activation = switch (activation) {
            case "relu" -> new ReLU();
            case "gelu" -> new GELU();
            default -> throw new IllegalArgumentException("activation should be relu/gelu, not " + activation);
        };
        this.normFirst = normFirst;
        selfAttn = registerModule("self_attn", new MultiheadAttention(dModel, nhead, dropout, true, batchFirst,
                dtype, device, generator));
        linear1 = registerModule("linear1", new Linear(dModel, dimFeedforward, true, dtype, device, generator));
        this.dropout = registerModule("dropout", new Dropout(dropout, generator));
        linear2 = registerModule("linear2", new Linear(dimFeedforward, dModel, true, dtype, device, generator));
        int[] shape = {dModel};
        norm1 = registerModule("norm1", new LayerNorm(shape, layerNormEps, true, true, dtype, device));
        norm2 = registerModule("norm2", new LayerNorm(shape, layerNormEps, true, true, dtype, device));
        dropout1 = registerModule("dropout1", new Dropout(dropout, generator));
        dropout2 = registerModule("dropout2", new Dropout(dropout, generator));
    }

    /**
     * The layer without masks.
     *
     * @param src {@code [L, N, E]} ({@code [N, L, E]} with {@code batchFirst}) or {@code [L, E]}
     * @return a tensor of {@code src}'s shape
     * @throws IllegalArgumentException if the input does not fit
     */
    @Override
    public Tensor forward(Tensor src) {
        return forward(src, null, null, false);
    }

    /**
     * The layer, like {@code TransformerEncoderLayer.forward(src, src_mask, src_key_padding_mask, is_causal)}.
     *
     * @param src {@code [L, N, E]} ({@code [N, L, E]} with {@code batchFirst}) or {@code [L, E]}
     * @param srcMask {@code [L, L]} or {@code [N * nhead, L, L]}, BOOL (true = not allowed) or float (added);
     *        or null
     * @param srcKeyPaddingMask {@code [N, L]}, BOOL (true = padding) or float; or null
     * @param isCausal with no {@code srcMask}, attend only to earlier positions
     * @return a tensor of {@code src}'s shape
     * @throws IllegalArgumentException if shapes or masks do not fit
     */
    public Tensor forward(Tensor src, Tensor srcMask, Tensor srcKeyPaddingMask, boolean isCausal) {
        Tensor x = src;
        if (normFirst) {
            x = x.add(selfAttention(norm1.forward(x), srcMask, srcKeyPaddingMask, isCausal));
            x = x.add(feedForward(norm2.forward(x)));
        } else {
            x = norm1.forward(x.add(selfAttention(x, srcMask, srcKeyPaddingMask, isCausal)));
            x = norm2.forward(x.add(feedForward(x)));
        }
        return x;
    }

    private Tensor selfAttention(Tensor x, Tensor mask, Tensor keyPaddingMask, boolean isCausal) {
        Tensor a = selfAttn.forward(x, x, x, keyPaddingMask, false, mask, true, isCausal).output();
        return dropout1.forward(a);
    }

    private Tensor feedForward(Tensor x) {
        return dropout2.forward(linear2.forward(dropout.forward(activation.forward(linear1.forward(x)))));
    }

    /**
     * The self-attention block, like {@code TransformerEncoderLayer.self_attn}.
     *
     * @return the child
     */
    public MultiheadAttention selfAttn() {
        return selfAttn;
    }

    @Override
    protected String extraRepr() {
        return "norm_first=" + normFirst + ", activation=" + activation.getClass().getSimpleName();
    }
}
