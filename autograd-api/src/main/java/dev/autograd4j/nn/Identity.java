package dev.autograd4j.nn;

import dev.autograd4j.Tensor;

/** Returns its input, like {@code torch.nn.Identity}: a placeholder where a layer is optional. */
public class Identity extends Module {
    /** Creates the placeholder. */
    public Identity() {
    }

    /**
     * Returns the input itself.
     *
     * @param input any tensor
     * @return {@code input}
     */
    @Override
    public Tensor forward(Tensor input) {
        return input;
    }
}
