package dev.autograd4j.conformance;

import dev.autograd4j.Device;
import dev.autograd4j.cuda.CudaBackend;
import dev.autograd4j.spi.Backends;
import java.util.List;
import java.util.stream.Stream;

/**
 * The devices the suite runs on: every available one. Tests take a {@code Device} parameter from
 * {@code @MethodSource("dev.autograd4j.conformance.Devices#all")}. Without a GPU the CUDA cases are
 * simply absent, unless {@code AUTOGRAD_REQUIRE_CUDA=1} (or {@code -Dautograd.requireCuda=true})
 * says a GPU must be there, in which case listing the devices fails.
 */
public final class Devices {
    private Devices() {
    }

    public static boolean cudaRequired() {
        return CudaBackend.cudaRequired();
    }

    public static List<Device> list() {
        List<Device> devices = Backends.availableDevices();
        if (cudaRequired() && devices.stream().noneMatch(Device::isCuda)) {
            throw new IllegalStateException("AUTOGRAD_REQUIRE_CUDA=1 but no CUDA device is available: " + devices);
        }
        return devices;
    }

    public static Stream<Device> all() {
        return list().stream();
    }

    /** PyTorch's legacy type name of a float64 tensor, as its error messages print it. */
    public static String doubleTensorType(Device device) {
        return device.isCuda() ? "torch.cuda.DoubleTensor" : "torch.DoubleTensor";
    }
}
