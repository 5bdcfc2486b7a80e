package dev.autograd4j;

import dev.autograd4j.spi.Storage;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Deterministic release of device memory. Tensors get their memory back when the garbage collector finds
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
 * (parameters) and optimizer state escape automatically. Using a released tensor on a GPU throws an
 * IllegalStateException that says so; the CPU backend leaves host memory to the garbage collector, so
 * there a scope releases nothing. Scopes nest, belong to the thread that opened them, and must be closed
 * innermost first.
 */
public final class MemoryScope implements AutoCloseable {
    private static final ThreadLocal<MemoryScope> CURRENT = new ThreadLocal<>();

    private final MemoryScope parent;
    private final Thread thread = Thread.currentThread();
    private final Set<Storage> owned = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    private MemoryScope(MemoryScope parent) {
        this.parent = parent;
    }

    /** Opens a scope on this thread, nested in the current one if any. */
    public static MemoryScope open() {
        MemoryScope scope = new MemoryScope(CURRENT.get());
        CURRENT.set(scope);
        return scope;
    }

    /** Keeps {@code tensor}'s storage (and so every view of it) alive past this scope; returns the tensor. */
    public Tensor keep(Tensor tensor) {
        Storage s = tensor.storageUnsafe();
        if (owned.remove(s) && parent != null) {
            parent.owned.add(s);
        }
        return tensor;
    }

    /** Number of storages this scope will release. */
    public int size() {
        return owned.size();
    }

    /** Called where a tensor's storage is created. */
    static Storage track(Storage storage) {
        MemoryScope scope = CURRENT.get();
        if (scope != null) {
            scope.owned.add(storage);
        }
        return storage;
    }

    /** Takes {@code tensor}'s storage out of every open scope of this thread (gradients, parameters, state). */
    public static Tensor escape(Tensor tensor) {
        if (tensor != null) {
            Storage s = tensor.storageUnsafe();
            for (MemoryScope scope = CURRENT.get(); scope != null; scope = scope.parent) {
                scope.owned.remove(s);
            }
        }
        return tensor;
    }

    /** Releases every storage created in this scope and not kept. */
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
        for (Storage s : owned) {
            s.release();
        }
        owned.clear();
    }
}
