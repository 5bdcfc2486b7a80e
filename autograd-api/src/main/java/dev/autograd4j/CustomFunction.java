package dev.autograd4j;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An operation with a user-written forward and backward, like {@code torch.autograd.Function}.
 *
 * <pre>{@code
 * class MyExp extends CustomFunction {
 *     protected Tensor forward(Context ctx, Tensor... in) {
 *         Tensor result = in[0].exp();
 *         ctx.saveForBackward(result);
 *         return result;
 *     }
 *     protected Tensor[] backward(Context ctx, Tensor gradOutput) {
 *         return new Tensor[] {gradOutput.mul(ctx.savedTensors().get(0))};
 *     }
 * }
 * Tensor y = new MyExp().apply(x);   // y.gradFn().name() is "MyExpBackward"
 * }</pre>
 *
 * <p>{@link #apply} runs {@link #forward} under {@link Autograd#noGrad()} and, when grad mode is on
 * and an input requires grad, records a node named {@code <SimpleClassName>Backward} (anonymous
 * classes get {@code CustomFunctionBackward}; override {@link #backwardName()} to choose). The
 * node's saved tensors are those given to {@link Context#saveForBackward}: modifying one of them
 * in place before backward fails backward with PyTorch's version-counter message.
 *
 * <p>{@link #backward} returns one gradient per input, aligned with the inputs (null where none
 * flows; gradients for inputs that do not require grad are dropped). It runs with grad mode on
 * only when the backward pass was asked to {@code createGraph}, so a backward written in tensor ops
 * is itself differentiable (double backward works). It works on every device, since it only uses
 * tensor ops. An instance holds no per-call state and may be applied many times; per-call values
 * go in the {@link Context}.
 *
 * <p>If forward returns one of its inputs unchanged, the result is a detached alias of it (same
 * storage and version counter) that gets this function's node, so the input's own gradFn is left
 * alone. Only one output is supported: return several results with {@link Tensor#cat} or
 * {@link Tensor#stack} and split them afterwards.
 */
public abstract class CustomFunction {

    /** For subclasses. */
    protected CustomFunction() {
    }

    /** Per-call state shared by {@link #forward} and {@link #backward}, like PyTorch's {@code ctx}. */
    public static final class Context {
        private Tensor[] saved = new Tensor[0];
        private final boolean[] needsInputGrad;
        private Map<String, Object> values;

        private Context(boolean[] needsInputGrad) {
            this.needsInputGrad = needsInputGrad;
        }

        /**
         * Saves tensors for backward (replacing any saved before), like {@code ctx.save_for_backward}.
         * They become the node's saved tensors: backward fails with IllegalStateException if one is
         * modified in place in between. Null entries are kept as null in {@link #savedTensors()}.
         *
         * @param tensors the tensors backward will read
         */
        public void saveForBackward(Tensor... tensors) {
            this.saved = tensors.clone();
        }

        /**
         * The tensors given to {@link #saveForBackward}, in order, like {@code ctx.saved_tensors}.
         *
         * @return a copy of the list (empty if nothing was saved)
         */
        public List<Tensor> savedTensors() {
            return Arrays.asList(saved.clone());
        }

        /**
         * Whether input {@code i} requires grad (so backward should compute its gradient), like
         * {@code ctx.needs_input_grad[i]}. False for every input when grad mode was off at {@code apply}.
         *
         * @param i the input's position in {@code apply}'s arguments
         * @return whether a gradient for that input is wanted
         * @throws ArrayIndexOutOfBoundsException if {@code i} is not an input position
         */
        public boolean needsInputGrad(int i) {
            return needsInputGrad[i];
        }

        /**
         * Stores a non-tensor value for backward (like {@code ctx.dim = dim} in PyTorch). Tensors stored
         * here escape the in-place modification check; save them with {@link #saveForBackward} instead.
         *
         * @param key the name
         * @param value the value (replaces any under the same key)
         */
        public void put(String key, Object value) {
            if (values == null) {
                values = new HashMap<>();
            }
            values.put(key, value);
        }

        /**
         * A value stored with {@link #put}.
         *
         * @param <T> the value's type, unchecked (a wrong type fails with ClassCastException where used)
         * @param key the name
         * @return the value, or null when absent
         */
        @SuppressWarnings("unchecked")
        public <T> T get(String key) {
            return values == null ? null : (T) values.get(key);
        }

        Tensor[] savedArray() {
            return saved;
        }
    }

    /**
     * Computes the result, like {@code Function.forward}; runs with grad mode off, so nothing in it is
     * recorded.
     *
     * @param ctx this call's context: save what backward needs here
     * @param inputs the tensors given to {@link #apply}, as given (entries may be null)
     * @return the single output; never null
     */
    protected abstract Tensor forward(Context ctx, Tensor... inputs);

    /**
     * The gradient of each input from the gradient of the output, like {@code Function.backward}. Runs
     * with grad mode on only when the backward pass has {@code createGraph}, so it should use tensor ops
     * to stay differentiable.
     *
     * @param ctx the context {@link #forward} filled
     * @param gradOutput the gradient of the loss with respect to the output, of the output's shape
     * @return one gradient per input, aligned with the inputs, each of its input's shape (null where none
     *         flows); an array of another length makes backward throw IllegalStateException
     *         ({@code function MyExpBackward returned an incorrect number of gradients (expected 2, got 1)})
     */
    protected abstract Tensor[] backward(Context ctx, Tensor gradOutput);

    /**
     * The name of the recorded node, what {@code y.gradFn().name()} returns.
     *
     * @return {@code <SimpleClassName>Backward} by default ({@code CustomFunctionBackward} for anonymous
     *         classes)
     */
    protected String backwardName() {
        String simple = getClass().getSimpleName();
        return (simple.isEmpty() ? "CustomFunction" : simple) + "Backward";
    }

    /**
     * Runs {@link #forward} without recording and, when grad mode is on and an input requires grad,
     * records this function as the result's {@code gradFn}, like {@code Function.apply}.
     *
     * @param inputs the inputs; null entries are passed through and get no gradient
     * @return forward's result (a detached alias if forward returned an input or a tensor that already
     *         required grad), requiring grad when an input does
     * @throws IllegalStateException if forward returns null
     */
    public final Tensor apply(Tensor... inputs) {
        boolean record = Autograd.isGradEnabled();
        boolean[] needs = new boolean[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            needs[i] = record && inputs[i] != null && inputs[i].requiresGrad();
        }
        Context ctx = new Context(needs);
        Tensor out;
        try (var g = Autograd.noGrad()) {
            out = forward(ctx, inputs);
        }
        if (out == null) {
            throw new IllegalStateException(getClass().getName() + ".forward returned null");
        }
        boolean isInput = false;
        for (Tensor in : inputs) {
            isInput |= in == out;
        }
        if (isInput || out.requiresGrad()) {
            out = out.detach(); // never overwrite an input's gradFn (or a tensor made outside forward)
        }
        String name = backwardName();
        int count = inputs.length;
        return Tensor.record(name, out, ctx.savedArray().clone(), (gradOutput, needsGrad) -> {
            Tensor[] grads = backward(ctx, gradOutput);
            if (grads == null || grads.length != count) {
                throw new IllegalStateException("function " + name + " returned an incorrect number of gradients "
                        + "(expected " + count + ", got " + (grads == null ? 0 : grads.length) + ")");
            }
            Tensor[] kept = grads.clone();
            for (int i = 0; i < count; i++) {
                if (!needsGrad[i]) {
                    kept[i] = null;
                }
            }
            return kept;
        }, inputs);
    }
}
