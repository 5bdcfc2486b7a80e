package dev.autograd4j.nn;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Modules in a list, registered as children {@code "0"}, {@code "1"}, ..., like {@code torch.nn.ModuleList}:
 * their parameters and buffers belong to the owner, but there is no forward (call the modules yourself).
 */
public class ModuleList extends Module implements Iterable<Module> {
    private final List<Module> modules = new ArrayList<>();

    /**
     * A list of the given modules, in order.
     *
     * @param modules the modules
     */
    public ModuleList(Module... modules) {
        for (Module m : modules) {
            add(m);
        }
    }

    /**
     * Appends a module, like {@code ModuleList.append}.
     *
     * @param module the module
     * @return this list
     * @throws IllegalArgumentException if {@code module} is null
     */
    public ModuleList add(Module module) {
        registerModule(Integer.toString(modules.size()), module);
        modules.add(module);
        return this;
    }

    /**
     * The module at {@code index}.
     *
     * @param index a position; negative counts from the end
     * @return the module
     * @throws IndexOutOfBoundsException if {@code index} is out of range ({@code index 3 is out of range})
     */
    public Module get(int index) {
        int i = index < 0 ? index + modules.size() : index;
        if (i < 0 || i >= modules.size()) {
            throw new IndexOutOfBoundsException("index " + index + " is out of range");
        }
        return modules.get(i);
    }

    /**
     * The number of modules.
     *
     * @return the size
     */
    public int size() {
        return modules.size();
    }

    /**
     * The modules in order.
     *
     * @return an iterator over an unmodifiable view
     */
    @Override
    public Iterator<Module> iterator() {
        return java.util.Collections.unmodifiableList(modules).iterator();
    }
}
