package dev.autograd4j.examples;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.examples.BenchmarkHarness.Budget;
import dev.autograd4j.examples.BenchmarkHarness.Result;
import dev.autograd4j.examples.BenchmarkHarness.Timer;
import dev.autograd4j.nn.TransformerEncoderLayer;

/**
 * W7: one transformer encoder block ({@link TransformerEncoderLayer}, post-norm, ReLU, feed-forward width
 * 1024, no dropout), batch 16, sequence 128, width 256, 4 heads, float32: forward and backward of the output's
 * sum, gradients for the input and all parameters. The peers ({@code PyTorchBenchmark} on the CPU,
 * {@code scripts/gpu/bench_pytorch_gpu.py} on a GPU) time the same block.
 */
final class TransformerBlockBench {
    static final int BATCH = 16;
    static final int SEQ = 128;
    static final int WIDTH = 256;
    static final int HEADS = 4;
    static final int FEEDFORWARD = 1024;

    private TransformerBlockBench() {
    }

    static Result run(Device device, Timer timer, Budget budget) {
        Generator g = new Generator(7);
        TransformerEncoderLayer block = new TransformerEncoderLayer(WIDTH, HEADS, FEEDFORWARD, 0.0, "relu", 1e-5, true,
                false, DType.FLOAT32, device, g);
        Tensor x = Tensor.randn(Shape.of(BATCH, SEQ, WIDTH), DType.FLOAT32, device, g).requiresGrad(true);
        double[] t = timer.measure(budget.forTrainingStep().withMaxReps(100), Benchmark.scoped(() -> {
            x.setGrad(null);
            block.zeroGrad();
            block.forward(x).sum().backward();
            return x.grad();
        }));
        return new Result("W7", "transformer block fwd+bwd b=16 s=128 d=256", t, BATCH * SEQ, "tokens/s");
    }
}
