package dev.autograd4j.debug;

import dev.autograd4j.Node;
import dev.autograd4j.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pictures of the backward graph in Graphviz DOT, like torchviz's {@code make_dot}: the output tensor
 * (dark olive green), each gradFn node by name (grey boxes), each leaf reached through an
 * {@code AccumulateGrad} node with its shape, dtype and device (light blue), and the tensors each node
 * saved for backward (orange, with their shape; gone once backward has freed the graph). Edges run
 * the way the forward pass did: from each node's {@link Node#nextFunctions()} to the node, and from
 * the output's gradFn to the output.
 *
 * <pre>{@code
 * GraphViz.writeDot(loss, Path.of("graph.dot"));
 * GraphViz.renderSvg(loss, Path.of("graph.svg"), Map.of("w", w, "b", b)); // needs Graphviz's `dot`
 * }</pre>
 *
 * <p>The walk is iterative (deep graphs do not overflow the stack) and the ids are assigned in walk
 * order ({@code n0}, {@code n1}, ...), so the same graph always gives the same text.
 */
public final class GraphViz {
    private static final Logger LOG = LoggerFactory.getLogger(GraphViz.class);

    private GraphViz() {
    }

    /**
     * The backward graph of {@code root} as DOT text, saved tensors included.
     *
     * @param root the tensor whose graph is drawn (usually the loss)
     * @return the DOT text
     */
    public static String toDot(Tensor root) {
        return toDot(root, Map.of(), true);
    }

    /**
     * The backward graph of {@code root}; leaves found in {@code params} (name to tensor, compared by
     * identity) are labelled with their name, as torchviz's {@code params=dict(model.named_parameters())}.
     *
     * @param root the tensor whose graph is drawn
     * @param params names of leaves (may be null)
     * @param showSaved whether to draw the tensors each node saved for backward
     * @return the DOT text
     */
    public static String toDot(Tensor root, Map<String, Tensor> params, boolean showSaved) {
        Map<Tensor, String> names = new IdentityHashMap<>();
        if (params != null) {
            params.forEach((name, t) -> names.put(t, name));
        }
        StringBuilder nodes = new StringBuilder();
        StringBuilder edges = new StringBuilder();
        Map<Object, String> ids = new IdentityHashMap<>();
        int[] counter = {0};
        java.util.function.Function<Object, String> idOf = o -> ids.computeIfAbsent(o, k -> "n" + counter[0]++);

        String rootId = idOf.apply(root);
        nodes.append("  ").append(rootId).append(" [label=").append(quote(tensorLabel(root, names.get(root))))
                .append(" fillcolor=darkolivegreen1]\n");
        Node start = root.gradFn();
        if (start != null) {
            edges.append("  ").append(idOf.apply(start)).append(" -> ").append(rootId).append('\n');
            Map<Node, Boolean> seen = new IdentityHashMap<>();
            Map<Tensor, String> savedIds = new IdentityHashMap<>();
            ArrayDeque<Node> queue = new ArrayDeque<>();
            seen.put(start, true);
            queue.add(start);
            while (!queue.isEmpty()) {
                Node fn = queue.poll();
                String fnId = idOf.apply(fn);
                nodes.append("  ").append(fnId).append(" [label=").append(quote(fn.name())).append("]\n");
                Tensor leaf = fn.variable();
                if (leaf != null) {
                    String leafId = idOf.apply(leaf);
                    nodes.append("  ").append(leafId).append(" [label=")
                            .append(quote(tensorLabel(leaf, names.get(leaf)))).append(" fillcolor=lightblue]\n");
                    edges.append("  ").append(leafId).append(" -> ").append(fnId).append('\n');
                }
                if (showSaved) {
                    List<Tensor> saved = fn.savedTensors();
                    for (Tensor t : saved) {
                        // saved tensors get ids of their own, apart from the same tensor drawn as a leaf
                        String savedId = savedIds.get(t);
                        if (savedId == null) {
                            savedId = "n" + counter[0]++;
                            savedIds.put(t, savedId);
                            nodes.append("  ").append(savedId).append(" [label=")
                                    .append(quote("saved\n" + shapeText(t))).append(" fillcolor=orange]\n");
                        }
                        edges.append("  ").append(savedId).append(" -> ").append(fnId).append(" [dir=none]\n");
                    }
                }
                for (Node next : fn.nextFunctions()) {
                    if (next == null) {
                        continue;
                    }
                    edges.append("  ").append(idOf.apply(next)).append(" -> ").append(fnId).append('\n');
                    if (seen.put(next, true) == null) {
                        queue.add(next);
                    }
                }
            }
        }
        return "digraph {\n"
                + "  graph [size=\"12,12\"]\n"
                + "  node [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 shape=box style=filled]\n"
                + nodes + edges + "}\n";
    }

