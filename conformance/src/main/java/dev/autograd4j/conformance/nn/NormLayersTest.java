package dev.autograd4j.conformance.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.Attention;
import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.conformance.AllDevices;
import dev.autograd4j.conformance.ConformanceNames;
import dev.autograd4j.nn.BatchNorm1d;
import dev.autograd4j.nn.BatchNorm2d;
import dev.autograd4j.nn.Embedding;
import dev.autograd4j.nn.GELU;
import dev.autograd4j.nn.GroupNorm;
import dev.autograd4j.nn.LayerNorm;
import dev.autograd4j.nn.Linear;
import dev.autograd4j.nn.Module;
import dev.autograd4j.nn.ModuleDict;
import dev.autograd4j.nn.ModuleList;
import dev.autograd4j.nn.MultiheadAttention;
import dev.autograd4j.nn.Sequential;
import dev.autograd4j.nn.StateDict;
import dev.autograd4j.nn.TransformerEncoderLayer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layers of issue 13 and module buffers: running statistics as buffers named as PyTorch's, moved by
 * {@code to()}, saved and loaded in both file formats; train/eval behaviour; MultiheadAttention and
 * TransformerEncoderLayer state-dict names, masks and gradients.
 */
@DisplayNameGeneration(ConformanceNames.class)
class NormLayersTest {
    @TempDir
    Path dir;

    private static Tensor input(Device d, long seed, int... shape) {
        return Tensor.randn(Shape.of(shape), DType.FLOAT32, d, new Generator(seed)).mul(3.0).add(1.0);
    }

    @AllDevices
    void batchNormKeepsRunningStatisticsAsBuffers(Device d) {
        BatchNorm1d bn = new BatchNorm1d(3, 1e-5, 0.1, true, true, DType.FLOAT32, d);
        assertEquals(List.of("weight", "bias", "running_mean", "running_var", "num_batches_tracked"),
                List.copyOf(bn.stateDict().keySet()));
        assertEquals(List.of("running_mean", "running_var", "num_batches_tracked"),
                List.copyOf(bn.namedBuffers().keySet()));
        assertEquals(2, bn.parameters().size(), "buffers are not parameters");
        assertEquals(DType.INT64, bn.numBatchesTracked().dtype());
        Tensor x = input(d, 1, 8, 3);
        Tensor y = bn.forward(x);
        assertArrayEquals(new long[] {1}, bn.numBatchesTracked().toLongArray());
        float[] mean = x.mean(new int[] {0}, false).toFloatArray();
        float[] unbiased = x.var(new int[] {0}, 1, false).toFloatArray();
        float[] rm = bn.runningMean().toFloatArray();
        float[] rv = bn.runningVar().toFloatArray();
        for (int c = 0; c < 3; c++) {
            assertEquals(0.1f * mean[c], rm[c], 1e-5f);
            assertEquals(0.9f + 0.1f * unbiased[c], rv[c], 1e-4f);
        }
        // training output: zero mean, unit (biased) variance per channel
        float[] ym = y.mean(new int[] {0}, false).toFloatArray();
        for (float v : ym) {
            assertEquals(0f, v, 1e-5f);
        }
        bn.eval();
        Tensor e = bn.forward(x);
        float[] xs = x.toFloatArray();
        float[] es = e.toFloatArray();
        for (int i = 0; i < xs.length; i++) {
            int c = i % 3;
            assertEquals((xs[i] - rm[c]) / (float) Math.sqrt(rv[c] + 1e-5), es[i], 1e-4f);
        }
        assertArrayEquals(new long[] {1}, bn.numBatchesTracked().toLongArray(), "eval does not count batches");
        assertArrayEquals(rm, bn.runningMean().toFloatArray(), 0f, "eval does not update");
        // batch of one in training mode
        bn.train();
        assertEquals("Expected more than 1 value per channel when training, got input size [1, 3]",
                assertThrows(IllegalArgumentException.class, () -> bn.forward(input(d, 2, 1, 3))).getMessage());
        assertEquals("expected 2D or 3D input (got 4D input)",
                assertThrows(IllegalArgumentException.class, () -> bn.forward(input(d, 2, 2, 3, 2, 2))).getMessage());
        assertEquals("expected 4D input (got 3D input)", assertThrows(IllegalArgumentException.class,
                () -> new BatchNorm2d(3, 1e-5, 0.1, true, true, DType.FLOAT32, d).forward(input(d, 2, 2, 3, 2)))
                .getMessage());
    }

