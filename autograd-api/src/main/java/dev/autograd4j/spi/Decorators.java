package dev.autograd4j.spi;

import dev.autograd4j.Device;

/**
 * Backends installed over the registry's backend of a device type while a debugging tool is open (shadow
 * mode, say): every op resolves the backend that runs its kernels here, which costs one array read when
 * nothing is installed. Installations nest; each {@link Installation#close()} restores what was there before.
 */
public final class Decorators {
    private static final Object LOCK = new Object();
    /** Per device type (by ordinal), the installed backend or null; replaced, never modified. */
    private static volatile Backend[] installed = new Backend[Device.Type.values().length];

    private Decorators() {
    }

    /**
     * The backend that runs kernels for tensors of {@code backend}: a decorator installed over it, or itself.
     *
     * @param backend a tensor's backend
     * @return the backend to call
     */
    public static Backend resolve(Backend backend) {
        Backend d = installed[backend.deviceType().ordinal()];
        return d != null ? d : backend;
    }

    /**
     * Installs a backend over a device type's until the returned installation is closed.
     *
     * @param type the device type whose kernels it takes over
     * @param decorator the backend that now runs them (it usually delegates to {@link Backends#forDevice})
     * @return the installation; close it (last opened, first closed) to restore the previous backend
     */
    public static Installation install(Device.Type type, Backend decorator) {
        synchronized (LOCK) {
            Backend[] next = installed.clone();
            Backend previous = next[type.ordinal()];
            next[type.ordinal()] = decorator;
            installed = next;
            return new Installation(type, decorator, previous);
        }
    }

    /** An installed decorator; closing it restores the backend that was there before. */
    public static final class Installation implements AutoCloseable {
        private final Device.Type type;
        private final Backend decorator;
        private final Backend previous;

        private Installation(Device.Type type, Backend decorator, Backend previous) {
            this.type = type;
            this.decorator = decorator;
            this.previous = previous;
        }

        /**
         * Restores the previous backend.
         *
         * @throws IllegalStateException when another installation over the same type is still open above it
         */
        @Override
        public void close() {
            synchronized (LOCK) {
                Backend[] next = installed.clone();
                if (next[type.ordinal()] != decorator) {
                    throw new IllegalStateException("decorators of " + type + " closed out of order");
                }
                next[type.ordinal()] = previous;
                installed = next;
            }
        }
    }
}
