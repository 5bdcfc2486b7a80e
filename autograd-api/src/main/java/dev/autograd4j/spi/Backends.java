package dev.autograd4j.spi;

import dev.autograd4j.Device;
import java.util.EnumMap;
import java.util.Map;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The registry of backends on the class path, looked up once, lazily. */
public final class Backends {
    private static final Logger LOG = LoggerFactory.getLogger(Backends.class);
    private static volatile Map<Device.Type, Backend> registry;

    /** Environment variable that, set to {@code 1}, demands a usable CUDA device ({@link #cudaRequired()}). */
    public static final String REQUIRE_CUDA_ENV = "AUTOGRAD_REQUIRE_CUDA";
    /** System property that, set to {@code true}, demands a usable CUDA device ({@link #cudaRequired()}). */
    public static final String REQUIRE_CUDA_PROPERTY = "autograd.requireCuda";

    private Backends() {
    }

    /**
     * Whether this run demands a usable CUDA device: environment variable {@value #REQUIRE_CUDA_ENV}{@code =1}
     * or system property {@value #REQUIRE_CUDA_PROPERTY}{@code =true}. Test suites then fail where they would
     * otherwise skip a GPU case (the one place that reads either).
     *
     * @return true when a GPU must be there
     */
    public static boolean cudaRequired() {
        return "1".equals(System.getenv(REQUIRE_CUDA_ENV)) || Boolean.getBoolean(REQUIRE_CUDA_PROPERTY);
    }

    private static Map<Device.Type, Backend> registry() {
        Map<Device.Type, Backend> r = registry;
        if (r == null) {
            synchronized (Backends.class) {
                r = registry;
                if (r == null) {
                    r = new EnumMap<>(Device.Type.class);
                    for (Backend b : ServiceLoader.load(Backend.class, Backends.class.getClassLoader())) {
                        r.putIfAbsent(b.deviceType(), b);
                    }
                    registry = r;
                }
            }
        }
        return r;
    }

    /**
     * Whether a backend for a device type is on the class path, usable, and has at least one device.
     *
     * @param type the device type
     * @return true when tensors can be placed on a device of that type
     */
    public static boolean isAvailable(Device.Type type) {
        Backend b = registry().get(type);
        return b != null && b.isAvailable() && b.deviceCount() > 0;
    }

    /**
     * The backend serving a device.
     *
     * @param device the device
     * @return its backend
     * @throws IllegalStateException when no backend for its type is on the class path or it is not available
     * @throws IllegalArgumentException when the device index does not exist here
     */
    public static Backend forDevice(Device device) {
        Backend b = registry().get(device.type());
        if (b == null) {
            throw new IllegalStateException("No backend for device " + device + " on the class path"
                    + (device.isCuda() ? " (add dev.autograd4j:backend-cuda)" : " (add dev.autograd4j:backend-cpu)"));
        }
        if (!b.isAvailable()) {
            throw new IllegalStateException("The " + device.type().label() + " backend is not available: " + b.describe());
        }
        if (device.index() >= b.deviceCount()) {
            throw new IllegalArgumentException("Invalid device " + device + ": "
                    + describeDevices(device.type(), b.deviceCount()));
        }
        return b;
    }

    /**
     * Names the devices of a type, for messages about a device index that does not exist.
     *
     * @param type the device type
     * @param count how many devices of that type exist
     * @return e.g. "this machine has 1 cuda device: cuda:0"
     */
    public static String describeDevices(Device.Type type, int count) {
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < count; i++) {
            names.append(i == 0 ? ": " : ", ").append(type.label()).append(':').append(i);
        }
        return "this machine has " + count + " " + type.label() + " device" + (count == 1 ? "" : "s") + names;
    }

    /**
     * The devices that can run tensors now.
     *
     * @return cpu (when its backend is present) followed by each CUDA device
     */
    public static java.util.List<Device> availableDevices() {
        java.util.List<Device> out = new java.util.ArrayList<>();
        if (isAvailable(Device.Type.CPU)) {
            out.add(Device.CPU);
        }
        if (isAvailable(Device.Type.CUDA)) {
            int n = registry().get(Device.Type.CUDA).deviceCount();
            for (int i = 0; i < n; i++) {
                out.add(Device.cuda(i));
            }
        }
        LOG.debug("available devices: {}", out);
        return out;
    }
}
