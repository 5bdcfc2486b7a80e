package dev.autograd4j;

import dev.autograd4j.spi.Layout;
import java.util.Locale;

/** PyTorch's tensor printing (torch/_tensor_str.py): precision 4, shared width, summarised past 1000 elements. */
final class TensorFormatter {
    private static final int PRECISION = 4;
    private static final int THRESHOLD = 1000;
    private static final int EDGE_ITEMS = 3;
    private static final int LINE_WIDTH = 80;
    private static final String PREFIX = "tensor(";

    private TensorFormatter() {
    }

    static String format(Tensor t) {
        StringBuilder sb = new StringBuilder(PREFIX);
        // int64 prints its exact values: the walk below then carries element indices instead of the values
        long[] longs = t.dtype() == DType.INT64 ? t.toLongArray() : null;
        double[] values = longs == null ? t.toDoubleArray() : java.util.stream.IntStream.range(0, longs.length)
                .asDoubleStream().toArray();
        int[] shape = t.shape().toArray();
        boolean summarize = values.length > THRESHOLD;
        ElementFormat fmt = new ElementFormat(t.dtype(), values, longs, summarize);
        if (values.length == 0) {
            sb.append("[]");
        } else {
            int[] strides = Layout.contiguous(shape).strides();
            appendDim(sb, values, shape, strides, 0, 0, fmt, PREFIX.length(), summarize);
        }
        if (t.device().isCuda()) {
            sb.append(", device='").append(t.device()).append('\'');
        }
        if (values.length == 0 && !(shape.length == 1 && shape[0] == 0)) {
            sb.append(", size=(");
            for (int i = 0; i < shape.length; i++) {
                sb.append(shape[i]).append(i + 1 < shape.length || shape.length == 1 ? ", " : "");
            }
            sb.setLength(shape.length == 1 ? sb.length() - 1 : sb.length());
            sb.append(')');
        }
        if (t.dtype() == DType.FLOAT64) {
            sb.append(", dtype=").append(t.dtype());
        }
        if (t.gradFn() != null) {
            sb.append(", grad_fn=<").append(t.gradFn().name()).append('>');
        } else if (t.requiresGrad()) {
            sb.append(", requires_grad=True");
        }
        return sb.append(')').toString();
    }

    private static void appendDim(StringBuilder sb, double[] v, int[] shape, int[] strides, int dim, int offset,
                                  ElementFormat fmt, int indent, boolean summarize) {
        if (dim == shape.length) {
            sb.append(fmt.format(v[offset]));
            return;
        }
        int n = shape[dim];
        boolean cut = summarize && n > 2 * EDGE_ITEMS;
        sb.append('[');
        if (dim == shape.length - 1) {
            int perLine = Math.max(1, (LINE_WIDTH - indent - 1) / (fmt.width + 2));
            int printed = 0;
            for (int i = 0; i < n; i++) {
                if (cut && i == EDGE_ITEMS) {
                    sb.append("...");
                    i = n - EDGE_ITEMS;
                    sb.append(", ");
                    printed++;
                }
                if (printed > 0 && printed % perLine == 0) {
                    sb.setLength(sb.length() - 1);
                    sb.append('\n').append(" ".repeat(indent + 1));
                }
                sb.append(fmt.format(v[offset + i * strides[dim]]));
                if (i + 1 < n) {
                    sb.append(", ");
                }
                printed++;
            }
        } else {
            String separator = "," + "\n".repeat(shape.length - dim - 1) + " ".repeat(indent + 1);
            for (int i = 0; i < n; i++) {
                if (cut && i == EDGE_ITEMS) {
                    sb.append("...").append(separator);
                    i = n - EDGE_ITEMS;
                }
                appendDim(sb, v, shape, strides, dim + 1, offset + i * strides[dim], fmt, indent + 1, summarize);
                if (i + 1 < n) {
                    sb.append(separator);
                }
            }
        }
        sb.append(']');
    }

    /** How every element of one tensor is written, so that all share one width. */
    private static final class ElementFormat {
        private final DType dtype;
        private final long[] longs;
        private final boolean intMode;
        private final boolean sciMode;
        final int width;

        ElementFormat(DType dtype, double[] values, long[] longs, boolean summarize) {
            this.dtype = dtype;
            this.longs = longs;
            double max = 0, min = Double.POSITIVE_INFINITY;
            boolean allInts = true;
            for (double x : values) {
                if (Double.isFinite(x) && x != 0) {
                    double a = Math.abs(x);
                    max = Math.max(max, a);
                    min = Math.min(min, a);
                    allInts &= x == Math.rint(x);
                }
            }
            boolean any = max > 0;
            this.intMode = allInts;
            if (!dtype.isFloatingPoint() || !any) {
                this.sciMode = false;
            } else if (allInts) {
                this.sciMode = max / min > 1000 || max > 1e8;
            } else {
                this.sciMode = max / min > 1000 || max > 1e8 || min < 1e-4;
            }
            int w = 0;
            for (double x : values) {
                w = Math.max(w, raw(x).length());
            }
            this.width = w;
        }

        private String raw(double x) {
            if (dtype == DType.BOOL) {
                return x != 0 ? "True" : "False";
            }
            if (dtype == DType.INT64) {
                return Long.toString(longs[(int) x]);
            }
            if (Double.isNaN(x)) {
                return "nan";
            }
            if (Double.isInfinite(x)) {
                return x > 0 ? "inf" : "-inf";
            }
            if (sciMode) {
                String s = String.format(Locale.ROOT, "%." + PRECISION + "e", x);
                // Java writes e-05 as e-05 already; PyTorch too. Keep two exponent digits.
                return s;
            }
            if (intMode) {
                return String.format(Locale.ROOT, "%.0f", x) + ".";
            }
            return String.format(Locale.ROOT, "%." + PRECISION + "f", x);
        }

        String format(double x) {
            String s = raw(x);
            return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
        }
    }
}
