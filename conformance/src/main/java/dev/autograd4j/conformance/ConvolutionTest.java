package dev.autograd4j.conformance;

import static dev.autograd4j.conformance.GradCheckOpsTest.all;
import static dev.autograd4j.conformance.GradCheckOpsTest.named;
import static dev.autograd4j.conformance.GradChecks.check;
import static dev.autograd4j.conformance.GradChecks.randn;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.Convolution;
import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Tensor;
import dev.autograd4j.debug.GradCheck;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.function.Executable;

/**
 * Convolutions (issue 13): conv1d, conv2d (stride, padding incl. "same"/"valid", dilation, groups, bias),
 * convTranspose2d (stride, padding, output padding, groups, dilation), unfold and fold. Values against a direct
 * (loop) convolution written here, gradcheck and gradgradcheck in float64 on every device, the node name
 * {@code ConvolutionBackward0}, and PyTorch's messages for bad input.
 */
@DisplayNameGeneration(ConformanceNames.class)
class ConvolutionTest {

    /** A direct 2-D convolution on host arrays: x [n, c, h, w], w [o, c / groups, kh, kw], padding per side. */
    static double[] directConv(double[] x, int[] xs, double[] w, int[] ws, double[] b, int[] stride, int[] pad,
                               int[] dil, int groups, int[] outHw) {
        int n = xs[0], c = xs[1], h = xs[2], wd = xs[3], o = ws[0], cg = ws[1], kh = ws[2], kw = ws[3];
        int oh = outHw[0], ow = outHw[1], og = o / groups;
        double[] out = new double[n * o * oh * ow];
        for (int in = 0; in < n; in++) {
            for (int oc = 0; oc < o; oc++) {
                int grp = oc / og;
                for (int y = 0; y < oh; y++) {
                    for (int xx = 0; xx < ow; xx++) {
                        double s = b == null ? 0 : b[oc];
                        for (int ci = 0; ci < cg; ci++) {
                            int ic = grp * cg + ci;
                            for (int i = 0; i < kh; i++) {
                                for (int j = 0; j < kw; j++) {
                                    int r = y * stride[0] - pad[0] + i * dil[0];
                                    int q = xx * stride[1] - pad[1] + j * dil[1];
                                    if (r >= 0 && r < h && q >= 0 && q < wd) {
                                        s += x[((in * c + ic) * h + r) * wd + q] * w[((oc * cg + ci) * kh + i) * kw + j];
                                    }
                                }
                            }
                        }
                        out[((in * o + oc) * oh + y) * ow + xx] = s;
                    }
                }
            }
        }
        return out;
    }

