package dev.autograd4j;

import dev.autograd4j.spi.Storage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Deterministic release of device memory, like DJL's {@code NDManager} (PyTorch relies on reference
 * counting instead). Tensors get their memory back when the garbage collector finds
 * them unreachable, which on a GPU can be late (see the CUDA backend's allocator). Inside
 * {@code try (var scope = MemoryScope.open()) { ... }} every storage created on this thread is released
 * when the scope closes, at once, whether or not the tensors are still referenced:
 *
 * <pre>{@code
 * for (var batch : batches) {
 *     try (var scope = MemoryScope.open()) {
 *         optimizer.zeroGrad();
 *         Tensor loss = lossFn.forward(model.forward(batch.x()), batch.y());
 *         loss.backward();
 *         optimizer.step();
 *         losses.add(loss.item());
 *     }   // activations, saved tensors and temporaries are back in the allocator's cache here
 * }
 * }</pre>
 *
 * <p>What outlives a scope: {@link #keep(Tensor)} hands a tensor's storage to the enclosing scope (or to
 * the garbage collector); gradients stored in {@code .grad}, tensors made to require gradients
 * (parameters) and optimizer state escape automatically. Using a released tensor throws an
 * IllegalStateException that says so, on a GPU and on the CPU, whose memory pool hands the array to the next
 * tensor of its size (a backend may also leave memory to the garbage collector and release nothing). Scopes
 * nest, belong to the thread that opened them, and must be closed innermost first.
 */
public final class MemoryScope implements AutoCloseable {
    private static final ThreadLocal<MemoryScope> CURRENT = new ThreadLocal<>();

    private final MemoryScope parent;
    private final Thread thread = Thread.currentThread();
    /**
     * The storages created in this scope (or kept into it), in order: a list, because a step creates thousands and
     * hashing each cost a third of a small op's time. Membership is asked only by keep and escape: a scan from
     * the newest (a gradient is made just before it escapes), with an identity index built once the scope is
     * large and a scan misses.
     */
    private final ArrayList<Storage> owned = new ArrayList<>();
    /** Storages of {@link #owned} kept or escaped since (made on first use). */
    private Set<Storage> removed;
    /** Identity index of {@link #owned}, built on demand for large scopes, then kept up to date. */
    private Set<Storage> index;
    private boolean closed;

    private MemoryScope(MemoryScope parent) {
        this.parent = parent;
    }

    /**
     * Opens a scope on this thread, nested in the current one if any; storages created on this thread
     * from now until it closes belong to it.
     *
     * @return the new scope, to close with try-with-resources
     */
    public static MemoryScope open() {
        MemoryScope scope = new MemoryScope(CURRENT.get());
        CURRENT.set(scope);
        return scope;
    }

    /**
     * Keeps {@code tensor}'s storage (and so every view of it) alive past this scope: it moves to the
     * enclosing scope, or to the garbage collector when there is none. A storage this scope does not own
     * is left where it is.
     *
     * @param tensor a tensor made inside this scope
     * @return {@code tensor}, for chaining
     */
    public Tensor keep(Tensor tensor) {
        Storage s = tensor.storageUnsafe();
        if (disown(s) && parent != null) {
            parent.add(s);
        }
        return tensor;
    }

    private void add(Storage s) {
        owned.add(s);
        if (index != null) {
            index.add(s);
        }
    }

    /** Whether this scope owns {@code s} (and will release it); if so, it no longer does. */
    private boolean disown(Storage s) {
        if (removed != null && removed.contains(s)) {
            return false;
        }
        boolean owns;
        if (index != null) {
            owns = index.contains(s);
        } else {
            owns = false;
            int n = owned.size();
            for (int i = n - 1; i >= 0; i--) {
                if (owned.get(i) == s) {
                    owns = true;
                    break;
                }
                if (n - i == 64 && n > 1024) { // a long scan: index the scope once
                    index = Collections.newSetFromMap(new IdentityHashMap<>(2 * n));
                    index.addAll(owned);
                    owns = index.contains(s);
                    break;
                }
            }
        }
        if (owns) {
            if (removed == null) {
                removed = Collections.newSetFromMap(new IdentityHashMap<>());
            }
            removed.add(s);
        }
        return owns;
    }

    /**
     * The number of storages this scope will release when it closes.
     *
     * @return the count (0 once closed)
     */
    public int size() {
        return owned.size() - (removed == null ? 0 : removed.size());
    }

    private static boolean contains(Storage[] storages, Storage s) {
        for (Storage t : storages) {
            if (t == s) {
                return true;
            }
        }
        return false;
    }

    /** Called where a tensor's storage is created. */
    static Storage track(Storage storage) {
        MemoryScope scope = CURRENT.get();
        if (scope != null) {
            scope.add(storage);
        }
        return storage;
    }

    /**
     * Takes {@code tensor}'s storage out of every open scope of this thread, leaving it to the garbage
     * collector; the library calls this for gradients, parameters and optimizer state.
     *
     * @param tensor the tensor to keep; null is allowed and returned as is
     * @return {@code tensor}, for chaining
     */
    public static Tensor escape(Tensor tensor) {
        if (tensor != null) {
            Storage s = tensor.storageUnsafe();
            for (MemoryScope scope = CURRENT.get(); scope != null; scope = scope.parent) {
                scope.disown(s);
            }
        }
        return tensor;
    }

    /**
     * Releases every storage created in this scope and not kept, and makes the enclosing scope current.
     * Closing again does nothing.
     *
     * @throws IllegalStateException if called from another thread than the one that opened the scope
     *         ({@code a MemoryScope must be closed by the thread that opened it (main), not by worker-1}),
     *         or while a scope nested in this one is still open
     *         ({@code MemoryScopes must be closed innermost first})
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("a MemoryScope must be closed by the thread that opened it ("
                    + thread.getName() + "), not by " + Thread.currentThread().getName());
        }
        if (CURRENT.get() != this) {
            throw new IllegalStateException("MemoryScopes must be closed innermost first");
        }
        closed = true;
        CURRENT.set(parent);
        // few storages leave a scope (the gradients): compared by identity, no hash per storage
        Storage[] left = removed == null ? new Storage[0]
                : removed.size() <= 16 ? removed.toArray(new Storage[0]) : null;
        for (Storage s : owned) {
            if (left != null ? !contains(left, s) : !removed.contains(s)) {
                s.release();
            }
        }
        owned.clear();
        removed = null;
        index = null;
    }
}
