package dev.autograd4j.distributed.nccl;

import java.util.HashMap;
import java.util.Map;

/** Runs the native loading once in a fresh JVM (a failed class initializer cannot be undone): for NcclLoadingTest. */
public final class NcclLoadingMain {
    private NcclLoadingMain() {
    }

    /**
     * Prints "available VERSION" or "unavailable REASON".
     *
     * @param args the explicit library path or "-", and a VIRTUAL_ENV folder or "-"
     */
    public static void main(String[] args) {
        String explicit = args[0].equals("-") ? null : args[0];
        Map<String, String> env = new HashMap<>();
        if (!args[1].equals("-")) {
            env.put("VIRTUAL_ENV", args[1]);
        }
        NcclLibrary.Probe p = NcclLibrary.loadNatives("linux-x86_64", explicit, env, "/nonexistent-home");
        System.out.println(p.available() ? "available " + p.version() : "unavailable " + p.reason());
    }
}
