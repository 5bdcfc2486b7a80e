package dev.autograd4j.examples;

import dev.autograd4j.Autograd;
import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Functional;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.spi.Backends;

/**
 * PyTorch's autograd tutorial (https://pytorch.org/tutorials/beginner/basics/autogradqs_tutorial.html)
 * in Java: a one-layer network, its computational graph, gradients, and turning tracking off.
 * Usage: {@code Demo [--device cpu|cuda:0|best] [--seed N]}.
 */
public final class Demo {
    private Demo() {
    }

    public static void main(String[] args) {
        Device device = Device.best();
        long seed = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--device" -> device = Device.parse(args[++i]);
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
