package dev.autograd4j.conformance;

import dev.autograd4j.Device;
import dev.autograd4j.spi.Backends;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The devices the suite runs on: every available one, or those named by the system property
 * {@value #DEVICES_PROPERTY} (a comma-separated list such as {@code cpu,cuda:0}; {@code cuda} means
 * {@code cuda:0}). Naming a device that is not available fails the listing rather than skipping it.
 * Tests take a {@code Device} parameter through {@link AllDevices} (or
 * {@code @MethodSource("dev.autograd4j.conformance.Devices#all")}). Without a GPU the CUDA cases are
 * simply absent, unless {@code AUTOGRAD_REQUIRE_CUDA=1} (or {@code -Dautograd.requireCuda=true})
 * says a GPU must be there, in which case listing the devices fails.
 */
public final class Devices {
    /** The system property restricting the devices, e.g. {@code -Dautograd4j.conformance.devices=cpu}. */
    public static final String DEVICES_PROPERTY = "autograd4j.conformance.devices";

    private Devices() {
    }

    /**
     * Whether the environment says a CUDA device must be present.
     *
     * @return true when {@code AUTOGRAD_REQUIRE_CUDA=1} or {@code -Dautograd.requireCuda=true}
     */
    public static boolean cudaRequired() {
        return Backends.cudaRequired();
    }

    /**
     * The devices the suite runs on, in the backends' order.
     *
     * @return every available device, or those named by {@value #DEVICES_PROPERTY}
     * @throws IllegalStateException when CUDA is required but absent, or a named device is not available
     */
    public static List<Device> list() {
        List<Device> devices = Backends.availableDevices();
        if (cudaRequired() && devices.stream().noneMatch(Device::isCuda)) {
            throw new IllegalStateException("AUTOGRAD_REQUIRE_CUDA=1 but no CUDA device is available: " + devices);
        }
        String only = System.getProperty(DEVICES_PROPERTY, "").trim();
        if (only.isEmpty()) {
            return devices;
        }
        Set<String> wanted = new LinkedHashSet<>();
        for (String spec : only.split(",")) {
            String s = spec.trim().toLowerCase(Locale.ROOT);
            if (!s.isEmpty()) {
                wanted.add(s.equals("cuda") ? "cuda:0" : s);
            }
        }
        List<Device> chosen = new ArrayList<>();
        for (Device d : devices) {
            if (wanted.remove(d.toString())) {
                chosen.add(d);
            }
        }
        if (!wanted.isEmpty()) {
            throw new IllegalStateException("-D" + DEVICES_PROPERTY + "=" + only + " names device(s) " + wanted
                    + " that are not available; available: " + devices);
        }
        return chosen;
    }

    /**
     * The devices as a stream, for {@code @MethodSource}.
     *
     * @return {@link #list()} as a stream
     */
    public static Stream<Device> all() {
        return list().stream();
    }

    /**
     * PyTorch's legacy type name of a float64 tensor, as its error messages print it.
     *
     * @param device the tensor's device
     * @return {@code torch.DoubleTensor} or {@code torch.cuda.DoubleTensor}
     */
    public static String doubleTensorType(Device device) {
        return device.isCuda() ? "torch.cuda.DoubleTensor" : "torch.DoubleTensor";
    }
}
