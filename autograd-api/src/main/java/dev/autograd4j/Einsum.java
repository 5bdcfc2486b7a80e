package dev.autograd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Einstein summation, like {@code torch.einsum(equation, *operands)}: {@code Einsum.einsum("bij,bjk->bik", a, b)}
 * is a batched matrix product. A static method on its own class (not on {@link Tensor}, whose ops live in
 * family interfaces) so that it reads as PyTorch's.
 *
 * <p>Subscripts are letters {@code [a-zA-Z]}; each operand may have one ellipsis {@code ...} standing for its
 * leading unnamed dims, which broadcast across operands. With {@code ->} the output is given explicitly;
 * without it (implicit mode) the output is the ellipsis dims followed by the subscripts that appear exactly
 * once, in alphabetical order (upper case first). A subscript repeated within one operand takes its diagonal
 * ({@code "ii->i"}, {@code "ii"} is the trace); subscripts absent from the output are summed. Sizes of one
 * subscript must agree across operands or be 1 (broadcast).
 *
 * <p>The computation is a composite of differentiable ops, so gradients come from them: diagonals, sums of
 * the subscripts only one operand has, then, operand by operand from the left, one {@code bmm} per pair (its
 * shared kept subscripts as the batch, its shared summed subscripts as the contraction), then a
 * {@code permute} to the output's order.
 */
public final class Einsum {
    private static final int LETTERS = 52;

    private Einsum() {
    }

    /**
     * Evaluates an Einstein summation over the operands, like {@code torch.einsum}.
     *
     * @param equation the subscripts, e.g. {@code "ij,jk->ik"}, {@code "bij,bkj->bik"}, {@code "i,j"},
     *     {@code "...ij->...ji"}, {@code "ii"}; spaces are ignored
     * @param operands the tensors, one per comma-separated group of subscripts, of one dtype and device
     * @return a new tensor with the output's subscripts as its dims
     * @throws IllegalArgumentException when the equation does not parse, does not fit the operands' numbers
     *     of dims, or their sizes disagree, with PyTorch's messages
     */
    public static Tensor einsum(String equation, Tensor... operands) {
        Objects.requireNonNull(equation, "equation must not be null");
        Objects.requireNonNull(operands, "operands must not be null");
        if (operands.length == 0) {
            throw new IllegalArgumentException("einsum(): must provide at least one operand");
        }
        Parsed p = parse(equation.replace(" ", ""), operands);
        return evaluate(p, operands);
    }

    /** Subscripts as ints: 0-51 for letters (A-Z, then a-z), 52 + k for the k-th ellipsis dim (left-aligned). */
    private record Parsed(int[][] labels, int[] output) {
    }

    private static int labelIndex(char c) {
        return c >= 'A' && c <= 'Z' ? c - 'A' : c - 'a' + 26;
    }

