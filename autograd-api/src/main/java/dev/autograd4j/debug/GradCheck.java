package dev.autograd4j.debug;

import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Gradient checks in the manner of {@code torch.autograd.gradcheck} and {@code gradgradcheck}.
 *
 * <p>{@link #gradcheck} compares the Jacobian of a function, computed by the backward pass
 * ({@link Autograd#grad} with a gradient for the output, graph retained), with central finite
 * differences {@code (f(x + eps) - f(x - eps)) / 2eps}, one input element at a time, evaluated on fresh
 * copies of the inputs built with {@code Tensor.of(double[], shape).to(device)}. Defaults are
 * PyTorch's: {@code eps = 1e-6}, {@code atol = 1e-5}, {@code rtol = 1e-3}, slow (full Jacobian) mode;
 * an element passes when {@code |analytical - numerical| <= atol + rtol * |numerical|}.
 *
 * <p>Two modes, as PyTorch's {@code fast_mode} argument:
 * <ul>
 *   <li>slow mode (the default, {@link Options#DEFAULT}): one backward pass per output element, each
 *       with a one-hot output gradient, so every Jacobian entry is compared;</li>
 *   <li>fast mode ({@link Options#withFastMode(boolean)}): one backward pass with a random output
 *       gradient {@code v} (drawn from {@link Options#seed}, each weight of magnitude in [0.5, 1.5) with
 *       a random sign, so no output element escapes), and the finite differences projected on the
 *       same {@code v}: it compares {@code v^T J} instead of {@code J}, at the cost of one backward pass
 *       whatever the output's size. Unlike PyTorch's fast mode, the input side is not projected: each
 *       input element is still perturbed on its own, so a mismatch names the element.</li>
 * </ul>
 *
 * <p>Every input that requires grad must be float64 (an {@link IllegalArgumentException} otherwise,
 * with PyTorch's wording) and have no dimension of stride 0; inputs that do not require grad
 * (constants, int64 class indices, bool masks) are passed through unchanged and not checked. At least
 * one input must require grad. Inputs need not be leaves nor contiguous: values are read in logical
 * (row-major) order.
 *
 * <p>On success both methods return {@code true}. On a mismatch they throw a {@link GradcheckError}
 * (an {@link AssertionError}, so test frameworks report it as a failure) whose message names the
 * input index, the element (flat and multi-dimensional index), the output element (slow mode) and
 * the analytical and numerical values; with {@link Options#raiseException} false they return
 * {@code false} instead (after logging nothing).
 *
 * <pre>{@code
 * Tensor x = Tensor.randn(Shape.of(3), DType.FLOAT64, Device.cpu(), new Generator(0)).requiresGrad(true);
 * GradCheck.gradcheck(in -> in[0].tanh().mul(in[0]), x);      // true
 * GradCheck.gradgradcheck(in -> in[0].tanh().mul(in[0]), x);  // true: second derivatives check too
 * GradCheck.gradcheck(in -> in[0].exp(), GradCheck.Options.DEFAULT.withFastMode(true), x);
 * }</pre>
 */
public final class GradCheck {
    private GradCheck() {
    }

    /** A function of tensors checked by {@link GradCheck}: one output tensor. */
    @FunctionalInterface
    public interface Fn {
        /**
         * Evaluates the function.
         *
         * @param inputs the inputs, in the order given to the check (perturbed copies during the
         *        numerical pass)
         * @return the one output tensor
         */
        Tensor apply(Tensor... inputs);
    }

    /** Thrown when analytical and numerical derivatives disagree (PyTorch's {@code GradcheckError}). */
    public static final class GradcheckError extends AssertionError {
        private static final long serialVersionUID = 1L;
        /** See {@link #inputIndex()}. */
        private final int inputIndex;
        /** See {@link #elementIndex()}. */
        private final int elementIndex;
        /** See {@link #outputElement()}. */
        private final int outputElement;
        /** See {@link #analytical()}. */
        private final double analytical;
        /** See {@link #numerical()}. */
        private final double numerical;

        GradcheckError(String message, int inputIndex, int elementIndex, int outputElement, double analytical,
                       double numerical) {
            super(message);
            this.inputIndex = inputIndex;
            this.elementIndex = elementIndex;
            this.outputElement = outputElement;
            this.analytical = analytical;
            this.numerical = numerical;
        }

        /**
         * The index, among the function's inputs, of the first mismatching input (-1 if not about an element).
         *
         * @return that value
         */
        public int inputIndex() {
            return inputIndex;
        }

        /**
         * The flat (row-major) index of the first mismatching element of that input.
         *
         * @return that value
         */
        public int elementIndex() {
            return elementIndex;
        }

        /**
         * The flat index of the output element of the first mismatch (-1 in fast mode or if not about an element).
         *
         * @return that value
         */
        public int outputElement() {
            return outputElement;
        }

        /**
         * The analytical (backward pass) value of the first mismatch; NaN if not about an element.
         *
         * @return that value
         */
        public double analytical() {
            return analytical;
        }

        /**
         * The numerical (finite-difference) value of the first mismatch; NaN if not about an element.
         *
         * @return that value
         */
        public double numerical() {
            return numerical;
        }
    }

    /**
     * Tolerances and modes; PyTorch's defaults are {@link #DEFAULT}.
     *
     * @param eps the finite-difference step
     * @param atol the absolute tolerance
     * @param rtol the relative tolerance
     * @param seed draws gradgradcheck's random gradOutputs and fast mode's projection vector
     * @param raiseException false makes a failed check return false instead of throwing
     * @param fastMode true compares a random projection of the outputs ({@code v^T J}) instead of the
     *        full Jacobian: PyTorch's {@code fast_mode}
     */
    public record Options(double eps, double atol, double rtol, long seed, boolean raiseException,
                          boolean fastMode) {
        /** PyTorch's defaults: eps 1e-6, atol 1e-5, rtol 1e-3, seed 0, raise on failure, slow mode. */
        public static final Options DEFAULT = new Options(1e-6, 1e-5, 1e-3, 0L, true, false);

        /**
         * These options with another finite-difference step.
         *
         * @param e the step
         * @return the new options
         */
        public Options withEps(double e) {
            return new Options(e, atol, rtol, seed, raiseException, fastMode);
        }

        /**
         * These options with other tolerances.
         *
         * @param absolute the absolute tolerance
         * @param relative the relative tolerance
         * @return the new options
         */
        public Options withTolerance(double absolute, double relative) {
            return new Options(eps, absolute, relative, seed, raiseException, fastMode);
        }

        /**
         * These options with another seed for the random vectors.
         *
         * @param s the seed
         * @return the new options
         */
        public Options withSeed(long s) {
            return new Options(eps, atol, rtol, s, raiseException, fastMode);
        }

        /**
         * These options throwing, or returning false, on a mismatch.
         *
         * @param raise true to throw a {@link GradcheckError}, false to return false
         * @return the new options
         */
        public Options withRaiseException(boolean raise) {
            return new Options(eps, atol, rtol, seed, raise, fastMode);
        }

        /**
         * These options in fast mode (a random projection of the outputs) or slow mode (the full Jacobian).
         *
         * @param fast true for fast mode, as PyTorch's {@code fast_mode=True}
         * @return the new options
         */
        public Options withFastMode(boolean fast) {
            return new Options(eps, atol, rtol, seed, raiseException, fast);
        }
    }

    /**
     * {@code torch.autograd.gradcheck(f, inputs)} with PyTorch's defaults ({@link Options#DEFAULT}).
     *
     * @param f the function checked
     * @param inputs its inputs; those that require grad are checked
     * @return true when the derivatives match
     * @throws GradcheckError when they do not
     * @throws IllegalArgumentException when no input requires grad, or one that does is not float64
     *         or has a dimension of stride 0
     */
    public static boolean gradcheck(Fn f, Tensor... inputs) {
        return gradcheck(f, Options.DEFAULT, inputs);
    }

    /**
     * gradcheck with the given tolerances and mode.
     *
     * @param f the function checked
     * @param options tolerances, mode, seed
     * @param inputs its inputs; those that require grad are checked
     * @return true when the derivatives match; false when they do not and
     *         {@link Options#raiseException} is false
     * @throws GradcheckError when they do not and {@link Options#raiseException} is true
     * @throws IllegalArgumentException when no input requires grad, or one that does is not float64
     *         or has a dimension of stride 0
     */
    public static boolean gradcheck(Fn f, Options options, Tensor... inputs) {
        checkInputs(inputs);
        try (var g = Autograd.enableGrad()) {
            return compare(f, options, inputs);
        }
    }

    /**
     * {@code torch.autograd.gradgradcheck(f, inputs)}: checks second derivatives. Random float64
     * gradOutputs {@code v} (uniform in [-1, 1), requiring grad, drawn from {@link Options#seed}) are
     * made for the output, and the function {@code (inputs..., v) -> cat(flatten(grad(f(inputs),
     * inputs, v, createGraph=true)))} is gradchecked.
     *
     * @param f the function checked
     * @param inputs its inputs; those that require grad are checked
     * @return true when the second derivatives match
     * @throws GradcheckError when they do not
     * @throws IllegalArgumentException as {@link #gradcheck(Fn, Tensor...)}
     */
    public static boolean gradgradcheck(Fn f, Tensor... inputs) {
        return gradgradcheck(f, Options.DEFAULT, inputs);
    }

    /**
     * gradgradcheck with the given tolerances, mode and seed.
     *
     * @param f the function checked
     * @param options tolerances, mode, seed
     * @param inputs its inputs; those that require grad are checked
     * @return true when the second derivatives match; false when they do not and
     *         {@link Options#raiseException} is false
     * @throws GradcheckError when they do not and {@link Options#raiseException} is true
     * @throws IllegalArgumentException as {@link #gradcheck(Fn, Tensor...)}
     */
    public static boolean gradgradcheck(Fn f, Options options, Tensor... inputs) {
        checkInputs(inputs);
        Tensor v;
        try (var g = Autograd.enableGrad()) {
            Tensor out = f.apply(inputs);
            DType dtype = out.dtype().isFloatingPoint() ? out.dtype() : DType.FLOAT64;
            try (var ng = Autograd.noGrad()) {
                v = Tensor.rand(out.shape(), dtype, out.device(), new Generator(options.seed())).mul(2.0).sub(1.0);
            }
            v = v.detach().requiresGrad(true);
        }
        int n = inputs.length;
        boolean[] differentiable = new boolean[n];
        for (int i = 0; i < n; i++) {
            differentiable[i] = inputs[i] != null && inputs[i].requiresGrad();
        }
        Fn firstDerivative = args -> {
            Tensor[] in = Arrays.copyOf(args, n);
            Tensor gradOutput = args[n];
            Tensor out = f.apply(in);
            List<Tensor> diff = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (differentiable[i]) {
                    diff.add(in[i]);
                }
            }
            List<Tensor> pieces = new ArrayList<>();
            if (out.requiresGrad()) {
                Tensor[] grads = Autograd.grad(new Tensor[] {out}, diff.toArray(new Tensor[0]),
                        new Tensor[] {gradOutput}, true, true, true);
                for (Tensor gi : grads) {
                    if (gi != null) {
                        pieces.add(gi.reshape(gi.numel()));
                    }
                }
            }
            return pieces.isEmpty() ? Tensor.zeros(Shape.of(0), DType.FLOAT64, gradOutput.device())
                    : Tensor.cat(pieces, 0);
        };
        Tensor[] all = Arrays.copyOf(inputs, n + 1);
        all[n] = v;
        return gradcheck(firstDerivative, options, all);
    }

    // ------------------------------------------------------------------ checks

    private static void checkInputs(Tensor[] inputs) {
        boolean any = false;
        for (int i = 0; i < inputs.length; i++) {
            Tensor t = inputs[i];
            if (t == null || !t.requiresGrad()) {
                continue;
            }
            if (t.dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException("Input #" + i + " requires gradient and is not a double precision "
                        + "floating point (it is " + t.dtype() + "). gradcheck needs float64 inputs: use "
                        + ".to(DType.FLOAT64) on the leaves.");
            }
            int[] shape = t.shape().toArray();
            int[] stride = t.stride();
            for (int d = 0; d < shape.length; d++) {
                if (stride[d] == 0 && shape[d] > 1) {
                    throw new IllegalArgumentException("The " + i + "th input has a dimension with stride 0. gradcheck "
                            + "only supports inputs that are non-overlapping to be able to compute the numerical "
                            + "gradients correctly. You should call .contiguous on the input before passing it to "
                            + "gradcheck.");
                }
            }
            any = true;
        }
        if (!any) {
            throw new IllegalArgumentException("gradcheck expects at least one input tensor to require gradient, but "
                    + "none of the them have requires_grad=True.");
        }
    }

    private static boolean compare(Fn f, Options opt, Tensor[] inputs) {
        Tensor out = f.apply(inputs.clone());
        int m = out.numel();
        int[] outShape = out.shape().toArray();
        Device outDevice = out.device();
        List<Integer> diffIndex = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i] != null && inputs[i].requiresGrad()) {
                diffIndex.add(i);
            }
        }
        Tensor[] diff = new Tensor[diffIndex.size()];
        for (int k = 0; k < diff.length; k++) {
            diff[k] = inputs[diffIndex.get(k)];
        }

        // probes[p]: the output gradients back-propagated, one-hot rows (slow) or one random vector (fast)
        double[][] probes;
        if (opt.fastMode()) {
            Random rnd = new Random(opt.seed());
            double[] w = new double[m];
            for (int o = 0; o < m; o++) {
                // weights bounded away from 0, so no element of the output escapes the check
                w[o] = (rnd.nextBoolean() ? 1 : -1) * (0.5 + rnd.nextDouble());
            }
            probes = new double[][] {w};
        } else {
            probes = new double[m][m];
            for (int o = 0; o < m; o++) {
                probes[o][o] = 1.0;
            }
        }

        // analytical[k][p][j]: probe p times d out / d input diffIndex[k] element j
        double[][][] analytical = new double[diff.length][probes.length][];
        for (int p = 0; p < probes.length; p++) {
            Tensor[] grads = new Tensor[diff.length];
            if (out.requiresGrad()) {
                Tensor gradOutput = Tensor.of(probes[p], outShape).to(outDevice);
                if (gradOutput.dtype() != out.dtype()) {
                    gradOutput = gradOutput.to(out.dtype());
                }
                grads = Autograd.grad(new Tensor[] {out}, diff, new Tensor[] {gradOutput}, true, false, true);
            }
            for (int k = 0; k < diff.length; k++) {
                Tensor input = diff[k];
                Tensor g = grads[k];
                if (g == null) {
                    analytical[k][p] = new double[input.numel()];
                    continue;
                }
                int i = diffIndex.get(k);
                if (!g.shape().equals(input.shape())) {
                    throw fail(opt, "Gradient has shape mismatch for input " + i + ": got " + g.shape()
                            + ", expected " + input.shape(), i);
                }
                if (g.dtype() != input.dtype()) {
                    throw fail(opt, "Gradient has dtype mismatch for input " + i + ": got " + g.dtype()
                            + ", expected " + input.dtype(), i);
                }
                if (!g.device().equals(input.device())) {
                    throw fail(opt, "Gradient has device mismatch for input " + i + ": got " + g.device()
                            + ", expected " + input.device(), i);
                }
                analytical[k][p] = g.toDoubleArray().clone();
            }
        }

        // numerical, column by column, and the comparison
        List<String> lines = new ArrayList<>();
        int mismatches = 0;
        int firstInput = -1, firstElement = -1, firstOutput = -1;
        double firstA = 0, firstN = 0;
        for (int k = 0; k < diff.length; k++) {
            int i = diffIndex.get(k);
            Tensor input = diff[k];
            int[] shape = input.shape().toArray();
            double[] base = input.detach().toDoubleArray().clone();
            for (int j = 0; j < base.length; j++) {
                double[] plus = evaluate(f, inputs, i, base, j, opt.eps(), shape, input.device(), m);
                double[] minus = evaluate(f, inputs, i, base, j, -opt.eps(), shape, input.device(), m);
                for (int p = 0; p < probes.length; p++) {
                    double numerical;
                    if (opt.fastMode()) {
                        double sum = 0;
                        for (int o = 0; o < m; o++) {
                            sum += probes[p][o] * (plus[o] - minus[o]);
                        }
                        numerical = sum / (2 * opt.eps());
                    } else {
                        numerical = (plus[p] - minus[p]) / (2 * opt.eps());
                    }
                    double a = analytical[k][p][j];
                    if (!(Math.abs(a - numerical) <= opt.atol() + opt.rtol() * Math.abs(numerical))) {
                        if (mismatches == 0) {
                            firstInput = i;
                            firstElement = j;
                            firstOutput = opt.fastMode() ? -1 : p;
                            firstA = a;
                            firstN = numerical;
                        }
                        mismatches++;
                        if (lines.size() < 10) {
                            String against = opt.fastMode() ? "random projection of the output"
                                    : "output element " + p + " " + Arrays.toString(unravel(p, outShape));
                            lines.add("input " + i + " element " + j + " " + Arrays.toString(unravel(j, shape))
                                    + ", " + against + ": analytical " + a + " vs numerical " + numerical);
                        }
                    }
                }
            }
        }
        if (mismatches == 0) {
            return true;
        }
        if (!opt.raiseException()) {
            return false;
        }
        String message = "Jacobian mismatch for output 0 with respect to input " + firstInput + ": " + mismatches
                + " element(s) differ (" + (opt.fastMode() ? "fast mode, seed " + opt.seed() + ", " : "")
                + "eps=" + opt.eps() + ", atol=" + opt.atol() + ", rtol=" + opt.rtol()
                + ", output shape " + Arrays.toString(outShape) + ")\n  " + String.join("\n  ", lines)
                + (mismatches > lines.size() ? "\n  ..." : "");
        throw new GradcheckError(message, firstInput, firstElement, firstOutput, firstA, firstN);
    }

    private static GradcheckError fail(Options opt, String message, int input) {
        return new GradcheckError(message, input, -1, -1, Double.NaN, Double.NaN);
    }

    /**
     * f with input i replaced by a fresh copy whose element j is shifted by delta; inputs that
     * require grad are given as fresh leaves that require grad (the function may differentiate them).
     */
    private static double[] evaluate(Fn f, Tensor[] inputs, int i, double[] base, int j, double delta, int[] shape,
                                     Device device, int m) {
        double[] data = base.clone();
        data[j] += delta;
        Tensor[] args = inputs.clone();
        Tensor perturbed = Tensor.of(data, shape).to(device).detach();
        args[i] = inputs[i].requiresGrad() ? perturbed.requiresGrad(true) : perturbed;
        Tensor out = f.apply(args);
        if (out.numel() != m) {
            throw new IllegalStateException("gradcheck: the output changed size from " + m + " to " + out.numel()
                    + " when input " + i + " was perturbed");
        }
        return out.detach().toDoubleArray().clone();
    }

    private static int[] unravel(int flat, int[] shape) {
        int[] index = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] > 0) {
                index[d] = flat % shape[d];
                flat /= shape[d];
            }
        }
        return index;
    }
}
