package dev.autograd4j.nn;

import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.DefaultDevice;
import dev.autograd4j.Device;
import dev.autograd4j.Functional;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;

/**
 * A lookup table of {@code numEmbeddings} vectors of size {@code embeddingDim}, like
 * {@code torch.nn.Embedding}: {@code weight} is drawn from {@code N(0, 1)}, with the {@code paddingIdx} row
 * zeroed (and never receiving a gradient). See {@link Functional#embedding(Tensor, Tensor, Integer)}.
 */
public class Embedding extends Module {
    private final int numEmbeddings;
    private final int embeddingDim;
    private final Integer paddingIdx;

    /**
     * A float32 table on the default device without a padding row, drawn from the default generator.
     *
     * @param numEmbeddings the number of rows
     * @param embeddingDim the size of each row
     * @throws IllegalArgumentException if a size is not positive
     */
    public Embedding(int numEmbeddings, int embeddingDim) {
        this(numEmbeddings, embeddingDim, null);
    }

    /**
     * A float32 table on the default device, drawn from the default generator.
     *
     * @param numEmbeddings the number of rows
     * @param embeddingDim the size of each row
     * @param paddingIdx the row that is zero and gets no gradient (negative counts from the end), or null
     * @throws IllegalArgumentException if a size is not positive or {@code paddingIdx} is out of range
     */
    public Embedding(int numEmbeddings, int embeddingDim, Integer paddingIdx) {
        this(numEmbeddings, embeddingDim, paddingIdx, DType.FLOAT32, DefaultDevice.get(), Generator.defaultGenerator());
    }

    /**
     * A table with every option.
     *
     * @param numEmbeddings the number of rows
     * @param embeddingDim the size of each row
     * @param paddingIdx the row that is zero and gets no gradient (negative counts from the end), or null
     * @param dtype the weight's floating dtype
     * @param device its device
     * @param generator the source of the initial values
     * @throws IllegalArgumentException if a size is not positive or {@code paddingIdx} is out of range
     *         ({@code Padding_idx must be within num_embeddings})
     */
    public Embedding(int numEmbeddings, int embeddingDim, Integer paddingIdx, DType dtype, Device device,
                     Generator generator) {
        if (numEmbeddings <= 0 || embeddingDim <= 0) {
            throw new IllegalArgumentException("Embedding needs positive sizes, got num_embeddings=" + numEmbeddings
                    + ", embedding_dim=" + embeddingDim);
        }
        Integer pad = paddingIdx;
        if (pad != null) {
            if (pad >= numEmbeddings || pad < -numEmbeddings) {
                throw new IllegalArgumentException("Padding_idx must be within num_embeddings");
            }
            pad = pad < 0 ? pad + numEmbeddings : pad;
        }
        this.numEmbeddings = numEmbeddings;
        this.embeddingDim = embeddingDim;
        this.paddingIdx = pad;
        Tensor w = Tensor.randn(Shape.of(numEmbeddings, embeddingDim), dtype, device, generator);
        if (pad != null) {
            try (var g = Autograd.noGrad()) {
                w.select(0, pad).zero_();
            }
        }
        registerParameter("weight", w);
    }

    /**
     * Looks up rows.
     *
     * @param input INT64 indices of any shape
     * @return {@code [*input.shape, embeddingDim]} ({@code EmbeddingBackward0})
     * @throws IllegalArgumentException if the indices are not INT64
     * @throws IndexOutOfBoundsException if an index is out of range ({@code index out of range in self})
     */
    @Override
    public Tensor forward(Tensor input) {
        return Functional.embedding(input, weight(), paddingIdx);
    }

    /**
     * The table, like {@code Embedding.weight}.
     *
     * @return the current leaf tensor, {@code [numEmbeddings, embeddingDim]}
     */
    public Tensor weight() {
        return ownParameters().get("weight").data();
    }

    /**
     * The padding row.
     *
     * @return its index (non-negative), or null for none
     */
    public Integer paddingIdx() {
        return paddingIdx;
    }

    @Override
    protected String extraRepr() {
        return numEmbeddings + ", " + embeddingDim + (paddingIdx == null ? "" : ", padding_idx=" + paddingIdx);
    }
}
