package dev.autograd4j.spi;

import dev.autograd4j.DType;
import java.util.List;

/** How op tables name kernels per dtype: the suffixes the CUDA sources use ({@code f32 f64 i64 b8}). */
public final class KernelSymbols {
    /** Every dtype, in declaration order. */
    public static final List<DType> ALL = List.of(DType.values());
    /** The floating-point dtypes. */
    public static final List<DType> FLOATING = List.of(DType.FLOAT32, DType.FLOAT64);

    private KernelSymbols() {
    }

    /**
     * The symbol suffix of a dtype.
     *
     * @param dtype any dtype
     * @return {@code "f32"}, {@code "f64"}, {@code "i64"} or {@code "b8"}
     */
    public static String suffix(DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> "f32";
            case FLOAT64 -> "f64";
            case INT64 -> "i64";
            case BOOL -> "b8";
        };
    }
}
