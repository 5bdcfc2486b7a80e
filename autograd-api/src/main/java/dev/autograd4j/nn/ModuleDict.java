package dev.autograd4j.nn;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Modules by name, registered as children in insertion order, like {@code torch.nn.ModuleDict}: their
 * parameters and buffers belong to the owner under {@code "name.weight"}; there is no forward.
 */
public class ModuleDict extends Module {
    private final Map<String, Module> modules = new LinkedHashMap<>();

    /** An empty dict. */
    public ModuleDict() {
    }

    /**
     * A dict of the given modules, in the map's iteration order.
     *
     * @param modules the modules by name
     * @throws IllegalArgumentException if a name is invalid or a module null
     */
    public ModuleDict(Map<String, ? extends Module> modules) {
        modules.forEach(this::put);
    }

    /**
     * Adds or replaces module {@code name}, like {@code ModuleDict[name] = module}.
     *
     * @param name a non-empty name without {@code '.'}
     * @param module the module
     * @return this dict
     * @throws IllegalArgumentException if the name is invalid or {@code module} is null
     */
    public ModuleDict put(String name, Module module) {
        registerModule(name, module);
        modules.put(name, module);
        return this;
    }

    /**
     * The module of that name.
     *
     * @param name a key
     * @return the module
     * @throws IllegalArgumentException if there is none ({@code ModuleDict has no key 'x'})
     */
    public Module get(String name) {
        Module m = modules.get(name);
        if (m == null) {
            throw new IllegalArgumentException("ModuleDict has no key '" + name + "'");
        }
        return m;
    }

    /**
     * Whether a module has that name.
     *
     * @param name a key
     * @return true if present
     */
    public boolean containsKey(String name) {
        return modules.containsKey(name);
    }

    /**
     * The names in insertion order.
     *
     * @return an unmodifiable view
     */
    public Set<String> keySet() {
        return Collections.unmodifiableSet(modules.keySet());
    }

    /**
     * The number of modules.
     *
     * @return the size
     */
    public int size() {
        return modules.size();
    }
}
