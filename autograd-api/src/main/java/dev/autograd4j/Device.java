package dev.autograd4j;

import dev.autograd4j.spi.Backends;
import java.util.Objects;

/** Where a tensor's storage lives: {@code cpu} or {@code cuda:N}. */
public final class Device {
    /** Device kinds; each is served by one backend. */
    public enum Type {
        CPU("cpu"), CUDA("cuda");

        private final String label;

        Type(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public static final Device CPU = new Device(Type.CPU, -1);

    /** System property that sets the process-wide default device, e.g. {@code -Dautograd4j.device=cuda:0}. */
    public static final String DEFAULT_DEVICE_PROPERTY = "autograd4j.device";

    private static final ThreadLocal<Device> THREAD_DEFAULT = new ThreadLocal<>();

    private final Type type;
    private final int index;

    private Device(Type type, int index) {
        this.type = type;
        this.index = index;
    }

    public static Device cpu() {
        return CPU;
    }

    public static Device cuda(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("Device index must not be negative, got " + index);
        }
        return new Device(Type.CUDA, index);
    }

    /**
     * Parses {@code "cpu"}, {@code "cuda"} (= cuda:0), {@code "cuda:N"} or {@code "best"}. A CUDA device must be
     * usable here: otherwise the IllegalArgumentException says why (no NVIDIA driver, JCuda's natives failed to
     * load, no GPU, or which devices exist). {@link #cuda(int)} builds one without checking.
     */
    public static Device parse(String spec) {
        Objects.requireNonNull(spec, "device string");
        String s = spec.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("cpu")) {
            return CPU;
        }
        if (s.equals("best") || s.equals("auto")) {
            return best();
        }
        if (s.equals("cuda")) {
            return usable(cuda(0));
        }
        if (s.startsWith("cuda:")) {
            int index;
            try {
                index = Integer.parseInt(s.substring(5));
            } catch (NumberFormatException e) {
                index = -1;
            }
            if (index >= 0) {
                return usable(cuda(index));
            }
        }
        throw new IllegalArgumentException("Expected one of cpu, cuda, best device type at start of device string: " + spec);
    }

    /** The device, after checking that a backend can run it; else why not (no driver, no GPU, no such index). */
    private static Device usable(Device device) {
        try {
            Backends.forDevice(device);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException(device + " cannot be used: " + e.getMessage(), e);
        }
        return device;
    }

    /** {@code cuda:0} when a CUDA backend is available with at least one device, otherwise {@code cpu}. */
    public static Device best() {
        return Backends.isAvailable(Type.CUDA) ? cuda(0) : CPU;
    }

    /** The device new tensors go to: this thread's choice, else the system property, else cpu. */
    public static Device defaultDevice() {
        Device d = THREAD_DEFAULT.get();
        if (d != null) {
            return d;
        }
        String prop = System.getProperty(DEFAULT_DEVICE_PROPERTY);
        return prop == null || prop.isBlank() ? CPU : parse(prop);
    }

    /** Sets this thread's default device; {@code null} goes back to the system property or cpu. */
    public static void setDefaultDevice(Device device) {
        if (device == null) {
            THREAD_DEFAULT.remove();
        } else {
            THREAD_DEFAULT.set(device);
        }
    }

    public Type type() {
        return type;
    }

    /** Device index; -1 for the CPU. */
    public int index() {
        return index;
    }

    public boolean isCuda() {
        return type == Type.CUDA;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Device d && d.type == type && d.index == index;
    }

    @Override
    public int hashCode() {
        return type.hashCode() * 31 + index;
    }

    @Override
    public String toString() {
        return index < 0 ? type.label() : type.label() + ":" + index;
    }
}
