package dev.autograd4j;

import java.util.Objects;

/**
 * Where a tensor's storage lives: {@code cpu} or {@code cuda:N}. A plain value (type and index) that knows
 * nothing of the backends present; {@link DefaultDevice} picks, checks and defaults devices.
 */
public final class Device {
    /** Device kinds; each is served by one backend. */
    public enum Type {
        /** The host processor. */
        CPU("cpu"),
        /** An NVIDIA GPU. */
        CUDA("cuda");

        private final String label;

        Type(String label) {
            this.label = label;
        }

        /**
         * The name in device strings.
         *
         * @return {@code cpu} or {@code cuda}
         */
        public String label() {
            return label;
        }
    }

    /** The CPU. */
    public static final Device CPU = new Device(Type.CPU, -1);

    private final Type type;
    private final int index;

    private Device(Type type, int index) {
        this.type = type;
        this.index = index;
    }

    /**
     * The CPU.
     *
     * @return {@link #CPU}
     */
    public static Device cpu() {
        return CPU;
    }

    /**
     * CUDA device {@code index}, unchecked: whether it exists shows when a tensor is placed on it.
     *
     * @param index the device ordinal, 0 for the first GPU
     * @return the device {@code cuda:index}
     * @throws IllegalArgumentException for a negative index
     */
    public static Device cuda(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("Device index must not be negative, got " + index);
        }
        return new Device(Type.CUDA, index);
    }

    /**
     * Parses {@code "cpu"}, {@code "cuda"} (= cuda:0) or {@code "cuda:N"}, case-insensitively, without asking
     * whether the device exists here. {@link DefaultDevice#parse(String)} also accepts {@code "best"} and checks
     * that the device can be used.
     *
     * @param spec the device string, as PyTorch writes it
     * @return the device
     * @throws IllegalArgumentException for any other string; for a negative index
     *         ({@code Device index must not be negative, got -1}); for {@code "best"}, pointing to
     *         {@link DefaultDevice#parse(String)}
     * @throws NullPointerException if {@code spec} is null
     */
    public static Device parse(String spec) {
        Objects.requireNonNull(spec, "spec must not be null");
        String s = spec.trim().toLowerCase(java.util.Locale.ROOT);
        if (s.equals("cpu")) {
            return CPU;
        }
        if (s.equals("cuda")) {
            return cuda(0);
        }
        if (s.startsWith("cuda:")) {
            String digits = s.substring(5);
            if (digits.matches("[+-]?[0-9]+")) {
                long index;
                try {
                    index = Long.parseLong(digits);
                } catch (NumberFormatException e) {
                    index = digits.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
                }
                if (index < 0) {
                    throw new IllegalArgumentException("Device index must not be negative, got " + digits);
                }
                if (index > Integer.MAX_VALUE) {
                    throw new IllegalArgumentException("Device index is too large, got " + digits);
                }
                return cuda((int) index);
            }
        }
        if (s.equals("best") || s.equals("auto")) {
            throw new IllegalArgumentException("\"" + spec + "\" depends on the backends present: "
                    + "use DefaultDevice.parse or DefaultDevice.best()");
        }
        throw new IllegalArgumentException("Expected one of cpu, cuda, best device type at start of device string: " + spec);
    }

    /**
     * The kind of device.
     *
     * @return CPU or CUDA
     */
    public Type type() {
        return type;
    }

    /**
     * The device index.
     *
     * @return the ordinal of a CUDA device; -1 for the CPU
     */
    public int index() {
        return index;
    }

    /**
     * Whether this is a CUDA device.
     *
     * @return true for {@code cuda:N}
     */
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
