package dev.autograd4j;

import dev.autograd4j.spi.Backends;
import java.util.Locale;
import java.util.Objects;

/**
 * Which device new tensors go to, and the device choices that depend on the backends on the class path
 * (PyTorch's {@code torch.get_default_device}, {@code torch.set_default_device}). {@link Device} itself is
 * a plain value; this class asks the backend registry.
 *
 * <p>The default device is this thread's choice ({@link #set}), else the system property
 * {@value #PROPERTY} (read on each call, so it may be set at run time), else {@code cpu}.
 */
public final class DefaultDevice {
    /** System property that sets the process-wide default device, e.g. {@code -Dautograd4j.device=cuda:0}. */
    public static final String PROPERTY = "autograd4j.device";

    private static final ThreadLocal<Device> THREAD_DEFAULT = new ThreadLocal<>();

    private DefaultDevice() {
    }

    /**
     * The device new tensors go to when no device is given: this thread's choice, else the
     * {@value #PROPERTY} property (parsed as {@link #parse}), else {@code cpu}.
     *
     * @return the default device of the calling thread
     * @throws IllegalArgumentException if the property names a device that is not usable here
     */
    public static Device get() {
        Device d = THREAD_DEFAULT.get();
        if (d != null) {
            return d;
        }
        String prop = System.getProperty(PROPERTY);
        return prop == null || prop.isBlank() ? Device.CPU : parse(prop);
    }

    /**
     * Sets this thread's default device, like {@code torch.set_default_device} (per thread here).
     *
     * @param device the device, or {@code null} to go back to the {@value #PROPERTY} property or cpu
     */
    public static void set(Device device) {
        if (device == null) {
            THREAD_DEFAULT.remove();
        } else {
            THREAD_DEFAULT.set(device);
        }
    }

    /**
     * The fastest device here.
     *
     * @return {@code cuda:0} when a CUDA backend is available with at least one device, otherwise {@code cpu}
     */
    public static Device best() {
        return Backends.isAvailable(Device.Type.CUDA) ? Device.cuda(0) : Device.CPU;
    }

    /**
     * Parses {@code "cpu"}, {@code "cuda"} (= cuda:0), {@code "cuda:N"} or {@code "best"} (also {@code "auto"};
     * see {@link #best()}), and checks that a backend can run the device.
     *
     * @param spec the device string
     * @return a device that can run tensors here
     * @throws IllegalArgumentException if the string names no device (as {@link Device#parse}), or the device
     *         cannot be used here; the message says why (no backend on the class path, no NVIDIA driver,
     *         JCuda's natives failed to load, no GPU, or which devices exist)
     */
    public static Device parse(String spec) {
        Objects.requireNonNull(spec, "device string");
        String s = spec.trim().toLowerCase(Locale.ROOT);
        return s.equals("best") || s.equals("auto") ? best() : usable(Device.parse(spec));
    }

    /**
     * The device, after checking that a backend can run it.
     *
     * @param device the device to check
     * @return the same device
     * @throws IllegalArgumentException saying why not (no backend, no driver, no GPU, no such index)
     */
    public static Device usable(Device device) {
        try {
            Backends.forDevice(device);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(device + " cannot be used: " + e.getMessage(), e);
        }
        return device;
    }
}