    @Test
    void cumulativeMomentumAndNoRunningStats() {
        BatchNorm2d bn = new BatchNorm2d(2, 1e-5, null, false, true);
        Tensor a = input(Device.CPU, 3, 2, 2, 2, 2);
        Tensor b = input(Device.CPU, 4, 2, 2, 2, 2);
        bn.forward(a);
        bn.forward(b);
        float[] expected = a.mean(new int[] {0, 2, 3}, false).add(b.mean(new int[] {0, 2, 3}, false)).mul(0.5)
                .toFloatArray();
        assertArrayEquals(expected, bn.runningMean().toFloatArray(), 1e-5f, "momentum null: a cumulative average");
        BatchNorm2d noStats = new BatchNorm2d(2, 1e-5, 0.1, true, false);
        assertTrue(noStats.namedBuffers().isEmpty());
        noStats.eval();
        float[] m = noStats.forward(a).mean(new int[] {0, 2, 3}, false).toFloatArray();
        assertArrayEquals(new float[] {0, 0}, m, 1e-5f, "without running statistics eval uses the batch's");
    }

    @AllDevices
    void buffersRoundTripInBothFormatsAndMoveWithTo(Device d) throws IOException {
        Sequential a = new Sequential(new Linear(3, 3, true, DType.FLOAT32, d, new Generator(1)),
                new BatchNorm1d(3, 1e-5, 0.1, true, true, DType.FLOAT32, d));
        a.forward(input(d, 5, 6, 3));
        a.forward(input(d, 6, 6, 3));
        for (String name : new String[] {"m.ag4j", "m.safetensors"}) {
            Sequential b = new Sequential(new Linear(3, 3, true, DType.FLOAT32, d, new Generator(2)),
                    new BatchNorm1d(3, 1e-5, 0.1, true, true, DType.FLOAT32, d));
            Tensor rm = b.namedBuffers().get("1.running_mean");
            Path file = dir.resolve(name);
            a.save(file);
            Map<String, Tensor> read = name.endsWith(".ag4j") ? StateDict.load(file) : StateDict.loadSafetensors(file);
            assertEquals(DType.INT64, read.get("1.num_batches_tracked").dtype());
            b.load(file);
            assertSame(rm, b.namedBuffers().get("1.running_mean"), "loaded in place");
            for (String k : new String[] {"1.running_mean", "1.running_var"}) {
                assertArrayEquals(a.namedBuffers().get(k).toFloatArray(), b.namedBuffers().get(k).toFloatArray(), 0f);
            }
            assertArrayEquals(new long[] {2}, b.namedBuffers().get("1.num_batches_tracked").toLongArray());
            a.eval();
            b.eval();
            Tensor x = input(d, 7, 4, 3);
            assertArrayEquals(a.forward(x).toFloatArray(), b.forward(x).toFloatArray(), 0f);
            a.train();
        }
        a.to(DType.FLOAT64);
        assertEquals(DType.FLOAT64, a.namedBuffers().get("1.running_var").dtype());
        assertEquals(DType.INT64, a.namedBuffers().get("1.num_batches_tracked").dtype(), "int buffers keep dtype");
        a.to(Device.CPU);
        assertEquals(Device.CPU, a.namedBuffers().get("1.running_mean").device());
        a.forward(Tensor.randn(Shape.of(4, 3), DType.FLOAT64, Device.CPU, new Generator(3)));
        assertArrayEquals(new long[] {3}, a.namedBuffers().get("1.num_batches_tracked").toLongArray());
    }