    private static char labelChar(int label) {
        return (char) (label < 26 ? 'A' + label : 'a' + label - 26);
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static Parsed parse(String eq, Tensor[] operands) {
        int n = operands.length;
        int arrow = eq.indexOf("->");
        String lhs = arrow < 0 ? eq : eq.substring(0, arrow);
        List<List<Integer>> raw = new ArrayList<>(); // letters, with -1 for the ellipsis
        raw.add(new ArrayList<>());
        int current = 0;
        boolean foundEll = false;
        for (int i = 0; i < lhs.length(); i++) {
            char c = lhs.charAt(i);
            if (c == '.') {
                if (foundEll) {
                    throw new IllegalArgumentException("einsum(): found '.' for operand " + current
                            + " for which an ellipsis was already found");
                }
                if (!(i + 2 < lhs.length() && lhs.charAt(i + 1) == '.' && lhs.charAt(i + 2) == '.')) {
                    throw new IllegalArgumentException("einsum(): found '.' for operand " + current
                            + " that is not part of any ellipsis");
                }
                i += 2;
                foundEll = true;
                raw.get(current).add(-1);
            } else if (c == ',') {
                current++;
                if (current >= n) {
                    throw new IllegalArgumentException(
                            "einsum(): fewer operands were provided than specified in the equation");
                }
                raw.add(new ArrayList<>());
                foundEll = false;
            } else if (isLetter(c)) {
                raw.get(current).add(labelIndex(c));
            } else {
                throw new IllegalArgumentException("einsum(): invalid subscript given at index " + i
                        + " in the equation string, subscripts must be in [a-zA-Z]");
            }
        }
        if (current != n - 1) {
            throw new IllegalArgumentException("einsum(): more operands were provided than specified in the equation");
        }
        // the number of dims each ellipsis stands for, checked against the operands
        int[] ellDims = new int[n];
        int ellMax = 0;
        for (int i = 0; i < n; i++) {
            List<Integer> ls = raw.get(i);
            boolean ell = ls.contains(-1);
            int named = ell ? ls.size() - 1 : ls.size(), dims = operands[i].dim();
            if (ell && named > dims) {
                throw new IllegalArgumentException("einsum(): the number of subscripts in the equation (" + named
                        + ") is more than the number of dimensions (" + dims + ") for operand " + i);
            }
            if (!ell && named != dims) {
                throw new IllegalArgumentException("einsum(): the number of subscripts in the equation (" + named
                        + ") does not match the number of dimensions (" + dims + ") for operand " + i
                        + " and no ellipsis was given");
            }
            ellDims[i] = dims - named;
            ellMax = Math.max(ellMax, ellDims[i]);
        }
        int[][] labels = new int[n][];
        int[] count = new int[LETTERS];
        for (int i = 0; i < n; i++) {
            List<Integer> ls = raw.get(i);
            int[] out = new int[operands[i].dim()];
            int k = 0;
            for (int l : ls) {
                if (l < 0) {
                    for (int e = 0; e < ellDims[i]; e++) {
                        out[k++] = LETTERS + ellMax - ellDims[i] + e; // right-aligned, as broadcasting
                    }
                } else {
                    out[k++] = l;
                    count[l]++;
                }
            }
            labels[i] = out;
        }
        List<Integer> output = new ArrayList<>();
        if (arrow < 0) {
            for (int e = 0; e < ellMax; e++) {
                output.add(LETTERS + e);
            }
            for (int l = 0; l < LETTERS; l++) {
                if (count[l] == 1) {
                    output.add(l);
                }
            }
        } else {
            String rhs = eq.substring(arrow + 2);
            boolean outEll = false;
            for (int i = 0; i < rhs.length(); i++) {
                char c = rhs.charAt(i);
                if (c == '.') {
                    if (outEll) {
                        throw new IllegalArgumentException(
                                "einsum(): found '.' for output but an ellipsis (...) was already found");
                    }
                    if (!(i + 2 < rhs.length() && rhs.charAt(i + 1) == '.' && rhs.charAt(i + 2) == '.')) {
                        throw new IllegalArgumentException(
                                "einsum(): found '.' for output that is not part of any ellipsis (...)");
                    }
                    i += 2;
                    outEll = true;
                    for (int e = 0; e < ellMax; e++) {
                        output.add(LETTERS + e);
                    }
                } else if (isLetter(c)) {
                    int l = labelIndex(c);
                    if (count[l] == 0 || output.contains(l)) {
                        throw new IllegalArgumentException("einsum(): output subscript " + c
                                + (output.contains(l) ? " appears more than once in the output"
                                        : " does not appear in the equation for any input operand"));
                    }
                    output.add(l);
                } else {
                    throw new IllegalArgumentException("einsum(): invalid subscript given at index "
                            + (lhs.length() + 2 + i) + " in the equation string, subscripts must be in [a-zA-Z]");
                }
            }
        }
        return new Parsed(labels, output.stream().mapToInt(Integer::intValue).toArray());
    }

    private static Tensor evaluate(Parsed p, Tensor[] operands) {
        int n = operands.length;
        int[][] labels = p.labels();
        // sizes: a subscript's size must agree across operands or be 1; a repeated one within an operand must
        // agree there
        long[] size = new long[LETTERS + 64];
        Arrays.fill(size, 1);
        boolean broadcastable = true;
        for (int i = 0; i < n; i++) {
            int[] shape = operands[i].shapeUnsafe();
            for (int j = 0; j < labels[i].length; j++) {
                int l = labels[i][j];
                for (int k = 0; k < j; k++) {
                    if (labels[i][k] == l && shape[k] != shape[j]) {
                        throw new IllegalArgumentException("einsum(): subscript " + labelChar(l)
                                + " is repeated for operand " + i + " but the sizes don't match, " + shape[j]
                                + " != " + shape[k]);
                    }
                }
                if (shape[j] != 1) {
                    if (size[l] != 1 && size[l] != shape[j]) {
                        broadcastable = false;
                    }
                    size[l] = shape[j];
                }
            }
        }
        if (!broadcastable) {
            throw new IllegalArgumentException(broadcastMessage(p, operands));
        }
        List<Tensor> ts = new ArrayList<>();
        List<int[]> ls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Tensor t = operands[i];
            int[] l = labels[i];
            // diagonals of repeated subscripts, moved to where their first occurrence was
            for (int j = 1; j < l.length; j++) {
                int first = indexOf(l, l[j], j);
                if (first >= 0) {
                    t = t.diagonal(0, first, j).movedim(-1, first);
                    int[] rest = new int[l.length - 1];
                    for (int k = 0, m = 0; k < l.length; k++) {
                        if (k != j) {
                            rest[m++] = l[k];
                        }
                    }
                    l = rest;
                    j--;
                }
            }
            // subscripts of size 1 that another operand has larger: expanded (a view) so they meet
            int[] target = new int[l.length];
            boolean expand = false;
            for (int j = 0; j < l.length; j++) {
                target[j] = (int) size[l[j]];
                expand |= target[j] != t.shapeUnsafe()[j];
            }
            if (expand) {
                t = t.expand(target);
            }
            ts.add(t);
            ls.add(l);
        }
        // fold from the left: sum what no one else needs, then one batched product per pair
        Tensor acc = ts.get(0);
        int[] accL = ls.get(0);
        for (int i = 1; i <= n; i++) {
            boolean[] keep = new boolean[LETTERS + 64];
            for (int l : p.output()) {
                keep[l] = true;
            }
            for (int k = i; k < n; k++) {
                for (int l : ls.get(k)) {
                    keep[l] = true;
                }
            }
            if (i == n) {
                Labeled r = sumNotKept(acc, accL, keep);
                return permuteTo(r.t(), r.labels(), p.output());
            }
            boolean[] keepA = keep.clone(), keepB = keep.clone();
            for (int l : ls.get(i)) {
                keepA[l] = true;
            }
            for (int l : accL) {
                keepB[l] = true;
            }
            Labeled a = sumNotKept(acc, accL, keepA);
            Labeled b = sumNotKept(ts.get(i), ls.get(i), keepB);
            Labeled prod = pair(a.t(), a.labels(), b.t(), b.labels(), keep);
            acc = prod.t();
            accL = prod.labels();
        }
        throw new AssertionError("unreachable");
    }

