package dev.autograd4j.cuda;

import dev.autograd4j.spi.KernelSymbols;
import dev.autograd4j.spi.NormShape;
import dev.autograd4j.spi.Storage;
import jcuda.Pointer;

/**
 * Launches of the fused normalization kernels of {@code norm.cu} ({@link CudaModule#NORM}): one block per
 * statistics row, and for the weight and bias gradients of group and layer norm one block per channel. Absent
 * operands are passed as the input's pointer with their flag clear.
 */
final class CudaNorms {
    private static final int THREADS = CudaDevice.THREADS;

    private CudaNorms() {
    }

    private static Pointer ptrOr(Storage s, CudaStorage fallback) {
        return Pointer.to((s == null ? fallback : (CudaStorage) s).ptr());
    }

    private static Pointer i(int v) {
        return Pointer.to(new int[] {v});
    }

    static void forward(NormShape sh, Storage xs, int xOffset, Storage weight, Storage bias, double eps,
                        Storage outS, Storage mean, Storage rstd, Storage var) {
        CudaStorage x = (CudaStorage) xs;
        CudaStorage out = (CudaStorage) outS;
        int rows = sh.rows();
        if (rows == 0 || sh.rowLength() == 0) {
            return;
        }
        int flags = (weight != null ? 1 : 0) | (bias != null ? 2 : 0) | (var != null ? 4 : 0);
        out.owner.makeCurrent();
        out.owner.launch(CudaModule.NORM, "norm_forward_" + KernelSymbols.suffix(x.dtype), rows, THREADS,
                Pointer.to(x.ptr()), i(xOffset), ptrOr(weight, x), ptrOr(bias, x), Pointer.to(out.ptr()),
                ptrOr(mean, x), ptrOr(rstd, x), ptrOr(var, x), i(sh.n()), i(sh.c()), i(sh.s()), i(sh.groups()),
                i(flags), Pointer.to(new double[] {eps}));
    }

    /** The caller handles an empty input (nothing to launch; the weight and bias gradients are zeros). */
    static void backward(NormShape sh, Storage gradS, int gradOffset, Storage xs, int xOffset, Storage mean,
                         Storage rstd, Storage weight, Storage dx, Storage dweight, Storage dbias) {
        CudaStorage x = (CudaStorage) xs;
        CudaStorage g = (CudaStorage) gradS;
        String sfx = KernelSymbols.suffix(x.dtype);
        int rows = sh.rows();
        x.owner.makeCurrent();
        boolean perChannel = sh.perChannel();
        int flags = (weight != null ? 1 : 0) | (dx != null ? 2 : 0);
        if (perChannel) {
            flags |= (dweight != null ? 4 : 0) | (dbias != null ? 8 : 0);
        }
        if (dx != null || perChannel) {
            x.owner.launch(CudaModule.NORM, "norm_backward_" + sfx, rows, THREADS, Pointer.to(g.ptr()),
                    i(gradOffset), Pointer.to(x.ptr()), i(xOffset), ptrOr(mean, x), ptrOr(rstd, x),
                    ptrOr(weight, x), ptrOr(dx, x), ptrOr(dweight, x), ptrOr(dbias, x), i(sh.n()), i(sh.c()),
                    i(sh.s()), i(sh.groups()), i(flags));
        }
        if (!perChannel && (dweight != null || dbias != null)) {
            int affine = (dweight != null ? 4 : 0) | (dbias != null ? 8 : 0);
            x.owner.launch(CudaModule.NORM, "norm_affine_backward_" + sfx, sh.c(), THREADS, Pointer.to(g.ptr()),
                    i(gradOffset), Pointer.to(x.ptr()), i(xOffset), ptrOr(mean, x), ptrOr(rstd, x),
                    ptrOr(dweight, x), ptrOr(dbias, x), i(sh.n()), i(sh.c()), i(sh.s()), i(sh.groups()), i(affine));
        }
    }
}
