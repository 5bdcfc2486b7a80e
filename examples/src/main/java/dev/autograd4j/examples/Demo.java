package dev.autograd4j.examples;

import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.DefaultDevice;
import dev.autograd4j.Device;
import dev.autograd4j.Functional;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.debug.GraphViz;
import dev.autograd4j.spi.Backends;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * PyTorch's autograd tutorial (https://pytorch.org/tutorials/beginner/basics/autogradqs_tutorial.html)
 * in Java: a one-layer network, its computational graph, gradients, and turning tracking off.
 * Usage: {@code Demo [--device cpu|cuda:0|best] [--seed N]}.
 */
public final class Demo {
    private Demo() {
    }

    /** The tutorial's picture of the graph: x, w, b -> matmul -> add -> BCE-with-logits -> loss. */
    private static void writeGraph(Tensor loss, Tensor w, Tensor b) {
        Path dot = Path.of("target", "tutorial-graph.dot"), svg = Path.of("target", "tutorial-graph.svg");
        try {
            Files.createDirectories(dot.getParent());
            Files.writeString(dot, GraphViz.toDot(loss, Map.of("w", w, "b", b), true));
            boolean rendered = GraphViz.renderSvg(loss, svg, Map.of("w", w, "b", b));
            System.out.println();
            System.out.println("computational graph: " + dot.toAbsolutePath()
                    + (rendered ? " and " + svg.toAbsolutePath() : " (install Graphviz's dot to get an SVG)"));
        } catch (IOException e) {
            System.out.println("could not write the graph picture: " + e.getMessage());
        }
    }

    /**
     * Runs the tutorial and prints each step.
     *
     * @param args {@code [--device cpu|cuda:0|best] [--seed N]}
     */
    public static void main(String[] args) {
        Device device = DefaultDevice.best();
        long seed = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--device" -> device = DefaultDevice.parse(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (usage: Demo [--device cpu|cuda:0|best] [--seed N])");
            }
        }
        System.out.println("device: " + device + " (" + Backends.forDevice(device).describe() + ")");
        Tensor.manualSeed(seed);

        Tensor x = Tensor.ones(Shape.of(5), DType.FLOAT32, device);   // input tensor
        Tensor y = Tensor.zeros(Shape.of(3), DType.FLOAT32, device);  // expected output
        Tensor w = Tensor.randn(Shape.of(5, 3), DType.FLOAT32, device, dev.autograd4j.Generator.defaultGenerator())
                .requiresGrad(true);
        Tensor b = Tensor.randn(Shape.of(3), DType.FLOAT32, device, dev.autograd4j.Generator.defaultGenerator())
                .requiresGrad(true);
        Tensor z = x.matmul(w).add(b);
        Tensor loss = Functional.binaryCrossEntropyWithLogits(z, y);

        System.out.println();
        System.out.println("w = " + w);
        System.out.println("b = " + b);
        System.out.println("z = " + z);
        System.out.println("loss = " + loss);
        System.out.println();
        System.out.println("Gradient function for z = " + z.gradFn());
        System.out.println("Gradient function for loss = " + loss.gradFn());

        writeGraph(loss, w, b);
        loss.backward();
        System.out.println();
        System.out.println("w.grad = " + w.grad());
        System.out.println("b.grad = " + b.grad());

        System.out.println();
        z = x.matmul(w).add(b);
        System.out.println("z.requiresGrad() = " + z.requiresGrad());
        try (var g = Autograd.noGrad()) {
            z = x.matmul(w).add(b);
        }
        System.out.println("inside noGrad(): z.requiresGrad() = " + z.requiresGrad());

        z = x.matmul(w).add(b);
        Tensor zDet = z.detach();
        System.out.println("after detach(): zDet.requiresGrad() = " + zDet.requiresGrad());
    }
}