    private static int indexOf(int[] l, int label, int before) {
        for (int k = 0; k < before; k++) {
            if (l[k] == label) {
                return k;
            }
        }
        return -1;
    }

    /** A tensor with the subscript of each of its dims. */
    private record Labeled(Tensor t, int[] labels) {
    }

    /** {@code t} summed over its labels not kept. */
    private static Labeled sumNotKept(Tensor t, int[] l, boolean[] keep) {
        List<Integer> dims = new ArrayList<>();
        List<Integer> rest = new ArrayList<>();
        for (int j = 0; j < l.length; j++) {
            if (keep[l[j]]) {
                rest.add(l[j]);
            } else {
                dims.add(j);
            }
        }
        Tensor r = dims.isEmpty() ? t : t.sum(dims.stream().mapToInt(Integer::intValue).toArray(), false);
        return new Labeled(r, rest.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * The product of a and b over their shared labels: shared kept ones are the batch, shared others are
     * summed, the rest are a's then b's free dims.
     */
    private static Labeled pair(Tensor a, int[] la, Tensor b, int[] lb, boolean[] keep) {
        List<Integer> batch = new ArrayList<>(), contract = new ArrayList<>(), freeA = new ArrayList<>(),
                freeB = new ArrayList<>();
        for (int l : la) {
            if (contains(lb, l)) {
                (keep[l] ? batch : contract).add(l);
            } else {
                freeA.add(l);
            }
        }
        for (int l : lb) {
            if (!contains(la, l)) {
                freeB.add(l);
            }
        }
        List<Integer> orderA = new ArrayList<>(batch);
        orderA.addAll(freeA);
        orderA.addAll(contract);
        List<Integer> orderB = new ArrayList<>(batch);
        orderB.addAll(contract);
        orderB.addAll(freeB);
        Tensor pa = a.permute(positions(la, orderA)), pb = b.permute(positions(lb, orderB));
        int[] sa = pa.shapeUnsafe();
        int nb = batch.size(), nfa = freeA.size(), nc = contract.size();
        int[] sb = pb.shapeUnsafe();
        int bSize = prod(sa, 0, nb), mSize = prod(sa, nb, nb + nfa), kSize = prod(sa, nb + nfa, sa.length);
        int nSize = prod(sb, nb + nc, sb.length);
        Tensor r = pa.reshape(bSize, mSize, kSize).bmm(pb.reshape(bSize, kSize, nSize));
        int[] shape = new int[nb + nfa + freeB.size()];
        System.arraycopy(sa, 0, shape, 0, nb + nfa);
        System.arraycopy(sb, nb + nc, shape, nb + nfa, freeB.size());
        List<Integer> labels = new ArrayList<>(batch);
        labels.addAll(freeA);
        labels.addAll(freeB);
        return new Labeled(r.reshape(shape), labels.stream().mapToInt(Integer::intValue).toArray());
    }

    private static boolean contains(int[] ls, int l) {
        for (int x : ls) {
            if (x == l) {
                return true;
            }
        }
        return false;
    }

    private static int[] positions(int[] labels, List<Integer> order) {
        int[] perm = new int[order.size()];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = indexOf(labels, order.get(i), labels.length);
        }
        return perm;
    }

    private static int prod(int[] s, int from, int to) {
        int p = 1;
        for (int i = from; i < to; i++) {
            p *= s[i];
        }
        return p;
    }

    private static Tensor permuteTo(Tensor t, int[] labels, int[] output) {
        List<Integer> order = new ArrayList<>();
        for (int l : output) {
            order.add(l);
        }
        int[] perm = positions(labels, order);
        boolean identity = true;
        for (int i = 0; i < perm.length; i++) {
            identity &= perm[i] == i;
        }
        return identity ? t : t.permute(perm);
    }

    /** PyTorch's message: each operand's shape and its shape remapped to all subscripts (output's first). */
    private static String broadcastMessage(Parsed p, Tensor[] operands) {
        List<Integer> order = new ArrayList<>();
        for (int l : p.output()) {
            order.add(l);
        }
        for (int[] ls : p.labels()) { // ellipsis dims summed away come next, then the summed letters in order
            for (int l : ls) {
                if (l >= LETTERS && !order.contains(l)) {
                    order.add(l);
                }
            }
        }
        List<Integer> summed = new ArrayList<>();
        for (int[] ls : p.labels()) {
            for (int l : ls) {
                if (l < LETTERS && !order.contains(l) && !summed.contains(l)) {
                    summed.add(l);
                }
            }
        }
        summed.sort(null);
        order.addAll(summed);
        StringBuilder msg = new StringBuilder("einsum(): operands do not broadcast with remapped shapes "
                + "(original->remapped):");
        for (int i = 0; i < operands.length; i++) {
            int[] shape = operands[i].shapeUnsafe();
            int[] ls = p.labels()[i];
            long[] remapped = new long[order.size()];
            for (int k = 0; k < remapped.length; k++) {
                int at = indexOf(ls, order.get(k), ls.length);
                remapped[k] = at < 0 ? 1 : shape[at];
            }
            msg.append(' ').append(Arrays.toString(shape)).append("->").append(Arrays.toString(remapped));
        }
        return msg.toString();
    }
}
