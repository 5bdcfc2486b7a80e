package dev.autograd4j.conformance.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.Convolution;
import dev.autograd4j.DType;
import dev.autograd4j.Device;
import dev.autograd4j.Generator;
import dev.autograd4j.Pooling;
import dev.autograd4j.Shape;
import dev.autograd4j.Tensor;
import dev.autograd4j.conformance.AllDevices;
import dev.autograd4j.conformance.ConformanceNames;
import dev.autograd4j.nn.AdaptiveAvgPool2d;
import dev.autograd4j.nn.AvgPool2d;
import dev.autograd4j.nn.Conv1d;
import dev.autograd4j.nn.Conv2d;
import dev.autograd4j.nn.ConvTranspose2d;
import dev.autograd4j.nn.MaxPool2d;
import dev.autograd4j.nn.Module;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Test;

/**
 * The convolution and pooling layers (issue 13): PyTorch's parameter names and shapes (so state dicts match),
 * its default initialisation ranges, forward as the functional ops, and the layers' repr.
 */
@DisplayNameGeneration(ConformanceNames.class)
class ConvLayersTest {

    private static void withinBound(Tensor t, double bound) {
        double max = t.abs().max().item();
        assertTrue(max <= bound && max > 0.5 * bound, "max |value| " + max + " against bound " + bound);
    }

    @AllDevices
    void conv2dParametersAndForward(Device d) {
        Conv2d conv = new Conv2d(4, 6, new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 0}, null, new int[] {1},
                2, true, DType.FLOAT64, d, new Generator(1));
        Map<String, Tensor> state = conv.stateDict();
        assertEquals(List.of("weight", "bias"), List.copyOf(state.keySet()));
        assertArrayEquals(new int[] {6, 2, 3, 2}, conv.weight().shape().toArray());
        assertArrayEquals(new int[] {6}, conv.bias().shape().toArray());
        double bound = 1 / Math.sqrt(2 * 3 * 2);
        withinBound(conv.weight(), bound);
        withinBound(conv.bias(), bound);
        Tensor x = Tensor.randn(Shape.of(2, 4, 5, 5), DType.FLOAT64, d, new Generator(2));
        assertArrayEquals(Convolution.conv2d(x, conv.weight(), conv.bias(), new int[] {2, 1}, new int[] {1, 0},
                new int[] {1}, 2).toDoubleArray(), conv.forward(x).toDoubleArray(), 0);
        assertEquals("Conv2d(4, 6, kernel_size=(3, 2), stride=(2, 1), padding=(1, 0), groups=2)",
                conv.toString().trim());
        Tensor y = conv.forward(x);
        y.sum().backward();
        assertArrayEquals(new int[] {6, 2, 3, 2}, conv.weight().grad().shape().toArray());
    }

    @AllDevices
    void conv1dAndTransposed(Device d) {
        Conv1d c1 = new Conv1d(3, 4, 5, 1, 0, "same", 1, 1, false, DType.FLOAT32, d, new Generator(3));
        assertEquals(List.of("weight"), List.copyOf(c1.stateDict().keySet()));
        assertNull(c1.bias());
        withinBound(c1.weight(), 1 / Math.sqrt(15));
        assertArrayEquals(new int[] {2, 4, 9}, c1.forward(Tensor.zeros(2, 3, 9).to(d)).shape().toArray());
        ConvTranspose2d t = new ConvTranspose2d(4, 6, new int[] {3}, new int[] {2}, new int[] {1}, new int[] {1}, 2,
                true, new int[] {1}, DType.FLOAT32, d, new Generator(4));
        assertArrayEquals(new int[] {4, 3, 3, 3}, t.weight().shape().toArray());
        withinBound(t.weight(), 1 / Math.sqrt(3 * 9));
        assertArrayEquals(new int[] {1, 6, 10, 10}, t.forward(Tensor.zeros(1, 4, 5, 5).to(d)).shape().toArray());
        assertEquals("ConvTranspose2d(4, 6, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), "
                + "output_padding=(1, 1), groups=2)", t.toString().trim());
    }

    @AllDevices
    void poolingLayers(Device d) {
        Tensor x = Tensor.randn(Shape.of(2, 3, 6, 6), DType.FLOAT32, d, new Generator(5));
        MaxPool2d max = new MaxPool2d(2);
        assertArrayEquals(Pooling.maxPool2d(x, new int[] {2}).toFloatArray(), max.forward(x).toFloatArray(), 0f);
        assertArrayEquals(new int[] {2, 3, 3, 3}, max.forwardWithIndices(x).indices().shape().toArray());
        assertEquals("MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)",
                max.toString().trim());
        AvgPool2d avg = new AvgPool2d(new int[] {3}, new int[] {2}, new int[] {1}, true, false, null);
        assertArrayEquals(Pooling.avgPool2d(x, new int[] {3}, new int[] {2}, new int[] {1}, true, false, null)
                .toFloatArray(), avg.forward(x).toFloatArray(), 0f);
        Module adaptive = new AdaptiveAvgPool2d(4, 5);
        assertArrayEquals(new int[] {2, 3, 4, 5}, adaptive.forward(x).shape().toArray());
        assertTrue(max.stateDict().isEmpty() && avg.stateDict().isEmpty() && adaptive.stateDict().isEmpty());
    }

    @Test
    void badChannels() {
        assertEquals("in_channels must be divisible by groups", assertThrows(IllegalArgumentException.class,
                () -> new Conv2d(3, 4, new int[] {3}, new int[] {1}, new int[] {0}, new int[] {1}, 2, true))
                .getMessage());
        assertEquals("out_channels must be divisible by groups", assertThrows(IllegalArgumentException.class,
                () -> new Conv2d(4, 3, new int[] {3}, new int[] {1}, new int[] {0}, new int[] {1}, 2, true))
                .getMessage());
    }
}
