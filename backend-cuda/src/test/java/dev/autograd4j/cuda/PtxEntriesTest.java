package dev.autograd4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.autograd4j.DType;
import dev.autograd4j.spi.BinaryOp;
import dev.autograd4j.spi.ReduceOp;
import dev.autograd4j.spi.UnaryOp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The op tables and the PTX agree: every op x dtype a table declares has its {@code .entry} in the module the
 * backend launches it from. Needs no GPU: it reads the PTX packaged by {@code dev.autograd4j:native}.
 */
class PtxEntriesTest {
    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+([A-Za-z0-9_]+)");

    static Set<String> entries(CudaModule module) throws IOException {
        try (InputStream in = CudaModule.class.getResourceAsStream(module.resource())) {
            assertNotNull(in, module.resource() + " is not on the class path");
            Matcher m = ENTRY.matcher(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            Set<String> names = new TreeSet<>();
            while (m.find()) {
                names.add(m.group(1));
            }
            return names;
        }
    }

    @Test
    void everyUnaryAndBinaryOpHasItsElementwiseKernels() throws IOException {
        Set<String> ptx = entries(CudaModule.ELEMENTWISE);
        List<String> missing = new ArrayList<>();
        for (UnaryOp op : UnaryOp.values()) {
            for (DType t : op.dtypes()) {
                if (!ptx.contains(op.cudaSymbol(t))) {
                    missing.add(op.cudaSymbol(t));
                }
            }
        }
        for (BinaryOp op : BinaryOp.values()) {
            for (DType t : op.dtypes()) {
                if (!ptx.contains(op.cudaSymbol(t))) {
                    missing.add(op.cudaSymbol(t));
                }
            }
        }
        assertEquals(List.of(), missing, "kernels the op tables declare but elementwise.ptx lacks");
    }

    @Test
    void everyReductionHasItsKernels() throws IOException {
        Set<String> ptx = entries(CudaModule.REDUCE);
        List<String> missing = new ArrayList<>();
        for (ReduceOp op : ReduceOp.values()) {
            for (DType t : op.dtypes()) {
                if (!ptx.contains(op.cudaSymbol(t))) {
                    missing.add(op.cudaSymbol(t));
                }
            }
        }
        assertEquals(List.of(), missing, "kernels ReduceOp declares but reduce.ptx lacks");
    }

    @Test
    void everyModuleLoadsFromTheClassPath() throws IOException {
        for (CudaModule module : CudaModule.values()) {
            assertNotNull(CudaModule.class.getResource(module.resource()), module.resource());
            if (entries(module).isEmpty()) {
                throw new AssertionError(module.resource() + " defines no kernel");
            }
        }
    }
}
