package dev.autograd4j.conformance.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Functional;
import dev.autograd4j.Generator;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.conformance.AllDevices;
import dev.autograd4j.conformance.ConformanceNames;
import dev.autograd4j.debug.GraphViz;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.io.TempDir;

/** DOT pictures of the backward graph, like torchviz's make_dot. */
@DisplayNameGeneration(ConformanceNames.class)
class GraphVizTest {

    /** The tutorial: x, w, b -> matmul -> add -> BCE with logits -> loss. */
    private static Tensor[] tutorial(Device device) {
        Generator gen = new Generator(0);
        Tensor x = Tensor.ones(Shape.of(5), DType.FLOAT32, device);
        Tensor y = Tensor.zeros(Shape.of(3), DType.FLOAT32, device);
        Tensor w = Tensor.randn(Shape.of(5, 3), DType.FLOAT32, device, gen).requiresGrad(true);
        Tensor b = Tensor.randn(Shape.of(3), DType.FLOAT32, device, gen).requiresGrad(true);
        Tensor z = x.matmul(w).add(b);
        Tensor loss = Functional.binaryCrossEntropyWithLogits(z, y);
        return new Tensor[] {loss, w, b};
    }

    private static String label(String dot, String id) {
        Matcher m = Pattern.compile("(?m)^  " + id + " \\[label=\"([^\"]*)\"").matcher(dot);
        assertTrue(m.find(), "node " + id + " in\n" + dot);
        return m.group(1);
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    @AllDevices
    void tutorialGraphHasTheExpectedNodes(Device device) {
        Tensor[] t = tutorial(device);
        Tensor loss = t[0];
        String dot = GraphViz.toDot(loss);
        assertTrue(dot.startsWith("digraph {\n"), dot);
        assertTrue(dot.endsWith("}\n"), dot);
        // the output: its shape, dtype and device, dark green
        assertEquals("()\\nfloat32 " + device, label(dot, "n0"));
        assertTrue(dot.contains("  n0 [label=\"()\\nfloat32 " + device + "\" fillcolor=darkolivegreen1]"), dot);
        assertEquals("BinaryCrossEntropyWithLogitsBackward0", label(dot, "n1"));
        assertTrue(dot.contains("  n1 -> n0\n"), dot);
        for (String name : new String[] {"\"BinaryCrossEntropyWithLogitsBackward0\"", "\"AddBackward0\"",
            "\"MmBackward0\"", "\"AccumulateGrad\""}) {
            assertTrue(dot.contains("[label=" + name + "]"), name + " in\n" + dot);
        }
        // 1-D @ 2-D is unsqueeze, mm, squeeze: SqueezeBackward* -> MmBackward0 (x needs no grad: no unsqueeze node)
        assertTrue(Pattern.compile("label=\"SqueezeBackward\\d\"").matcher(dot).find(), dot);
        assertEquals(2, count(dot, "[label=\"AccumulateGrad\"]"), dot);
        // the leaves, light blue, with shape, dtype and device
        assertTrue(dot.contains("[label=\"(5, 3)\\nfloat32 " + device + "\" fillcolor=lightblue]"), dot);
        assertTrue(dot.contains("[label=\"(3)\\nfloat32 " + device + "\" fillcolor=lightblue]"), dot);
        // saved tensors, orange, linked without arrowheads
        assertTrue(dot.contains("fillcolor=orange]"), dot);
        assertTrue(dot.contains("[dir=none]"), dot);
        // deterministic
        assertEquals(dot, GraphViz.toDot(loss));

        // named leaves, as make_dot(params=...)
        String named = GraphViz.toDot(loss, Map.of("w", t[1], "b", t[2]), false);
        assertTrue(named.contains("[label=\"w\\n(5, 3)\\nfloat32 " + device + "\" fillcolor=lightblue]"), named);
        assertTrue(named.contains("[label=\"b\\n(3)\\nfloat32 " + device + "\" fillcolor=lightblue]"), named);
        assertFalse(named.contains("orange"), named);

        // backward frees the saved tensors: they disappear from the picture
        loss.backward();
        assertFalse(GraphViz.toDot(loss).contains("orange"));
    }

    @AllDevices
    void edgesFollowNextFunctionsAndSharedNodesAppearOnce(Device device) {
        Tensor a = Leaves.leaf(device, new double[] {1, 2}, 2);
        Tensor h = a.exp();
        Tensor out = h.mul(h).add(h).sum();
        String dot = GraphViz.toDot(out);
        assertEquals(1, count(dot, "[label=\"ExpBackward0\"]"), dot);
        assertEquals(1, count(dot, "[label=\"AccumulateGrad\"]"), dot);
        assertEquals("SumBackward0", label(dot, "n1"));
        // a leaf that is the root: one node, no edges
        String leafOnly = GraphViz.toDot(a);
        assertEquals(1, count(leafOnly, "[label="), leafOnly);
        assertFalse(leafOnly.contains("->"), leafOnly);
    }

    @AllDevices
    void deepGraphsDoNotOverflowTheStack(Device device) {
        Tensor x = Leaves.leaf(device, new double[] {1}, 1);
        Tensor y = x;
        for (int i = 0; i < 20_000; i++) {
            y = y.mul(1.0);
        }
        String dot = GraphViz.toDot(y);
        assertEquals(20_000, count(dot, "[label=\"MulBackward0\"]"));
    }

    @AllDevices
    void writesDotAndRendersSvgWhenGraphvizIsInstalled(Device device, @TempDir Path dir) throws Exception {
        Tensor loss = tutorial(device)[0];
        Path dotFile = dir.resolve("graph.dot");
        GraphViz.writeDot(loss, dotFile);
        assertEquals(GraphViz.toDot(loss), Files.readString(dotFile));

        Path svg = dir.resolve("graph.svg");
        boolean rendered = GraphViz.renderSvg(loss, svg); // false, without throwing, when `dot` is missing
        if (rendered) {
            String text = Files.readString(svg);
            assertTrue(text.contains("<svg"), text);
            assertTrue(text.contains("BinaryCrossEntropyWithLogitsBackward0"), text);
        } else {
            assertFalse(Files.exists(svg));
        }
    }
}
