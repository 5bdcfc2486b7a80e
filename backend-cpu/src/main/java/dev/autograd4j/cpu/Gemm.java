package dev.autograd4j.cpu;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Matrix product entry point: picks the Vector API kernel when {@code jdk.incubator.vector} is
 * enabled ({@code --add-modules=jdk.incubator.vector}) and not switched off
 * ({@link CpuSettings#vectorKernels()}, {@code -Dautograd4j.cpu.vector=false}), the plain Java kernel
 * otherwise. The choice is made once, at class initialisation, and logged once at INFO.
 *
 * <p>{@link GemmVector} is only ever named inside {@link VectorHolder}, which is initialised only
 * after the module check passed, so the JVM never tries to load Vector API classes without the
 * module.
 */
final class Gemm {
    private static final Logger LOG = LoggerFactory.getLogger(Gemm.class);

    /** The kernel in use; GemmKernel itself references no Vector API class. */
    private static final GemmKernel KERNEL;
    private static final String NAME;

    static {
        GemmKernel kernel = GemmPlain.INSTANCE;
        String name = "plain Java";
        String why;
        boolean present = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        boolean disabled = !CpuSettings.GLOBAL.chooseVectorKernels();
        if (!present) {
            why = "module jdk.incubator.vector not enabled (run with --add-modules=jdk.incubator.vector)";
        } else if (disabled) {
            why = "turned off in CpuBackend.settings() (-D" + CpuSettings.VECTOR_PROPERTY + "=false)";
        } else {
            GemmKernel vk = null;
            String vname = null;
            try {
                vk = VectorHolder.KERNEL;
                vname = VectorHolder.NAME;
            } catch (LinkageError | RuntimeException e) {
                LOG.warn("Vector API kernel failed to initialise, using plain Java: {}", e.toString());
            }
            if (vk != null) {
                kernel = vk;
                name = vname;
                LOG.debug("autograd4j CPU matmul blocks: {}", VectorHolder.BLOCKS);
            }
            why = vk != null ? "jdk.incubator.vector enabled" : "Vector API kernel unavailable";
        }
        KERNEL = kernel;
        NAME = name;
        LOG.info("autograd4j CPU matmul kernel: {} ({}), {} thread(s)", NAME, why, Parallel.threads());
    }

    /** Touches GemmVector only when initialised, i.e. after the module check. */
    private static final class VectorHolder {
        static final GemmKernel KERNEL = GemmVector.INSTANCE;
        static final String NAME = "Vector API (" + GemmVector.vectorBits() + "-bit)";
        static final String BLOCKS = GemmVector.blocks();
    }

    private Gemm() {
    }

    /**
     * C = A * B (overwrites C). A is m x k with element (i,p) at a[aOff + i*aRs + p*aCs];
     * B is k x n with element (p,j) at b[bOff + p*bRs + j*bCs]; C is row-major m x n at
     * c[cOff + i*ldc + j]. Strides may be anything (transposed views, broadcast stride 0).
     * k == 0 writes zeros; m or n == 0 does nothing.
     */
    static void sgemm(int m, int n, int k, float[] a, int aOff, int aRs, int aCs,
                      float[] b, int bOff, int bRs, int bCs, float[] c, int cOff, int ldc) {
        KERNEL.gemmF(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc);
    }

    /** As {@link #sgemm}, in double precision. */
    static void dgemm(int m, int n, int k, double[] a, int aOff, int aRs, int aCs,
                      double[] b, int bOff, int bRs, int bCs, double[] c, int cOff, int ldc) {
        KERNEL.gemmD(m, n, k, a, aOff, aRs, aCs, b, bOff, bRs, bCs, c, cOff, ldc);
    }

    /** "Vector API (512-bit)", "Vector API (256-bit)", ... or "plain Java". */
    static String kernelName() {
        return NAME;
    }
}