    /** A direct transposed convolution: every input pixel scatters weight * value into the output. */
    static double[] directConvTranspose(double[] x, int[] xs, double[] w, int[] ws, int groups, int[] stride,
                                        int[] pad, int[] dil, int[] outHw) {
        int n = xs[0], c = xs[1], h = xs[2], wd = xs[3], og = ws[1], kh = ws[2], kw = ws[3], o = og * groups;
        int cg = c / groups, oh = outHw[0], ow = outHw[1];
        double[] out = new double[n * o * oh * ow];
        for (int in = 0; in < n; in++) {
            for (int ic = 0; ic < c; ic++) {
                int grp = ic / cg;
                for (int y = 0; y < h; y++) {
                    for (int xx = 0; xx < wd; xx++) {
                        double v = x[((in * c + ic) * h + y) * wd + xx];
                        for (int oc = 0; oc < og; oc++) {
                            for (int i = 0; i < kh; i++) {
                                for (int j = 0; j < kw; j++) {
                                    int r = y * stride[0] - pad[0] + i * dil[0];
                                    int q = xx * stride[1] - pad[1] + j * dil[1];
                                    if (r >= 0 && r < oh && q >= 0 && q < ow) {
                                        out[((in * o + grp * og + oc) * oh + r) * ow + q] +=
                                                v * w[((ic * og + oc) * kh + i) * kw + j];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    private static double[] host(Tensor t) {
        return t.detach().to(DType.FLOAT64).toDoubleArray();
    }

    private static void close(double[] expected, Tensor actual, double tol) {
        assertArrayEquals(expected, host(actual), tol);
    }

    private static String message(Class<? extends Throwable> type, Executable e) {
        return assertThrows(type, e).getMessage();
    }

    /** One conv2d configuration: input and weight shapes, stride, padding, dilation, groups. */
    private record Config(String name, int[] xs, int[] ws, int[] stride, int[] pad, int[] dil, int groups,
                          boolean bias) {
        int[] outHw() {
            int oh = (xs[2] + 2 * pad[0] - dil[0] * (ws[2] - 1) - 1) / stride[0] + 1;
            int ow = (xs[3] + 2 * pad[1] - dil[1] * (ws[3] - 1) - 1) / stride[1] + 1;
            return new int[] {oh, ow};
        }
    }

    private static final Config[] CONFIGS = {
        new Config("plain with bias", new int[] {2, 3, 5, 6}, new int[] {4, 3, 3, 2}, new int[] {1, 1},
                new int[] {0, 0}, new int[] {1, 1}, 1, true),
        new Config("stride 2 padding 1", new int[] {1, 2, 6, 5}, new int[] {3, 2, 3, 3}, new int[] {2, 2},
                new int[] {1, 1}, new int[] {1, 1}, 1, true),
        new Config("uneven stride and padding", new int[] {2, 2, 5, 7}, new int[] {2, 2, 2, 3}, new int[] {1, 3},
                new int[] {2, 1}, new int[] {1, 1}, 1, false),
        new Config("dilation 2", new int[] {1, 2, 7, 7}, new int[] {2, 2, 3, 3}, new int[] {1, 1},
                new int[] {1, 1}, new int[] {2, 2}, 1, true),
        new Config("groups 2", new int[] {2, 4, 5, 5}, new int[] {6, 2, 3, 3}, new int[] {1, 2},
                new int[] {1, 0}, new int[] {1, 1}, 2, true),
        new Config("depthwise", new int[] {1, 3, 4, 4}, new int[] {3, 1, 2, 2}, new int[] {1, 1},
                new int[] {0, 0}, new int[] {1, 2}, 3, false),
    };

    @AllDevices
    void conv2d(Device d) {
        List<Executable> cases = new ArrayList<>();
        long seed = 10;
        for (Config cfg : CONFIGS) {
            Tensor x = randn(d, seed++, cfg.xs), w = randn(d, seed++, cfg.ws);
            Tensor b = cfg.bias ? randn(d, seed++, cfg.ws[0]) : null;
            cases.add(named(cfg.name + " values", () -> close(directConv(host(x), cfg.xs, host(w), cfg.ws,
                    b == null ? null : host(b), cfg.stride, cfg.pad, cfg.dil, cfg.groups, cfg.outHw()),
                    Convolution.conv2d(x, w, b, cfg.stride, cfg.pad, cfg.dil, cfg.groups), 1e-12)));
            cases.add(named(cfg.name + " gradcheck", () -> {
                if (b == null) {
                    check(in -> Convolution.conv2d(in.get(0), in.get(1), null, cfg.stride, cfg.pad, cfg.dil,
                            cfg.groups), x, w);
                } else {
                    check(in -> Convolution.conv2d(in.get(0), in.get(1), in.get(2), cfg.stride, cfg.pad, cfg.dil,
                            cfg.groups), x, w, b);
                }
            }));
        }
        cases.add(named("gradgradcheck", () -> assertTrue(GradCheck.gradgradcheck(
                in -> Convolution.conv2d(in[0], in[1], in[2], new int[] {2, 1}, new int[] {1}, new int[] {1, 2}, 2),
                randn(d, 1, 1, 4, 5, 5), randn(d, 2, 2, 2, 2, 2), randn(d, 3, 2)))));
        // a batch with one group: the product runs as one GEMM over the whole batch
        cases.add(named("gradgradcheck batched", () -> assertTrue(GradCheck.gradgradcheck(
                in -> Convolution.conv2d(in[0], in[1], in[2], new int[] {1, 2}, new int[] {1, 0}, new int[] {1}, 1),
                randn(d, 30, 3, 2, 4, 5), randn(d, 31, 3, 2, 2, 3), randn(d, 32, 3)))));
        cases.add(named("node name and shape", () -> {
            Tensor y = Convolution.conv2d(randn(d, 4, 2, 3, 5, 5), randn(d, 5, 4, 3, 3, 3), null);
            assertEquals("ConvolutionBackward0", y.gradFn().name());
            assertArrayEquals(new int[] {2, 4, 3, 3}, y.shape().toArray());
        }));
        cases.add(named("unbatched", () -> {
            Tensor x = randn(d, 6, 3, 5, 5), w = randn(d, 7, 2, 3, 3, 3), b = randn(d, 8, 2);
            Tensor y = Convolution.conv2d(x, w, b);
            assertArrayEquals(new int[] {2, 3, 3}, y.shape().toArray());
            assertEquals("ConvolutionBackward0", y.gradFn().name());
            close(host(Convolution.conv2d(x.unsqueeze(0), w, b)), y, 1e-12);
            check(in -> Convolution.conv2d(in.get(0), in.get(1), in.get(2)), x, w, b);
        }));
        cases.add(named("padding same, even kernel (extra padding bottom-right)", () -> {
            Tensor x = randn(d, 9, 1, 2, 5, 6), w = randn(d, 10, 3, 2, 4, 2);
            Tensor y = Convolution.conv2d(x, w, null, new int[] {1}, "same", new int[] {1, 2}, 1);
            assertArrayEquals(new int[] {1, 3, 5, 6}, y.shape().toArray());
            // total padding 3 rows (1 top, 2 bottom) and 2 columns (1 left, 1 right): the direct conv over an
            // input padded by hand with zeros
            Tensor padded = Tensor.zeros(dev.autograd4j.Shape.of(1, 2, 8, 8), DType.FLOAT64, d);
            double[] px = host(padded), hx = host(x);
            for (int c = 0; c < 2; c++) {
                for (int r = 0; r < 5; r++) {
                    for (int q = 0; q < 6; q++) {
                        px[(c * 8 + r + 1) * 8 + q + 1] = hx[(c * 5 + r) * 6 + q];
                    }
                }
            }
            close(directConv(px, new int[] {1, 2, 8, 8}, host(w), new int[] {3, 2, 4, 2}, null, new int[] {1, 1},
                    new int[] {0, 0}, new int[] {1, 2}, 1, new int[] {5, 6}), y, 1e-12);
            check(in -> Convolution.conv2d(in.get(0), in.get(1), null, new int[] {1}, "same", new int[] {1, 2}, 1),
                    x, w);
        }));
        cases.add(named("padding valid", () -> {
            Tensor x = randn(d, 11, 1, 1, 4, 4), w = randn(d, 12, 1, 1, 3, 3);
            close(host(Convolution.conv2d(x, w, null)), Convolution.conv2d(x, w, null, new int[] {1}, "valid",
                    new int[] {1}, 1), 0);
        }));
        cases.add(named("float32", () -> {
            Tensor x = randn(d, 13, 2, 3, 6, 6), w = randn(d, 14, 4, 3, 3, 3);
            Tensor y = Convolution.conv2d(x.to(DType.FLOAT32), w.to(DType.FLOAT32), null, new int[] {1},
                    new int[] {1}, new int[] {1}, 1);
            assertEquals(DType.FLOAT32, y.dtype());
            close(host(Convolution.conv2d(x, w, null, new int[] {1}, new int[] {1}, new int[] {1}, 1)), y, 1e-4);
        }));
        cases.add(named("float32 weight gradient", () -> {
            // few weights (5 x 18): the CPU's fused Backend.convWeightGradient, in blocks of 4 samples (6 here)
            Tensor x = randn(d, 20, 6, 2, 9, 9), w = randn(d, 21, 5, 2, 3, 3), r = randn(d, 22, 6, 5, 9, 9);
            Tensor w32 = w.to(DType.FLOAT32).detach().requiresGrad(true);
            Convolution.conv2d(x.to(DType.FLOAT32), w32, null, new int[] {1}, new int[] {1}, new int[] {1}, 1)
                    .mul(r.to(DType.FLOAT32)).sum().backward();
            Tensor w64 = w.detach().requiresGrad(true);
            Convolution.conv2d(x, w64, null, new int[] {1}, new int[] {1}, new int[] {1}, 1).mul(r).sum().backward();
            assertEquals(DType.FLOAT32, w32.grad().dtype());
            close(host(w64.grad()), w32.grad(), 1e-3);
        }));
        cases.add(named("input gradient of a batch whose columns exceed a chunk", () -> {
            // 5 x [4 * 25, 24 * 24] float64 columns (450 KiB a sample): the CPU takes the batch in chunks of 2, 2, 1
            Tensor x = randn(d, 17, 5, 4, 24, 24), w = randn(d, 18, 3, 4, 5, 5), r = randn(d, 19, 5, 3, 24, 24);
            Convolution.conv2d(x, w, null, new int[] {1}, new int[] {2}, new int[] {1}, 1).mul(r).sum().backward();
            close(directConvTranspose(host(r), new int[] {5, 3, 24, 24}, host(w), new int[] {3, 4, 5, 5}, 1,
                    new int[] {1, 1}, new int[] {2, 2}, new int[] {1, 1}, new int[] {24, 24}), x.grad(), 1e-10);
            Tensor x1 = x.detach().narrow(0, 3, 1).requiresGrad(true);
            Convolution.conv2d(x1, w.detach(), null, new int[] {1}, new int[] {2}, new int[] {1}, 1)
                    .mul(r.detach().narrow(0, 3, 1)).sum().backward();
            close(host(x.grad().narrow(0, 3, 1)), x1.grad(), 0);
        }));
        cases.add(named("non-contiguous input", () -> {
            Tensor x = randn(d, 15, 2, 3, 5, 4), w = randn(d, 16, 2, 3, 2, 2);
            Tensor xt = x.transpose(2, 3);
            close(host(Convolution.conv2d(xt.contiguous(), w, null)), Convolution.conv2d(xt, w, null), 1e-12);
        }));
        all(cases);
    }

    @AllDevices
    void conv1d(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor x = randn(d, 20, 2, 4, 9), w = randn(d, 21, 6, 2, 3), b = randn(d, 22, 6);
        cases.add(named("values", () -> close(directConv(host(x), new int[] {2, 4, 1, 9}, host(w),
                new int[] {6, 2, 1, 3}, host(b), new int[] {1, 2}, new int[] {0, 1}, new int[] {1, 2}, 2,
                new int[] {1, 4}), Convolution.conv1d(x, w, b, 2, 1, 2, 2), 1e-12)));
        cases.add(named("gradcheck", () -> check(in -> Convolution.conv1d(in.get(0), in.get(1), in.get(2), 2, 1, 2,
                2), x, w, b)));
        cases.add(named("same, node name, unbatched", () -> {
            Tensor y = Convolution.conv1d(x.select(0, 0), w.narrow(1, 0, 1).narrow(0, 0, 4).contiguous(), null, 1,
                    "same", 1, 4);
            assertArrayEquals(new int[] {4, 9}, y.shape().toArray());
            assertEquals("ConvolutionBackward0", y.gradFn().name());
            check(in -> Convolution.conv1d(in.get(0), in.get(1), null, 1, "same", 3, 1), randn(d, 23, 2, 8),
                    randn(d, 24, 3, 2, 2));
        }));
        cases.add(named("rank", () -> assertEquals("Expected 2D (unbatched) or 3D (batched) input to conv1d, but got "
                + "input of size: [5]", message(IllegalArgumentException.class,
                        () -> Convolution.conv1d(Tensor.zeros(5).to(d), w, null, 1, 0, 1, 1)))));
        all(cases);
    }

    @AllDevices
    void convTranspose2d(Device d) {
        List<Executable> cases = new ArrayList<>();
        int[][] settings = { // stride, padding, output padding, dilation (per dim), groups
            {1, 1, 0, 0, 0, 0, 1, 1, 1},
            {2, 2, 1, 0, 1, 0, 1, 1, 1},
            {2, 3, 0, 1, 0, 2, 1, 1, 2},
            {1, 2, 1, 1, 0, 1, 2, 2, 1},
        };
        long seed = 30;
        for (int[] s : settings) {
            int[] st = {s[0], s[1]}, pd = {s[2], s[3]}, op = {s[4], s[5]}, dl = {s[6], s[7]};
            int groups = s[8];
            int[] xs = {2, 2 * groups, 3, 4}, ws = {2 * groups, 2, 3, 2};
            int oh = (xs[2] - 1) * st[0] - 2 * pd[0] + dl[0] * (ws[2] - 1) + op[0] + 1;
            int ow = (xs[3] - 1) * st[1] - 2 * pd[1] + dl[1] * (ws[3] - 1) + op[1] + 1;
            Tensor x = randn(d, seed++, xs), w = randn(d, seed++, ws), b = randn(d, seed++, 2 * groups);
            String name = java.util.Arrays.toString(s);
            cases.add(named(name + " values", () -> {
                double[] expected = directConvTranspose(host(x), xs, host(w), ws, groups, st, pd, dl,
                        new int[] {oh, ow});
                double[] hb = host(b);
                int plane = oh * ow;
                for (int i = 0; i < expected.length; i++) {
                    expected[i] += hb[(i / plane) % (2 * groups)];
                }
                Tensor y = Convolution.convTranspose2d(x, w, b, st, pd, op, groups, dl);
                assertArrayEquals(new int[] {2, 2 * groups, oh, ow}, y.shape().toArray());
                close(expected, y, 1e-12);
                assertEquals("ConvolutionBackward0", y.gradFn().name());
            }));
            cases.add(named(name + " gradcheck", () -> check(in -> Convolution.convTranspose2d(in.get(0), in.get(1),
                    in.get(2), st, pd, op, groups, dl), x, w, b)));
        }
        cases.add(named("gradgradcheck", () -> assertTrue(GradCheck.gradgradcheck(
                in -> Convolution.convTranspose2d(in[0], in[1], null, new int[] {2}, new int[] {1}, new int[] {1}, 1,
                        new int[] {1}), randn(d, 40, 1, 2, 3, 3), randn(d, 41, 2, 2, 3, 3)))));
        cases.add(named("adjoint of conv2d", () -> {
            Tensor x = randn(d, 42, 1, 2, 7, 7), w = randn(d, 43, 3, 2, 3, 3);
            Tensor y = Convolution.conv2d(x, w, null, new int[] {2}, new int[] {1}, new int[] {1}, 1);
            Tensor g = randn(d, 44, y.shape().toArray());
            double lhs = y.mul(g).sum().item();
            double rhs = x.mul(Convolution.convTranspose2d(g, w, null, new int[] {2}, new int[] {1}, new int[] {0},
                    1, new int[] {1})).sum().item();
            assertEquals(lhs, rhs, 1e-9);
        }));
        cases.add(named("output padding too large", () -> assertEquals("output padding must be smaller than either "
                + "stride or dilation, but got output_padding_height: 2 output_padding_width: 2 stride_height: 2 "
                + "stride_width: 2 dilation_height: 1 dilation_width: 1", message(IllegalArgumentException.class,
                        () -> Convolution.convTranspose2d(Tensor.zeros(1, 2, 3, 3).to(d), Tensor.zeros(2, 2, 3, 3)
                                .to(d), null, new int[] {2}, new int[] {0}, new int[] {2}, 1, new int[] {1})))));
        cases.add(named("channels", () -> assertEquals("Given transposed=1, weight of size [4, 3, 3, 3], expected "
                + "input[2, 5, 5, 5] to have 4 channels, but got 5 channels instead",
                message(IllegalArgumentException.class, () -> Convolution.convTranspose2d(
                        Tensor.zeros(2, 5, 5, 5).to(d), Tensor.zeros(4, 3, 3, 3).to(d), null, new int[] {1},
                        new int[] {0}, new int[] {0}, 1, new int[] {1})))));
        all(cases);
    }

    @AllDevices
    void unfoldAndFold(Device d) {
        List<Executable> cases = new ArrayList<>();
        cases.add(named("unfold values", () -> {
            Tensor x = Tensor.arange(1, 10, 1, DType.FLOAT64, d).reshape(1, 1, 3, 3);
            Tensor cols = Convolution.unfold(x, new int[] {2}, new int[] {1}, new int[] {0}, new int[] {1});
            assertArrayEquals(new int[] {1, 4, 4}, cols.shape().toArray());
            close(new double[] {1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9}, cols, 0);
        }));
        cases.add(named("unfold padded and strided", () -> {
            Tensor x = Tensor.arange(1, 5, 1, DType.FLOAT64, d).reshape(1, 2, 2);
            Tensor cols = Convolution.unfold(x, new int[] {2, 1}, new int[] {1}, new int[] {1, 0}, new int[] {2, 1});
            assertArrayEquals(new int[] {2, 4}, cols.shape().toArray());
            close(new double[] {0, 0, 3, 4, 1, 2, 0, 0}, cols, 0);
        }));
        cases.add(named("fold sums overlaps", () -> {
            Tensor ones = Tensor.ones(dev.autograd4j.Shape.of(1, 4, 4), DType.FLOAT64, d);
            Tensor img = Convolution.fold(ones, new int[] {3}, new int[] {2}, new int[] {1}, new int[] {0},
                    new int[] {1});
            close(new double[] {1, 2, 1, 2, 4, 2, 1, 2, 1}, img, 0);
            assertEquals("Col2ImBackward0", Convolution.fold(randn(d, 1, 1, 4, 4), new int[] {3}, new int[] {2},
                    new int[] {1}, new int[] {0}, new int[] {1}).gradFn().name());
        }));
        cases.add(named("gradcheck", () -> {
            check(in -> Convolution.unfold(in.get(0), new int[] {2, 3}, new int[] {1, 2}, new int[] {1},
                    new int[] {2, 1}), randn(d, 50, 2, 2, 5, 6));
            check(in -> Convolution.fold(in.get(0), new int[] {4, 5}, new int[] {2}, new int[] {1}, new int[] {1},
                    new int[] {2}), randn(d, 51, 2, 8, 9));
            assertEquals("Im2ColBackward0", Convolution.unfold(randn(d, 52, 1, 1, 3, 3), new int[] {2},
                    new int[] {1}, new int[] {0}, new int[] {1}).gradFn().name());
        }));
        cases.add(named("gradgradcheck", () -> assertTrue(GradCheck.gradgradcheck(in -> Convolution.unfold(
                in[0].square(), new int[] {2}, new int[] {1}, new int[] {1}, new int[] {1}), randn(d, 53, 1, 1, 3, 3)))));
        cases.add(named("fold size mismatch", () -> assertEquals("Given output_size=(3, 3), kernel_size=(2, 2), "
                + "dilation=(1, 1), padding=(0, 0), stride=(1, 1), expected size of input's dimension 2 to match the "
                + "calculated number of sliding blocks 2 * 2 = 4, but got input.size(2)=5.",
                message(IllegalArgumentException.class, () -> Convolution.fold(Tensor.zeros(1, 4, 5).to(d),
                        new int[] {3}, new int[] {2}, new int[] {1}, new int[] {0}, new int[] {1})))));
        cases.add(named("unfold rank", () -> assertEquals("Input Error: Only 3D or 4D input Tensors are supported "
                + "(got 2D)", message(IllegalArgumentException.class, () -> Convolution.unfold(
                        Tensor.zeros(3, 3).to(d), new int[] {2}, new int[] {1}, new int[] {0}, new int[] {1})))));
        all(cases);
    }

    @AllDevices
    void badInput(Device d) {
        List<Executable> cases = new ArrayList<>();
        Tensor w = Tensor.zeros(8, 3, 3, 3).to(d);
        cases.add(named("rank", () -> assertEquals("Expected 3D (unbatched) or 4D (batched) input to conv2d, but got "
                + "input of size: [5, 5]", message(IllegalArgumentException.class,
                        () -> Convolution.conv2d(Tensor.zeros(5, 5).to(d), w, null)))));
        cases.add(named("channels", () -> assertEquals("Given groups=1, weight of size [8, 3, 3, 3], expected "
                + "input[2, 4, 5, 5] to have 3 channels, but got 4 channels instead",
                message(IllegalArgumentException.class,
                        () -> Convolution.conv2d(Tensor.zeros(2, 4, 5, 5).to(d), w, null)))));
        cases.add(named("unbatched channels", () -> assertEquals("Given groups=1, weight of size [8, 3, 3, 3], "
                + "expected input[1, 4, 5, 5] to have 3 channels, but got 4 channels instead",
                message(IllegalArgumentException.class,
                        () -> Convolution.conv2d(Tensor.zeros(4, 5, 5).to(d), w, null)))));
        cases.add(named("groups", () -> assertEquals("Given groups=2, expected weight to be divisible by 2 at "
                + "dimension 0, but got weight of size [3, 2, 3, 3] instead", message(IllegalArgumentException.class,
                        () -> Convolution.conv2d(Tensor.zeros(1, 4, 5, 5).to(d), Tensor.zeros(3, 2, 3, 3).to(d), null,
                                new int[] {1}, new int[] {0}, new int[] {1}, 2)))));
        cases.add(named("kernel larger than padded input", () -> assertEquals("Calculated padded input size per "
                + "channel: (2 x 2). Kernel size: (3 x 3). Kernel size can't be greater than actual input size",
                message(IllegalArgumentException.class,
                        () -> Convolution.conv2d(Tensor.zeros(1, 3, 2, 2).to(d), w, null)))));
        cases.add(named("bias", () -> assertEquals("Given weight of size [8, 3, 3, 3], expected bias to be "
                + "1-dimensional with 8 elements, but got bias of size [7] instead",
                message(IllegalArgumentException.class, () -> Convolution.conv2d(Tensor.zeros(1, 3, 5, 5).to(d), w,
                        Tensor.zeros(7).to(d))))));
        cases.add(named("weight rank", () -> assertEquals("Expected 2-dimensional input for 2-dimensional weight "
                + "[8, 3], but got 4-dimensional input of size [1, 3, 5, 5] instead",
                message(IllegalArgumentException.class, () -> Convolution.conv2d(Tensor.zeros(1, 3, 5, 5).to(d),
                        Tensor.zeros(8, 3).to(d), null)))));
        cases.add(named("dtypes", () -> assertEquals("Input type (double) and weight type (float) should be the same",
                message(IllegalArgumentException.class, () -> Convolution.conv2d(Tensor.zeros(1, 3, 5, 5)
                        .to(DType.FLOAT64).to(d), w, null)))));
        cases.add(named("stride, padding, dilation", () -> {
            Tensor x = Tensor.zeros(1, 3, 5, 5).to(d);
            assertEquals("non-positive stride is not supported", message(IllegalArgumentException.class,
                    () -> Convolution.conv2d(x, w, null, new int[] {0}, new int[] {0}, new int[] {1}, 1)));
            assertEquals("negative padding is not supported", message(IllegalArgumentException.class,
                    () -> Convolution.conv2d(x, w, null, new int[] {1}, new int[] {-1}, new int[] {1}, 1)));
            assertEquals("dilation should be greater than zero", message(IllegalArgumentException.class,
                    () -> Convolution.conv2d(x, w, null, new int[] {1}, new int[] {0}, new int[] {0}, 1)));
            assertEquals("padding='same' is not supported for strided convolutions",
                    message(IllegalArgumentException.class,
                            () -> Convolution.conv2d(x, w, null, new int[] {2}, "same", new int[] {1}, 1)));
            assertEquals("Invalid padding string 'full'", message(IllegalArgumentException.class,
                    () -> Convolution.conv2d(x, w, null, new int[] {1}, "full", new int[] {1}, 1)));
        }));
        cases.add(named("integer input", () -> assertEquals("\"conv2d\" not implemented for 'Long'",
                message(IllegalArgumentException.class, () -> Convolution.conv2d(Tensor.zeros(1, 3, 5, 5)
                        .to(DType.INT64).to(d), w.to(DType.INT64), null)))));
        all(cases);
    }
}
