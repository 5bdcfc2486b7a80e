package dev.autograd4j.cuda;

import dev.autograd4j.DType;
import dev.autograd4j.spi.KernelSymbols;
import java.util.concurrent.atomic.AtomicBoolean;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasMath;
import jcuda.jcublas.cublasOperation;
import jcuda.jcublas.cublasStatus;
import jcuda.runtime.cudaStream_t;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batched matrix products of one device. cuBLAS (JCublas2, strided-batched GEMM on the device's
 * stream) computes the row-major product C = A B as the column-major C^T = B^T A^T, so no operand is
 * transposed in memory; a product whose strides cuBLAS cannot express (broadcast rows, a
 * non-unit inner stride on both axes, a column-major output) runs on the kernel below. TF32 tensor-core
 * math stays off (float32 products are exact to float32, as on the CPU) unless {@link CudaSettings#tf32()}.
 * When libcublas.so.12 (or JCublas2's natives) cannot be loaded, or while {@link CudaSettings#cublas()} is
 * off, the tiled kernel {@code gemm_<type>} of native/src/main/cuda/gemm.cu runs instead; one warning says
 * so. Both settings are read at each product: the handle is created at the first product with cuBLAS on,
 * and its math mode follows the TF32 setting.
 */
final class CudaGemm {
    /** Output tile of the built-in kernel (gemm.cu's TILE): TILE x TILE elements per block. */
    private static final int TILE = 32;
    /** Threads per tile side: 16 x 16 threads, each computing 2 x 2 outputs. */
    private static final int TILE_THREADS = 16;
    /** The largest grid z-extent CUDA allows; more batches loop inside the kernel. */
    private static final int MAX_GRID_Z = 65535;

    private static final Logger LOG = LoggerFactory.getLogger(CudaGemm.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private final CudaDevice device;
    // guarded by this
    private cublasHandle handle; // created at the first product with cuBLAS on
    private String cublasError; // why cuBLAS could not be loaded; then it is never tried again
    private boolean handleTf32; // the handle's math mode

    CudaGemm(CudaDevice device) {
        this.device = device;
    }

    /** The cuBLAS handle to use now, in the math mode the settings ask for; null: the built-in kernel. */
    private synchronized cublasHandle handle() {
        CudaSettings settings = CudaSettings.GLOBAL;
        boolean tf32 = settings.tf32();
        if (!settings.cublas()) {
            warnFallback("turned off by CudaSettings.cublas (-D" + CudaSettings.CUBLAS_PROPERTY + "=false)");
            return null;
        }
        if (cublasError != null) {
            return null;
        }
        if (handle == null) {
            try {
                device.makeCurrent();
                JCublas2.setExceptionsEnabled(false);
                cublasHandle candidate = new cublasHandle();
                int rc = JCublas2.cublasCreate(candidate);
                if (rc != cublasStatus.CUBLAS_STATUS_SUCCESS) {
                    throw new IllegalStateException("cublasCreate: " + cublasStatus.stringFor(rc));
                }
                check(JCublas2.cublasSetStream(candidate, new cudaStream_t(device.stream)), "cublasSetStream");
                setMathMode(candidate, tf32);
                handle = candidate;
                LOG.info("autograd4j CUDA matmul on {}: cuBLAS strided-batched GEMM, TF32 {}", device.device(),
                        tf32 ? "on" : "off");
            } catch (Throwable t) { // UnsatisfiedLinkError when libcublas.so.12 is missing
                cublasError = "cuBLAS could not be loaded (" + t + ")";
                warnFallback(cublasError);
                return null;
            }
        } else if (tf32 != handleTf32) {
            setMathMode(handle, tf32);
            LOG.info("autograd4j CUDA matmul on {}: TF32 {}", device.device(), tf32 ? "on" : "off");
        }
        return handle;
    }

    private void setMathMode(cublasHandle h, boolean tf32) {
        check(JCublas2.cublasSetMathMode(h, tf32 ? cublasMath.CUBLAS_TF32_TENSOR_OP_MATH
                : cublasMath.CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
        handleTf32 = tf32;
    }

    private static void warnFallback(String why) {
        if (WARNED.compareAndSet(false, true)) {
            LOG.warn("autograd4j CUDA matmul uses the built-in GEMM kernel (slower than cuBLAS): {}", why);
        }
    }

    /** What products run on now: "cuBLAS", "cuBLAS (TF32 on)" or "built-in GEMM kernel". */
    synchronized String describe() {
        return handle() == null ? "built-in GEMM kernel" : "cuBLAS" + (handleTf32 ? " (TF32 on)" : "");
    }

    private static void check(int rc, String call) {
        if (rc != cublasStatus.CUBLAS_STATUS_SUCCESS) {
            throw new IllegalStateException(call + " failed: " + cublasStatus.stringFor(rc));
        }
    }

    /** How cuBLAS sees one row-major operand X (rows x cols) as the column-major X^T it needs. */
    private record Operand(int op, int ld) {
    }

    /** Null when the strides are neither row- nor column-major with a valid leading dimension. */
    private static Operand operand(int rows, int cols, int rs, int cs) {
        if ((cs == 1 || cols == 1) && (rows == 1 || rs >= Math.max(1, cols))) {
            return new Operand(cublasOperation.CUBLAS_OP_N, rows == 1 ? Math.max(1, cols) : rs);
        }
        if ((rs == 1 || rows == 1) && (cols == 1 || cs >= Math.max(1, rows))) {
            return new Operand(cublasOperation.CUBLAS_OP_T, cols == 1 ? Math.max(1, rows) : cs);
        }
        return null;
    }

    /**
     * out[b] = a[b] x b[b]; shapes [batches, m, k] x [batches, k, n] -> [batches, m, n], element offsets
     * and strides as in the layouts (already checked: same dtype, float32 or float64).
     */
    void matmul(DType dtype, int batches, int m, int n, int k, CUdeviceptr a, int aOff, int[] as, CUdeviceptr b,
                int bOff, int[] bs, CUdeviceptr c, int cOff, int[] cs) {
        cublasHandle handle = handle();
        if (handle == null) {
            kernel(dtype, batches, m, n, k, a, aOff, as, b, bOff, bs, c, cOff, cs);
            return;
        }
        Operand opA = operand(m, k, as[1], as[2]);
        Operand opB = operand(k, n, bs[1], bs[2]);
        Operand opC = operand(m, n, cs[1], cs[2]);
        if (opA == null || opB == null || opC == null || opC.op != cublasOperation.CUBLAS_OP_N
                || (batches > 1 && cs[0] == 0)) {
            // the kernel reads and writes any strides
            kernel(dtype, batches, m, n, k, a, aOff, as, b, bOff, bs, c, cOff, cs);
            return;
        }
        int es = dtype.byteSize();
        Pointer pa = a.withByteOffset((long) aOff * es), pb = b.withByteOffset((long) bOff * es);
        Pointer pc = c.withByteOffset((long) cOff * es);
        long sa = batches == 1 ? 0 : as[0], sb = batches == 1 ? 0 : bs[0], sc = batches == 1 ? 0 : cs[0];
        device.makeCurrent();
        device.queued("cublas" + (dtype == DType.FLOAT32 ? "S" : "D") + "gemmStridedBatched");
        int rc;
        if (dtype == DType.FLOAT32) {
            Pointer one = Pointer.to(new float[] {1f}), zero = Pointer.to(new float[] {0f});
            rc = JCublas2.cublasSgemmStridedBatched(handle, opB.op, opA.op, n, m, k, one, pb, opB.ld, sb, pa, opA.ld,
                    sa, zero, pc, opC.ld, sc, batches);
        } else {
            Pointer one = Pointer.to(new double[] {1d}), zero = Pointer.to(new double[] {0d});
            rc = JCublas2.cublasDgemmStridedBatched(handle, opB.op, opA.op, n, m, k, one, pb, opB.ld, sb, pa, opA.ld,
                    sa, zero, pc, opC.ld, sc, batches);
        }
        check(rc, "cublas" + (dtype == DType.FLOAT32 ? "S" : "D") + "gemmStridedBatched(m=" + m + ", n=" + n
                + ", k=" + k + ", batches=" + batches + ")");
    }

    private void kernel(DType dtype, int batches, int m, int n, int k, CUdeviceptr a, int aOff, int[] as,
                        CUdeviceptr b, int bOff, int[] bs, CUdeviceptr c, int cOff, int[] cs) {
        int gx = (n + TILE - 1) / TILE, gy = (m + TILE - 1) / TILE, gz = Math.min(batches, MAX_GRID_Z);
        device.launch(CudaModule.GEMM, "gemm_" + KernelSymbols.suffix(dtype), gx, gy, gz, TILE_THREADS, TILE_THREADS,
                Pointer.to(new int[] {batches}), Pointer.to(new int[] {m}), Pointer.to(new int[] {n}),
                Pointer.to(new int[] {k}),
                Pointer.to(a), Pointer.to(new int[] {aOff}), Pointer.to(new int[] {as[0]}),
                Pointer.to(new int[] {as[1]}), Pointer.to(new int[] {as[2]}),
                Pointer.to(b), Pointer.to(new int[] {bOff}), Pointer.to(new int[] {bs[0]}),
                Pointer.to(new int[] {bs[1]}), Pointer.to(new int[] {bs[2]}),
                Pointer.to(c), Pointer.to(new int[] {cOff}), Pointer.to(new int[] {cs[0]}),
                Pointer.to(new int[] {cs[1]}), Pointer.to(new int[] {cs[2]}));
    }
}
