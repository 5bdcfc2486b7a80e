package dev.autograd4j.oracle;

import java.util.List;
import java.util.function.BiPredicate;

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
    record Known(String id, String why, BiPredicate<DifferentialFuzzer.Mismatch, List<String>> matches) {
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

    /** The first differing element as {torch, autograd4j}, or null when the detail lists no values. */
    private static double[] firstValues(DifferentialFuzzer.Mismatch m) {
        java.util.regex.Matcher v = FIRST_VALUES.matcher(m.detail().replaceFirst("^v\\d+: ", ""));
        return v.matches() ? new double[] {Double.parseDouble(v.group(1).replaceAll(",$", "")),
            Double.parseDouble(v.group(2))} : null;
    }

    /** Whether the program drew op a and, after it, an op matching b. */
    private static boolean drewThen(List<String> ops, String a, String b) {
        int i = ops.indexOf(a);
        return i >= 0 && ops.subList(i + 1, ops.size()).stream().anyMatch(o -> o.matches(b));
    }

    /** Whether base^t, the input of a log on the libtorch side, is 0 or a small multiple of 2^-24 (ulp(1) / 2). */
    private static boolean logOfOneMinusErfRounding(double t, double base) {
        double in = Math.pow(base, t) / 0x1p-24;
        return in == 0 || in < 64 && Math.abs(in - Math.rint(in)) < 1e-3;
    }

    static final List<Known> KNOWN = List.of(
            new Known("integer/bool input to an op autograd4j serves for floating dtypes only",
                    "a documented gap, not a wrong result: autograd4j refuses int64/bool inputs of matmul/mm/bmm/mv/dot, "
                            + "clamp, relu, softmax/logSoftmax and pow(scalar, tensor) (\"... not implemented for 'Long'\"), "
                            + "where PyTorch's CPU kernels compute them (in int64, or promoted)",
                    (m, ops) -> m.torchMessage() == null && m.javaMessage() != null && nonFloatInput(m)
                            && m.javaMessage().matches("(?s).*not implemented for '(Long|Bool)'.*")),
            new Known("bool/int64 input PyTorch refuses",
                    "a documented gap, not a wrong result: PyTorch refuses abs/floor/ceil/round/trunc, max/min/argmax "
                            + "over a dim and sub_ on bool (\"round_vml_cpu\" not implemented for 'Bool', ...); autograd4j "
                            + "computes them (as the identity, or the extreme of 0/1)",
                    (m, ops) -> m.kind() == DifferentialFuzzer.Kind.ONLY_TORCH_RAISED && nonFloatInput(m)),
            new Known("matmul of mixed dtypes with an empty operand",
                    "libtorch skips its same-dtype check when an operand has no elements (program 4037: a [0, 3] "
                            + "float64 matmul a [2, 3, 3] float32 gives an empty result); autograd4j checks the dtypes first, "
                            + "as PyTorch does for every non-empty operand",
                    (m, ops) -> m.kind() == DifferentialFuzzer.Kind.ONLY_AUTOGRAD4J_RAISED
                            && m.op().matches("matmul|mm|bmm|mv|dot") && m.javaMessage() != null
                            && m.javaMessage().contains("expected both tensors to have the same dtype")),
            new Known("reference: pow(tensor, scalar) emulated with a tensor exponent",
                    "the reference, not autograd4j: DJL binds pow with a tensor exponent (PowBackward1, which saves its "
                            + "result), so writing into x.pow(e) in place fails at backward on the libtorch side; PyTorch's "
                            + "pow(Tensor, Scalar) (PowBackward0) saves only self, as autograd4j does",
                    (m, ops) -> m.kind() == DifferentialFuzzer.Kind.BACKWARD_RAISED && m.javaMessage() == null
                            && m.torchMessage() != null && m.torchMessage().contains("output 0 of PowBackward1")),
            new Known("reference: in-place write into a saved result not seen at backward",
                    "autograd4j refuses the backward as PyTorch does: the tensor written in place is the result that "
                            + "its op saved (program 954: rsqrt then div_, and RsqrtBackward0 saves result per "
                            + "derivatives.yaml); the libtorch side through DJL does not see the write",
                    (m, ops) -> m.kind() == DifferentialFuzzer.Kind.BACKWARD_RAISED && m.torchMessage() == null
                            && m.javaMessage() != null && m.javaMessage().contains("modified by an inplace")),
            new Known("reference: fill_/zero_ through overlapping memory",
                    "the reference, not autograd4j: DJL binds no fill_/zero_, so the oracle writes target.mul_(0), "
                            + "which libtorch refuses on an expanded tensor; PyTorch's fill_ skips the overlap check, as "
                            + "autograd4j does",
                    (m, ops) -> m.kind() == DifferentialFuzzer.Kind.ONLY_TORCH_RAISED && m.op().matches("fill_|zero_")
                            && m.torchMessage() != null && m.torchMessage().contains("single memory location")),
            new Known("reference: mean over an empty dim list with keepDim",
                    "believed reference-side, not checked against Python: PyTorch reduces all dims when dims is empty "
                            + "and keepdim keeps them as size 1, as autograd4j does ([1, 1, 1]) and as sum agrees on both "
                            + "sides; libtorch through DJL's mean returns a 0-d result",
                    (m, ops) -> m.emptyDims() && m.kind() == DifferentialFuzzer.Kind.SHAPE && m.op().startsWith("mean")),
            new Known("reference: in-place ops emulated as mul_(0)",
                    "the reference, not autograd4j: DJL binds no zero_/fill_/copy_/relu_/clamp_ with a gradient, so "
                            + "the oracle writes target.mul_(0).add_(value), whose gradient 0 * inf is NaN where PyTorch's "
                            + "in-place op gives 0",
                    (m, ops) -> m.kind() == DifferentialFuzzer.Kind.GRAD && m.op().endsWith("(after in-place)")
                            && m.detail().matches("(?s)values: \\[\\d+\\] torch NaN, autograd4j -?[0-9].*")),
            new Known("numerics: at a singularity",
                    "rounding, not a bug: a value next to a pole (division, reciprocal, rsqrt, pow of a result that is "
                            + "0 or -0.0 on one side and a tiny number on the other, after float cancellation) is huge, "
                            + "infinite or of the other sign; or a gradient that is infinite/NaN on both sides",
                    (m, ops) -> (m.kind() == DifferentialFuzzer.Kind.VALUES || m.kind() == DifferentialFuzzer.Kind.LATER_VALUES)
                            && m.op().matches("div|reciprocal|rsqrt|pow\\(scalar\\)|\\(after the program\\).*")
                            && firstValueBeyond(m, 1e6)
                            || m.kind() == DifferentialFuzzer.Kind.GRAD
                            && m.detail().matches("(?s)values: \\[\\d+\\] torch (NaN|-?Infinity), autograd4j "
                            + "(NaN|-?Infinity) .*")),
            new Known("numerics: at a discontinuity",
                    "rounding, not a bug: a float32 value an ulp apart on the two sides falls on different sides of a "
                            + "jump (floor/ceil/round/trunc at an integer, a comparison at a near-tie)",
                    (m, ops) -> (m.kind() == DifferentialFuzzer.Kind.VALUES && m.inputDtypes().contains("torch.float32")
                            && m.op().matches("(floor|ceil|round|trunc|gt|ge|lt|le|eq|ne)(\\(scalar\\))?"))),
            new Known("libtorch: gelu(+inf) is NaN on the CPU",
                    "a libtorch bug, deliberately not copied: PyTorch's vectorized CPU gelu returns NaN for +inf "
                            + "(pytorch/pytorch#185770, #187293; its CUDA kernel and the limit give +inf), autograd4j gives "
                            + "+inf on both backends",
                    (m, ops) -> m.kind() == DifferentialFuzzer.Kind.VALUES && m.op().equals("gelu")
                            && firstValues(m) != null && Double.isNaN(firstValues(m)[0])
                            && firstValues(m)[1] == Double.POSITIVE_INFINITY),
            new Known("reference: copy_ emulated on a clone of its source",
                    "the reference, not autograd4j: PyTorch's copy_ refuses a source that covers the destination's "
                            + "memory with other strides (get_overlap_status: same range, different strides is Partial; "
                            + "programs 809/8763 of seeds 7/8: a transposed view copied from its own base), as autograd4j "
                            + "does; the oracle writes target.mul_(0).add_(clone(source)), which never sees the alias",
                    (m, ops) -> m.kind() == DifferentialFuzzer.Kind.ONLY_AUTOGRAD4J_RAISED && m.op().equals("copy_")
                            && m.javaMessage() != null && m.javaMessage().contains("some elements of the input tensor "
                            + "and the written-to tensor refer to a single memory location")),
            new Known("reference: reciprocal/rsqrt emulated as a division that saves its input",
                    "the reference, not autograd4j: DJL binds no reciprocal/rsqrt, so the oracle divides 1 by x "
                            + "(DivBackward0 saves x), and a later in-place write into x fails its backward; PyTorch's "
                            + "ReciprocalBackward0/RsqrtBackward0 save only the result (derivatives.yaml), as autograd4j "
                            + "does (program 8037 of seed 7, 9572 of seed 8)",
                    (m, ops) -> m.kind() == DifferentialFuzzer.Kind.BACKWARD_RAISED && m.javaMessage() == null
                            && m.torchMessage() != null && m.torchMessage().contains("modified by an inplace")
                            && (drewThen(ops, "reciprocal", "[a-zA-Z]+_.*") || drewThen(ops, "rsqrt", "[a-zA-Z]+_.*"))),
            new Known("reference: erfc emulated as 1 - erf",
                    "the reference, not autograd4j: DJL binds no erfc, so the oracle computes 1 - erf(x) in float32, "
                            + "which rounds erfc's right tail to 0 or a multiple of 2^-24; autograd4j's erfc keeps it "
                            + "(erfc(3.88) = 4.08e-8, log10 -7.389; the reference's log10 gives -7.225 = log10(2^-24)), "
                            + "which a later log or sign shows (programs 1390, 1521 of seed 7; 5167 of seed 9)",
                    (m, ops) -> m.kind() == DifferentialFuzzer.Kind.VALUES && ops.contains("erfc")
                            && firstValues(m) != null && (m.op().equals("sign") && firstValues(m)[0] == 0
                            && Math.abs(firstValues(m)[1]) == 1
                            || m.op().matches("log|log2|log10") && logOfOneMinusErfRounding(firstValues(m)[0],
                            m.op().equals("log") ? Math.E : m.op().equals("log2") ? 2 : 10))),
            new Known("numerics: gelu's left tail",
                    "rounding, not a bug: autograd4j computes gelu as 0.5 x erfc(-x / sqrt 2), keeping the left "
                            + "tail's relative precision; libtorch's float32 x * 0.5 * (1 + erf(x / sqrt 2)) has an absolute "
                            + "error near ulp(1) |x| there (gelu(-11.1) is -0.0, gelu(-3.09) off by 1.7e-4 relative), inside "
                            + "gelu's tolerance; a later log of that -0.0 is -inf against NaN (log of a negative), and a "
                            + "later pole (reciprocal/rsqrt/div) makes the difference relative (programs 73, 5583 of seed 7; "
                            + "4806 of seed 9)",
                    (m, ops) -> m.kind() == DifferentialFuzzer.Kind.VALUES && ops.contains("gelu")
                            && firstValues(m) != null
                            && (m.op().matches("log|log2|log10") && firstValues(m)[0] == Double.NEGATIVE_INFINITY
                            && Double.isNaN(firstValues(m)[1])
                            || m.op().matches("reciprocal|rsqrt|div") && Math.signum(firstValues(m)[0])
                            == Math.signum(firstValues(m)[1]) && Math.abs(firstValues(m)[0] - firstValues(m)[1])
                            < 0.05 * Math.abs(firstValues(m)[0]))));

    /** The entry explaining m, a mismatch of a program that drew ops (in order), or null when m is unexplained. */
    static Known explain(DifferentialFuzzer.Mismatch m, List<String> ops) {
        for (Known k : KNOWN) {
            if (k.matches().test(m, ops)) {
                return k;
            }
        }
        return null;
    }
}
