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

    static final List<Known> KNOWN = List.of(
            new Known("promotion: mixed dtypes refused",
                    "issue 11 item 4: autograd4j refuses tensors of different dtypes (\"does not promote types\"); "
                            + "PyTorch promotes by torch.result_type",
                    m -> m.javaMessage() != null && m.javaMessage().contains("does not promote types")
                            && m.torchMessage() == null),
            new Known("promotion: integer/bool input to a floating op refused",
                    "issue 11 item 4: PyTorch computes exp/log/sigmoid/mean/... of int64 and bool inputs in the default "
                            + "float dtype; autograd4j throws \"... not implemented for 'Long'\"",
                    m -> m.torchMessage() == null && m.javaMessage() != null && nonFloatInput(m)
                            && m.javaMessage().matches("(?s).*not implemented for '(Long|Bool)'.*")),
            new Known("promotion: int/bool with a Java double scalar",
                    "issue 11 item 4: a double scalar is of the floating category, so int64/bool op double gives "
                            + "float32 in PyTorch; autograd4j keeps the tensor's dtype (truncating values, or silently "
                            + "doing nothing in place)",
                    m -> m.scalarOperand() && nonFloatInput(m)),
            new Known("promotion: result dtype differs",
                    "issue 11 item 4: div is true division (int64 / int64 = float32), sum of bool is int64, mixed "
                            + "dtypes take the wider one in PyTorch; autograd4j keeps the input's dtype",
                    m -> m.kind() == DifferentialFuzzer.Kind.DTYPE && (nonFloatInput(m) || mixed(m))),
            new Known("bool/int64 input PyTorch refuses",
                    "issue 11 item 4: PyTorch refuses some ops on bool (neg, sub, round, ...) or int64 inputs that "
                            + "autograd4j computes; the type-promotion check should refuse them with PyTorch's message",
                    m -> m.kind() == DifferentialFuzzer.Kind.ONLY_TORCH_RAISED && nonFloatInput(m)),
            new Known("saved tensors differ from PyTorch's (version check at backward)",
                    "bug found by the fuzzer: autograd4j saves other tensors than PyTorch's derivatives, so the "
                            + "'modified by an inplace operation' check fires on one side only (x.copy().div_(y) then "
                            + "backward raises in autograd4j, PyTorch saves the result; Tensor.pow(2.0, x) then an in-place "
                            + "write to its result passes in autograd4j, PyTorch refuses)",
                    m -> m.kind() == DifferentialFuzzer.Kind.BACKWARD_RAISED
                            && String.valueOf(m.javaMessage() + m.torchMessage()).contains("modified by an inplace")),
            new Known("in-place on a view of a graph tensor",
                    "issue 11, autograd behaviours: PyTorch rebases the view's history (CopySlices); autograd4j throws "
                            + "UnsupportedOperationException",
                    m -> m.javaMessage() != null
                            && m.javaMessage().contains("in-place operations on a view of a tensor that is part of")),
            new Known("overlapping in-place write",
                    "issue 11 item 2: PyTorch refuses writes through memory where several elements alias "
                            + "(an expanded tensor, x.add_(x.t())); autograd4j writes and gives wrong numbers",
                    m -> m.torchMessage() != null && m.javaMessage() == null
                            && m.torchMessage().contains("single memory location")),
            new Known("sum/mean over an empty dim list",
                    "issue 11 item 7: PyTorch reduces all dims when dims is empty; autograd4j reduces none",
                    m -> m.emptyDims()),
            new Known("NaN gradient where PyTorch's is finite (0 * inf)",
                    "bug found by the fuzzer: backward formulas of clamp/maximum/minimum/... multiply the upstream "
                            + "gradient by a 0/1 mask, so an infinite or NaN upstream gradient (x.clamp(a, b).div(0.0)) "
                            + "gives NaN where PyTorch selects (where/masked_fill) and gives 0",
                    m -> m.kind() == DifferentialFuzzer.Kind.GRAD && m.detail().matches("(?s)values: \\[\\d+\\] torch "
                            + "-?[0-9.E-]+, autograd4j NaN.*")),
            new Known("sign(NaN)",
                    "bug found by the fuzzer: PyTorch's sign(NaN) is 0 ((0 < x) - (x < 0)); autograd4j returns NaN",
                    m -> m.kind() == DifferentialFuzzer.Kind.VALUES && m.op().equals("sign")
                            && m.detail().contains("autograd4j NaN")),
            new Known("reference: zero_/fill_/copy_ emulated as mul_(0)",
                    "the reference, not autograd4j: DJL binds no zero_/fill_/copy_, so the oracle writes "
                            + "target.mul_(0).add_(value), whose gradient 0 * inf is NaN where PyTorch's zero_ gives 0",
                    m -> m.kind() == DifferentialFuzzer.Kind.GRAD && m.op().endsWith("(after in-place)")
                            && m.detail().matches("(?s)values: \\[\\d+\\] torch NaN, autograd4j -?[0-9].*")),
            new Known("UNTRIAGED float values/gradients differ",
                    "NOT EXPLAINED YET (triage pending, see the fuzzer's report): float values or gradients differ. "
                            + "Seen so far: rounding upstream of a discontinuity (floor, gt at a near-tie, rsqrt or div "
                            + "of a cancellation near 0), a signed zero (reciprocal of -0.0), and gradients with no "
                            + "NaN involved. Delete this entry once triaged: each becomes a bug or a narrower entry",
                    m -> m.kind() == DifferentialFuzzer.Kind.GRAD || m.kind() == DifferentialFuzzer.Kind.LATER_VALUES
                            || m.kind() == DifferentialFuzzer.Kind.VALUES));

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