    /**
     * Writes {@link #toDot(Tensor)} to a file.
     *
     * @param root the tensor whose graph is drawn
     * @param dotFile the file written (UTF-8)
     * @throws IOException when the file cannot be written
     */
    public static void writeDot(Tensor root, Path dotFile) throws IOException {
        Files.writeString(dotFile, toDot(root), StandardCharsets.UTF_8);
    }

    /**
     * Renders the graph to SVG with Graphviz's {@code dot -Tsvg}. Returns false, logging one info line,
     * when {@code dot} is not installed; throws an IOException only when {@code dot} ran and failed.
     *
     * @param root the tensor whose graph is drawn
     * @param svgFile the SVG file written
     * @return true when rendered, false when {@code dot} is not available
     * @throws IOException when {@code dot} ran and failed or timed out
     */
    public static boolean renderSvg(Tensor root, Path svgFile) throws IOException {
        return renderSvg(root, svgFile, Map.of());
    }

    /**
     * As {@link #renderSvg(Tensor, Path)}, naming the leaves found in {@code params}.
     *
     * @param root the tensor whose graph is drawn
     * @param svgFile the SVG file written
     * @param params names of leaves (may be null)
     * @return true when rendered, false when {@code dot} is not available
     * @throws IOException when {@code dot} ran and failed or timed out
     */
    public static boolean renderSvg(Tensor root, Path svgFile, Map<String, Tensor> params) throws IOException {
        String dot = toDot(root, params, true);
        Process process;
        try {
            process = new ProcessBuilder("dot", "-Tsvg", "-o", svgFile.toAbsolutePath().toString())
                    .redirectErrorStream(true).start();
        } catch (IOException | SecurityException e) {
            LOG.info("Graphviz 'dot' is not available ({}); not rendering {}. Install Graphviz, or use writeDot.",
                    e.getMessage(), svgFile);
            return false;
        }
        try (OutputStream in = process.getOutputStream()) {
            in.write(dot.getBytes(StandardCharsets.UTF_8));
        }
        String messages;
        try (InputStream out = process.getInputStream()) {
            messages = new String(out.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("dot -Tsvg did not finish within 60 s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for dot", e);
        }
        if (process.exitValue() != 0) {
            throw new IOException("dot -Tsvg failed with exit code " + process.exitValue() + ": " + messages.strip());
        }
        return true;
    }

    private static String tensorLabel(Tensor t, String name) {
        String head = name == null ? "" : name + "\n";
        return head + shapeText(t) + "\n" + t.dtype().pythonName() + " " + t.device();
    }

    /** torchviz's size_to_str: {@code (5, 3)}. */
    private static String shapeText(Tensor t) {
        int[] dims = t.shape().toArray();
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            s.append(i == 0 ? "" : ", ").append(dims[i]);
        }
        return s.append(')').toString();
    }

    private static String quote(String label) {
        StringBuilder s = new StringBuilder("\"");
        for (char c : label.toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                default -> s.append(c);
            }
        }
        return s.append('"').toString();
    }
}