    @AllDevices
    void layerGroupNormAndEmbeddingLayers(Device d) {
        LayerNorm ln = new LayerNorm(new int[] {4}, 1e-5, true, true, DType.FLOAT32, d);
        assertEquals(List.of("weight", "bias"), List.copyOf(ln.stateDict().keySet()));
        Tensor y = ln.forward(input(d, 1, 2, 4));
        assertArrayEquals(new float[] {0, 0}, y.mean(new int[] {1}, false).toFloatArray(), 1e-5f);
        y.sum().backward();
        assertNotNull(ln.parameters().get(0).grad());
        GroupNorm gn = new GroupNorm(2, 4, 1e-5, true, DType.FLOAT32, d);
        assertEquals("NativeGroupNormBackward0", gn.forward(input(d, 2, 2, 4, 3)).gradFn().name());
        assertEquals("num_channels must be divisible by num_groups",
                assertThrows(IllegalArgumentException.class, () -> new GroupNorm(3, 4)).getMessage());
        Embedding emb = new Embedding(5, 3, 2, DType.FLOAT32, d, new Generator(4));
        assertArrayEquals(new float[] {0, 0, 0}, emb.weight().select(0, 2).toFloatArray(), 0f, "padding row zeroed");
        Tensor out = emb.forward(Tensor.of(new long[] {2, 0, 2, 4}, 2, 2).to(d));
        assertEquals(Shape.of(2, 2, 3), out.shape());
        out.sum().backward();
        assertArrayEquals(new float[] {1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1},
                emb.weight().grad().toFloatArray(), 0f);
        Tensor t = Tensor.of(new float[] {1, -2}, 2).to(d);
        assertArrayEquals(new float[] {0.8413447f, -0.0455003f}, new GELU().forward(t).toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {0.8411920f, -0.0454023f}, new GELU("tanh").forward(t).toFloatArray(), 1e-6f);
    }

    @Test
    void moduleListAndDictRegisterChildren() {
        ModuleList list = new ModuleList(new Linear(2, 3), new BatchNorm1d(3));
        ModuleDict dict = new ModuleDict();
        dict.put("proj", new Linear(3, 1));
        Module owner = new Module() {
            final ModuleList l = registerModule("layers", list);
            final ModuleDict dd = registerModule("heads", dict);
        };
        assertEquals(List.of("layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
                "layers.1.running_mean", "layers.1.running_var", "layers.1.num_batches_tracked", "heads.proj.weight",
                "heads.proj.bias"), List.copyOf(owner.stateDict().keySet()));
        assertEquals(3, list.get(-1) instanceof BatchNorm1d bn ? bn.numFeatures() : -1);
        assertEquals(2, list.size());
        assertThrows(IndexOutOfBoundsException.class, () -> list.get(2));
        owner.eval();
        assertTrue(!list.get(1).isTraining());
    }

