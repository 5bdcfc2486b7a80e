package dev.autograd4j.oracle;

import java.util.List;
import java.util.function.Predicate;

/**
 * The differential fuzzer's allow-list: every known, explained difference between autograd4j and libtorch, as
 * data, in the order they are tried. A mismatch that no entry matches is "unexplained" and fails
 * {@link DifferentialFuzzTest}. Whoever fixes one of these bugs deletes its entry: the fuzzer then holds the fix.
 *
 * <p>Entries match on the {@link DifferentialFuzzer.Mismatch} (its kind, the op, the messages of each side and
 * the dtypes involved); keep each predicate as narrow as the explanation it carries.
 */
final class FuzzAllowList {
    private FuzzAllowList() {
    }

    /** One known difference: an id for the summary, why it differs, and which mismatches it explains. */
    record Known(String id, String why, Predicate<DifferentialFuzzer.Mismatch> matches) {
    }

    private static boolean mixed(DifferentialFuzzer.Mismatch m) {
        return m.inputDtypes().stream().distinct().count() > 1;
    }

    private static boolean nonFloatInput(DifferentialFuzzer.Mismatch m) {
        return m.inputDtypes().stream().anyMatch(d -> !d.contains("float"));
    }

    private static final java.util.regex.Pattern FIRST_VALUES =
            java.util.regex.Pattern.compile("values: \\[\\d+\\] torch (\\S+), autograd4j (\\S+) .*", java.util.regex.Pattern.DOTALL);

    /** Whether the first differing element has a side that is infinite, NaN or beyond {@code limit} in size. */
    private static boolean firstValueBeyond(DifferentialFuzzer.Mismatch m, double limit) {
        java.util.regex.Matcher v = FIRST_VALUES.matcher(m.detail().replaceFirst("^v\\d+: ", ""));
        if (!v.matches()) {
            return false;
        }
        double t = Double.parseDouble(v.group(1).replaceAll(",$", "")), a = Double.parseDouble(v.group(2));
        return !(Math.abs(t) <= limit) || !(Math.abs(a) <= limit);
    }

