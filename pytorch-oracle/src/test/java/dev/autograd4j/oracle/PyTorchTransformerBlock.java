package dev.autograd4j.oracle;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.autograd4j.examples.BenchmarkHarness.Budget;
import dev.autograd4j.examples.BenchmarkHarness.Result;

/**
 * W7's peer: the block of {@code nn.TransformerEncoderLayer(256, 4, 1024, dropout=0, batch_first=True)}
 * (post-norm, ReLU) built from libtorch ops through DJL, which binds no attention or encoder layer: packed
 * input projection, 4-head scaled dot-product attention (matmul, softmax, matmul), output projection, residual
 * and {@code torch::layer_norm}, feed-forward 256-1024-256, residual and layer norm. Forward and backward of
 * the output's sum, batch 16, sequence 128, float32.
 */
final class PyTorchTransformerBlock {
    static final int B = 16;
    static final int S = 128;
    static final int D = 256;
    static final int H = 4;
    static final int F = 1024;

    private PyTorchTransformerBlock() {
    }

    private static PtNDArray pt(NDArray a) {
        return (PtNDArray) a;
    }

    static Result run(NDManager base, PyTorchBenchmark.Timer timer, Budget budget) {
        NDManager params = base.newSubManager();
        try {
            NDArray x = params.randomNormal(new Shape(B, S, D), DataType.FLOAT32);
            NDArray inW = params.randomNormal(0f, (float) Math.sqrt(1.0 / D), new Shape(3 * D, D), DataType.FLOAT32);
            NDArray inB = params.zeros(new Shape(3 * D), DataType.FLOAT32);
            NDArray outW = params.randomNormal(0f, (float) Math.sqrt(1.0 / D), new Shape(D, D), DataType.FLOAT32);
            NDArray outB = params.zeros(new Shape(D), DataType.FLOAT32);
            NDArray w1 = params.randomNormal(0f, (float) Math.sqrt(1.0 / D), new Shape(F, D), DataType.FLOAT32);
            NDArray b1 = params.zeros(new Shape(F), DataType.FLOAT32);
            NDArray w2 = params.randomNormal(0f, (float) Math.sqrt(1.0 / F), new Shape(D, F), DataType.FLOAT32);
            NDArray b2 = params.zeros(new Shape(D), DataType.FLOAT32);
            NDArray g1 = params.ones(new Shape(D), DataType.FLOAT32);
            NDArray be1 = params.zeros(new Shape(D), DataType.FLOAT32);
            NDArray g2 = params.ones(new Shape(D), DataType.FLOAT32);
            NDArray be2 = params.zeros(new Shape(D), DataType.FLOAT32);
            NDArray scale = params.create((float) (1.0 / Math.sqrt(D / H)));
            NDArray[] all = {x, inW, inB, outW, outB, w1, b1, w2, b2, g1, be1, g2, be2};
            for (NDArray p : all) {
                p.setRequiresGradient(true);
            }
            double[] t = timer.measure(budget.forTrainingStep().withMaxReps(100), m -> {
                for (NDArray p : all) {
                    PyTorchBenchmark.zeroGrad(p, m);
                }
                NDArray loss;
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray qkv = x.matMul(inW.transpose()).add(inB);
                    qkv.attach(m);
                    int dh = D / H;
                    NDArray q = qkv.get(":, :, 0:" + D).reshape(B, S, H, dh).transpose(0, 2, 1, 3);
                    NDArray k = qkv.get(":, :, " + D + ":" + 2 * D).reshape(B, S, H, dh).transpose(0, 2, 3, 1);
                    NDArray v = qkv.get(":, :, " + 2 * D + ":").reshape(B, S, H, dh).transpose(0, 2, 1, 3);
                    NDArray attn = q.mul(scale).matMul(k).softmax(-1);
                    NDArray o = attn.matMul(v).transpose(0, 2, 1, 3).reshape(B, S, D);
                    NDArray a = o.matMul(outW.transpose()).add(outB);
                    NDArray x1 = JniUtils.layerNorm(pt(x.add(a)), new Shape(D), pt(g1), pt(be1), 1e-5);
                    x1.attach(m);
                    NDArray f = Activation.relu(x1.matMul(w1.transpose()).add(b1)).matMul(w2.transpose()).add(b2);
                    NDArray y = JniUtils.layerNorm(pt(x1.add(f)), new Shape(D), pt(g2), pt(be2), 1e-5);
                    y.attach(m);
                    loss = y.sum();
                    gc.backward(loss);
                }
                return loss;
            });
            return new Result("W7", "transformer block fwd+bwd b=16 s=128 d=256", t, B * S, "tokens/s");
        } finally {
            params.close();
        }
    }
}
