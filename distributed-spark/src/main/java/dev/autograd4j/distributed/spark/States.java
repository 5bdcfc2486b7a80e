package dev.autograd4j.distributed.spark;

import dev.autograd4j.Tensor;
import dev.autograd4j.nn.StateDict;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** State dicts to bytes and back (the {@link StateDict} format), to ship them between driver and tasks. */
final class States {
    private States() {
    }

    static byte[] toBytes(Map<String, Tensor> state) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            StateDict.write(state, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static Map<String, Tensor> fromBytes(byte[] bytes) {
        try {
            return StateDict.read(new ByteArrayInputStream(bytes), "a state dict shipped by Spark");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The entries of {@code state} whose names start with {@code prefix}, without it. */
    static Map<String, Tensor> strip(Map<String, Tensor> state, String prefix) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                out.put(e.getKey().substring(prefix.length()), e.getValue());
            }
        }
        return out;
    }

    /** {@code state}'s entries with {@code prefix} before their names, added to {@code into}. */
    static void prefix(Map<String, Tensor> state, String prefix, Map<String, Tensor> into) {
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            into.put(prefix + e.getKey(), e.getValue());
        }
    }
}