    static final List<Known> KNOWN = List.of(
            new Known("integer/bool input to an op autograd4j serves for floating dtypes only",
                    "a documented gap, not a wrong result: autograd4j refuses int64/bool inputs of matmul/mm/bmm/mv/dot, "
                            + "clamp, relu, softmax/logSoftmax and pow(scalar, tensor) (\"... not implemented for 'Long'\"), "
                            + "where PyTorch's CPU kernels compute them (in int64, or promoted)",
                    m -> m.torchMessage() == null && m.javaMessage() != null && nonFloatInput(m)
                            && m.javaMessage().matches("(?s).*not implemented for '(Long|Bool)'.*")),
            new Known("bool/int64 input PyTorch refuses",
                    "a documented gap, not a wrong result: PyTorch refuses abs/floor/ceil/round/trunc, max/min/argmax "
                            + "over a dim and sub_ on bool (\"round_vml_cpu\" not implemented for 'Bool', ...); autograd4j "
                            + "computes them (as the identity, or the extreme of 0/1)",
                    m -> m.kind() == DifferentialFuzzer.Kind.ONLY_TORCH_RAISED && nonFloatInput(m)),
            new Known("matmul of mixed dtypes with an empty operand",
                    "libtorch skips its same-dtype check when an operand has no elements (program 4037: a [0, 3] "
                            + "float64 matmul a [2, 3, 3] float32 gives an empty result); autograd4j checks the dtypes first, "
                            + "as PyTorch does for every non-empty operand",
                    m -> m.kind() == DifferentialFuzzer.Kind.ONLY_AUTOGRAD4J_RAISED
                            && m.op().matches("matmul|mm|bmm|mv|dot") && m.javaMessage() != null
                            && m.javaMessage().contains("expected both tensors to have the same dtype")),
            new Known("reference: pow(tensor, scalar) emulated with a tensor exponent",
                    "the reference, not autograd4j: DJL binds pow with a tensor exponent (PowBackward1, which saves its "
                            + "result), so writing into x.pow(e) in place fails at backward on the libtorch side; PyTorch's "
                            + "pow(Tensor, Scalar) (PowBackward0) saves only self, as autograd4j does",
                    m -> m.kind() == DifferentialFuzzer.Kind.BACKWARD_RAISED && m.javaMessage() == null
                            && m.torchMessage() != null && m.torchMessage().contains("output 0 of PowBackward1")),
            new Known("reference: in-place write into a saved result not seen at backward",
                    "autograd4j refuses the backward as PyTorch does: the tensor written in place is the result that "
                            + "its op saved (program 954: rsqrt then div_, and RsqrtBackward0 saves result per "
                            + "derivatives.yaml); the libtorch side through DJL does not see the write",
                    m -> m.kind() == DifferentialFuzzer.Kind.BACKWARD_RAISED && m.torchMessage() == null
                            && m.javaMessage() != null && m.javaMessage().contains("modified by an inplace")),
            new Known("reference: fill_/zero_ through overlapping memory",
                    "the reference, not autograd4j: DJL binds no fill_/zero_, so the oracle writes target.mul_(0), "
                            + "which libtorch refuses on an expanded tensor; PyTorch's fill_ skips the overlap check, as "
                            + "autograd4j does",
                    m -> m.kind() == DifferentialFuzzer.Kind.ONLY_TORCH_RAISED && m.op().matches("fill_|zero_")
                            && m.torchMessage() != null && m.torchMessage().contains("single memory location")),
            new Known("reference: mean over an empty dim list with keepDim",
                    "believed reference-side, not checked against Python: PyTorch reduces all dims when dims is empty "
                            + "and keepdim keeps them as size 1, as autograd4j does ([1, 1, 1]) and as sum agrees on both "
                            + "sides; libtorch through DJL's mean returns a 0-d result",
                    m -> m.emptyDims() && m.kind() == DifferentialFuzzer.Kind.SHAPE && m.op().startsWith("mean")),
            new Known("reference: in-place ops emulated as mul_(0)",
                    "the reference, not autograd4j: DJL binds no zero_/fill_/copy_/relu_/clamp_ with a gradient, so "
                            + "the oracle writes target.mul_(0).add_(value), whose gradient 0 * inf is NaN where PyTorch's "
                            + "in-place op gives 0",
                    m -> m.kind() == DifferentialFuzzer.Kind.GRAD && m.op().endsWith("(after in-place)")
                            && m.detail().matches("(?s)values: \\[\\d+\\] torch NaN, autograd4j -?[0-9].*")),
            new Known("numerics: at a singularity",
                    "rounding, not a bug: a value next to a pole (division, reciprocal, rsqrt, pow of a result that is "
                            + "0 or -0.0 on one side and a tiny number on the other, after float cancellation) is huge, "
                            + "infinite or of the other sign; or a gradient that is infinite/NaN on both sides",
                    m -> (m.kind() == DifferentialFuzzer.Kind.VALUES || m.kind() == DifferentialFuzzer.Kind.LATER_VALUES)
                            && m.op().matches("div|reciprocal|rsqrt|pow\\(scalar\\)|\\(after the program\\).*")
                            && firstValueBeyond(m, 1e6)
                            || m.kind() == DifferentialFuzzer.Kind.GRAD
                            && m.detail().matches("(?s)values: \\[\\d+\\] torch (NaN|-?Infinity), autograd4j "
                            + "(NaN|-?Infinity) .*")),
            new Known("numerics: at a discontinuity",
                    "rounding, not a bug: a float32 value an ulp apart on the two sides falls on different sides of a "
                            + "jump (floor/ceil/round/trunc at an integer, a comparison at a near-tie)",
                    m -> (m.kind() == DifferentialFuzzer.Kind.VALUES && m.inputDtypes().contains("torch.float32")
                            && m.op().matches("(floor|ceil|round|trunc|gt|ge|lt|le|eq|ne)(\\(scalar\\))?"))));

    /** The entry explaining m, or null when m is unexplained. */
    static Known explain(DifferentialFuzzer.Mismatch m) {
        for (Known k : KNOWN) {
            if (k.matches().test(m)) {
                return k;
            }
        }
        return null;
    }
}
