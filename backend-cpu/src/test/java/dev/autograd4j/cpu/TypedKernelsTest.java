package dev.autograd4j.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.autograd4j.DType;
import dev.autograd4j.spi.BinaryOp;
import dev.autograd4j.spi.Layout;
import dev.autograd4j.spi.ReduceOp;
import dev.autograd4j.spi.UnaryOp;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The typed fast paths give the op table's bits: contiguous, strided (transposed) and broadcast operands, float32
 * and float64; the column sums of a bias gradient give the sequential sums' bits.
 */
class TypedKernelsTest {
    private static final CpuBackend CPU = new CpuBackend();
    private static final int R = 37, C = 70;

    private static double[] values(int n, long seed) {
        Random random = new Random(seed);
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = (random.nextDouble() * 2 - 1) * 8;
        }
        x[3] = Double.NaN;
        x[4] = 0.0;
        x[5] = -0.0;
        x[6] = Double.POSITIVE_INFINITY;
        return x;
    }

    private static CpuStorage storage(DType dtype, double[] v) {
        if (dtype == DType.FLOAT64) {
            return new CpuStorage(dtype, v.clone());
        }
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return new CpuStorage(dtype, f);
    }

    /** The operand layouts of [R, C]: contiguous, transposed and a broadcast row. */
    private static Layout[] layouts() {
        return new Layout[] {
            Layout.contiguous(new int[] {R, C}),
            new Layout(new int[] {R, C}, new int[] {1, R}, 0),
            new Layout(new int[] {R, C}, new int[] {0, 1}, 5),
        };
    }

    private static void assertBits(double expected, double actual, String what) {
        assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(actual),
                what + ": expected " + expected + " but was " + actual);
    }

    @Test
    void binaryOpsGiveTheOpTablesBits() {
        Layout out = Layout.contiguous(new int[] {R, C});
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV,
                BinaryOp.RELU_BACKWARD, BinaryOp.SIGMOID_BACKWARD}) {
                for (Layout la : layouts()) {
                    for (Layout lb : layouts()) {
                        CpuStorage a = storage(dtype, values(R * C + 5, 1)), b = storage(dtype, values(R * C + 5, 2));
                        CpuStorage o = CpuStorage.allocate(dtype, R * C);
                        CPU.binary(op, a, la, b, lb, o, out);
                        for (int i = 0; i < R; i++) {
                            for (int j = 0; j < C; j++) {
                                double x = a.get(la.offset() + i * la.strides()[0] + j * la.strides()[1]);
                                double y = b.get(lb.offset() + i * lb.strides()[0] + j * lb.strides()[1]);
                                double want = op.apply(x, y);
                                assertBits(dtype == DType.FLOAT32 ? (float) want : want, o.get(i * C + j),
                                        op + " " + dtype + " at " + i + "," + j);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void unaryOpsGiveTheOpTablesBitsInFloat64() {
        Layout out = Layout.contiguous(new int[] {R, C});
        for (UnaryOp op : new UnaryOp[] {UnaryOp.NEG, UnaryOp.ABS, UnaryOp.RELU, UnaryOp.STEP, UnaryOp.ADD_SCALAR,
            UnaryOp.MUL_SCALAR, UnaryOp.EXP, UnaryOp.LOG, UnaryOp.SQRT, UnaryOp.SIGMOID, UnaryOp.TANH}) {
            for (Layout lx : layouts()) {
                CpuStorage x = storage(DType.FLOAT64, values(R * C + 5, 3));
                CpuStorage o = CpuStorage.allocate(DType.FLOAT64, R * C);
                CPU.unary(op, x, lx, o, out, 0.3, 0);
                for (int i = 0; i < R; i++) {
                    for (int j = 0; j < C; j++) {
                        double v = x.get(lx.offset() + i * lx.strides()[0] + j * lx.strides()[1]);
                        assertBits(op.apply(v, 0.3, 0), o.get(i * C + j), op + " at " + i + "," + j);
                    }
                }
            }
        }
    }

    @Test
    void columnSumsGiveTheSequentialSumsBits() {
        for (DType dtype : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            double[] v = values(R * C, 4);
            v[3] = 1.5; // no NaN: check every column's bits
            v[6] = -2;
            CpuStorage x = storage(dtype, v);
            // sum over dim 0 of [R, C]: the walk puts the reduced dim last, stride C
            Layout walk = new Layout(new int[] {C, R}, new int[] {1, C}, 0);
            CpuStorage o = CpuStorage.allocate(dtype, C);
            CPU.reduce(ReduceOp.SUM, x, walk, 1, o, Layout.contiguous(new int[] {C}), null, null);
            for (int j = 0; j < C; j++) {
                double acc = 0;
                for (int i = 0; i < R; i++) {
                    acc += x.get(i * C + j);
                }
                assertBits(dtype == DType.FLOAT32 ? (float) acc : acc, o.get(j), dtype + " column " + j);
            }
        }
    }
}
