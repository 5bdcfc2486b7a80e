package dev.autograd4j.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autograd4j.DType;
import dev.autograd4j.spi.BinaryOp;
import dev.autograd4j.spi.KernelSymbols;
import dev.autograd4j.spi.ReduceOp;
import dev.autograd4j.spi.UnaryOp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.Function;
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

    /** The symbols of every op x dtype of a table that the PTX lacks. */
    private static <E> List<String> missing(Set<String> ptx, E[] ops, Function<E, List<DType>> dtypes,
                                            BiFunction<E, DType, String> symbol) {
        return Arrays.stream(ops).flatMap(op -> dtypes.apply(op).stream().map(t -> symbol.apply(op, t)))
                .filter(name -> !ptx.contains(name)).toList();
    }

    @Test
    void everyUnaryAndBinaryOpHasItsElementwiseKernels() throws IOException {
        Set<String> ptx = entries(CudaModule.ELEMENTWISE);
        assertEquals(List.of(), missing(ptx, UnaryOp.values(), UnaryOp::dtypes, UnaryOp::cudaSymbol),
                "UnaryOp kernels elementwise.ptx lacks");
        assertEquals(List.of(), missing(ptx, BinaryOp.values(), BinaryOp::dtypes, BinaryOp::cudaSymbol),
                "BinaryOp kernels elementwise.ptx lacks");
    }

    @Test
    void everyReductionHasItsKernels() throws IOException {
        assertEquals(List.of(), missing(entries(CudaModule.REDUCE), ReduceOp.values(), ReduceOp::dtypes,
                ReduceOp::cudaSymbol), "ReduceOp kernels reduce.ptx lacks");
    }

    @Test
    void gatherAndScatterAddHaveTheirKernels() throws IOException {
        Set<String> ptx = entries(CudaModule.INDEX);
        List<String> want = new java.util.ArrayList<>();
        for (DType t : DType.values()) {
            want.add("gather_" + KernelSymbols.suffix(t));
            if (t != DType.BOOL) { // bool accumulates through int64 (CudaBackend.scatterAdd)
                want.add("scatter_add_" + KernelSymbols.suffix(t));
            }
        }
        assertEquals(List.of(), want.stream().filter(name -> !ptx.contains(name)).toList(), "index.ptx lacks");
    }

    @Test
    void scatterAmaxAndAminHaveTheirKernels() throws IOException {
        Set<String> ptx = entries(CudaModule.SCATTER);
        List<String> want = new java.util.ArrayList<>();
        for (DType t : List.of(DType.FLOAT32, DType.FLOAT64, DType.INT64)) {
            want.add("scatter_amax_" + KernelSymbols.suffix(t));
            want.add("scatter_amin_" + KernelSymbols.suffix(t));
        }
        assertEquals(List.of(), want.stream().filter(name -> !ptx.contains(name)).toList(), "scatter.ptx lacks");
    }

    @Test
    void sortHasItsKernels() throws IOException {
        Set<String> ptx = entries(CudaModule.SORT);
        List<String> want = new java.util.ArrayList<>(List.of("sort_merge_pass"));
        for (DType t : DType.values()) {
            want.add("sort_chunks_" + KernelSymbols.suffix(t));
            want.add("sort_gather_" + KernelSymbols.suffix(t));
        }
        assertEquals(List.of(), want.stream().filter(name -> !ptx.contains(name)).toList(), "sort.ptx lacks");
    }

    @Test
    void im2colCol2imAndMaxPoolHaveTheirKernels() throws IOException {
        Set<String> ptx = entries(CudaModule.CONV);
        List<String> want = new java.util.ArrayList<>();
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            want.add("im2col_" + KernelSymbols.suffix(t));
            want.add("col2im_" + KernelSymbols.suffix(t));
            want.add("max_pool2d_" + KernelSymbols.suffix(t));
            want.add("max_pool2d_backward_" + KernelSymbols.suffix(t));
        }
        assertEquals(List.of(), want.stream().filter(name -> !ptx.contains(name)).toList(), "conv.ptx lacks");
    }

    @Test
    void normalizationHasItsKernels() throws IOException {
        Set<String> ptx = entries(CudaModule.NORM);
        List<String> want = new java.util.ArrayList<>();
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            want.add("norm_forward_" + KernelSymbols.suffix(t));
            want.add("norm_backward_" + KernelSymbols.suffix(t));
            want.add("norm_affine_backward_" + KernelSymbols.suffix(t));
        }
        assertEquals(List.of(), want.stream().filter(name -> !ptx.contains(name)).toList(), "norm.ptx lacks");
        Set<String> softmax = entries(CudaModule.SOFTMAX);
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            assertTrue(softmax.contains("softmax_backward_" + KernelSymbols.suffix(t)), "softmax.ptx lacks " + t);
        }
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