    @AllDevices
    void multiheadAttention(Device d) {
        MultiheadAttention mha = new MultiheadAttention(8, 2, 0.0, true, true, DType.FLOAT64, d, new Generator(1));
        assertEquals(List.of("in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"),
                List.copyOf(mha.stateDict().keySet()));
        Tensor x = Tensor.randn(Shape.of(2, 5, 8), DType.FLOAT64, d, new Generator(2));
        MultiheadAttention.Output o = mha.forward(x, x, x, null, true, null);
        assertEquals(Shape.of(2, 5, 8), o.output().shape());
        assertEquals(Shape.of(2, 5, 5), o.weights().shape());
        float[] rowSums = o.weights().sum(new int[] {2}, false).to(DType.FLOAT32).toFloatArray();
        for (float s : rowSums) {
            assertEquals(1f, s, 1e-6f);
        }
        // the weights path and the fused (SDPA) path agree
        assertArrayEquals(o.output().toDoubleArray(), mha.forward(x).toDoubleArray(), 1e-12);
        // reference: per-head attention written out with the projections
        Tensor w = mha.stateDict().get("in_proj_weight");
        Tensor b = mha.stateDict().get("in_proj_bias");
        Tensor q = x.matmul(w.narrow(0, 0, 8).t()).add(b.narrow(0, 0, 8)).reshape(2, 5, 2, 4).transpose(1, 2);
        Tensor k = x.matmul(w.narrow(0, 8, 8).t()).add(b.narrow(0, 8, 8)).reshape(2, 5, 2, 4).transpose(1, 2);
        Tensor v = x.matmul(w.narrow(0, 16, 8).t()).add(b.narrow(0, 16, 8)).reshape(2, 5, 2, 4).transpose(1, 2);
        Tensor heads = q.matmul(k.transpose(2, 3)).mul(0.5).softmax(-1).matmul(v).transpose(1, 2).reshape(2, 5, 8);
        Tensor ref = mha.outProj().forward(heads);
        assertArrayEquals(ref.toDoubleArray(), o.output().toDoubleArray(), 1e-10);
        // key padding: a padded key gets zero weight; true in an attn_mask means "not allowed"
        Tensor kpm = Tensor.of(new boolean[] {false, false, false, false, true, false, true, false, false, false},
                2, 5).to(d);
        Tensor pw = mha.forward(x, x, x, kpm, true, null).weights();
        assertEquals(0.0, pw.select(0, 0).select(1, 4).abs().sum().toDoubleArray()[0], 0.0);
        assertEquals(0.0, pw.select(0, 1).select(1, 1).abs().sum().toDoubleArray()[0], 0.0);
        Tensor causal = Tensor.ones(Shape.of(5, 5), DType.FLOAT64, d).triu(1).ne(0.0);
        Tensor cw = mha.forward(x, x, x, null, true, causal).weights();
        assertEquals(0.0, cw.triu(1).abs().sum().toDoubleArray()[0], 0.0);
        assertArrayEquals(cw.toDoubleArray(), mha.forward(x, x, x, null, true, null, true, true).weights()
                .toDoubleArray(), 1e-12);
        assertEquals("The shape of the 2D attn_mask is [4, 5], but should be [5, 5].",
                assertThrows(IllegalArgumentException.class, () -> mha.forward(x, x, x, null, false,
                        Tensor.zeros(Shape.of(4, 5), DType.BOOL, d))).getMessage());
        // sequence-first and unbatched inputs
        MultiheadAttention seqFirst = new MultiheadAttention(8, 2, 0.0, true, false, DType.FLOAT64, d,
                new Generator(1));
        assertArrayEquals(o.output().transpose(0, 1).contiguous().toDoubleArray(),
                seqFirst.forward(x.transpose(0, 1)).toDoubleArray(), 1e-12);
        assertArrayEquals(o.output().select(0, 1).toDoubleArray(), mha.forward(x.select(0, 1)).toDoubleArray(),
                1e-12);
        // gradients reach every parameter
        mha.forward(x).square().sum().backward();
        for (Tensor p : mha.parameters()) {
            assertTrue(p.grad() != null && p.grad().abs().sum().toDoubleArray()[0] > 0);
        }
    }

    @AllDevices
    void transformerEncoderLayer(Device d) {
        for (boolean normFirst : new boolean[] {false, true}) {
            TransformerEncoderLayer layer = new TransformerEncoderLayer(8, 2, 16, 0.1, "gelu", 1e-5, true, normFirst,
                    DType.FLOAT64, d, new Generator(3));
            assertEquals(List.of("self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
                    "self_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
                    "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias"), List.copyOf(layer.stateDict().keySet()));
            Tensor x = Tensor.randn(Shape.of(2, 6, 8), DType.FLOAT64, d, new Generator(4));
            Tensor y = layer.forward(x, null, null, true);
            assertEquals(x.shape(), y.shape());
            y.square().sum().backward();
            for (Map.Entry<String, Tensor> p : layer.namedParameters().entrySet()) {
                assertNotNull(p.getValue().grad(), p.getKey());
            }
            layer.eval();
            Tensor e1;
            Tensor e2;
            try (var g = Autograd.noGrad()) {
                e1 = layer.forward(x, null, null, true);
                e2 = layer.forward(x, null, null, true);
                // causal: the first positions do not depend on the last one
                Tensor bump = Tensor.of(new double[] {0, 0, 0, 0, 0, 3}, 1, 6, 1).to(d);
                Tensor e3 = layer.forward(x.add(bump), null, null, true);
                assertArrayEquals(e1.narrow(1, 0, 5).contiguous().toDoubleArray(),
                        e3.narrow(1, 0, 5).contiguous().toDoubleArray(), 1e-12);
                assertTrue(e1.sub(e3).abs().sum().toDoubleArray()[0] > 1e-6, "the last position changed");
            }
            assertArrayEquals(e1.toDoubleArray(), e2.toDoubleArray(), 0.0, "eval is deterministic");
        }
        assertEquals("activation should be relu/gelu, not tanh", assertThrows(IllegalArgumentException.class,
                () -> new TransformerEncoderLayer(8, 2, 16, 0.1, "tanh", 1e-5, true, false, DType.FLOAT64, d,
                        new Generator(3))).getMessage());
        assertNotNull(Attention.class);
    }
}
