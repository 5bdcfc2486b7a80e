// Scatter with amax/amin along one dim (scatter_amax_<type>, scatter_amin_<type>), the kernels of
// scatter_reduce(..., "amax"/"amin"). Laid out as scatter_add in index.cu: the launch walks the index's shape
// with the source, the int64 index and the output viewed over the index's shape with stride 0 along dim; the
// element hit is out[offset + index * dimStride]. The API has checked every index against [0, dimSize) before
// the launch; an index out of range is skipped rather than touch memory outside the tensor.
//
// Floats reduce through a compare-and-swap loop on their bit pattern; a NaN wins (once the element is NaN it
// stays NaN), as PyTorch's scatter_reduce. int64 uses the hardware atomicMax/atomicMin.
#include "common.cuh"

__device__ __forceinline__ bool replaces(float v, float c, bool max) {
    return v != v || (c == c && (max ? v > c : v < c));
}
__device__ __forceinline__ bool replaces(double v, double c, bool max) {
    return v != v || (c == c && (max ? v > c : v < c));
}

__device__ __forceinline__ void atomic_extreme(float* p, float v, bool max) {
    int* a = (int*)p;
    int old = *a, assumed;
    do {
        assumed = old;
        if (!replaces(v, __int_as_float(assumed), max)) return;
        old = atomicCAS(a, assumed, __float_as_int(v));
    } while (assumed != old);
}

__device__ __forceinline__ void atomic_extreme(double* p, double v, bool max) {
    unsigned long long* a = (unsigned long long*)p;
    unsigned long long old = *a, assumed;
    do {
        assumed = old;
        if (!replaces(v, __longlong_as_double((long long)assumed), max)) return;
        old = atomicCAS(a, assumed, (unsigned long long)__double_as_longlong(v));
    } while (assumed != old);
}

__device__ __forceinline__ void atomic_extreme(long long* p, long long v, bool max) {
    if (max) {
        atomicMax(p, v);
    } else {
        atomicMin(p, v);
    }
}

#define SCATTER_EXTREME_KERNEL(T, sfx, name, isMax) \
    extern "C" __global__ void scatter_##name##_##sfx(const T* src, Strides ss, const long long* index, Strides is, \
                                                      T* out, Strides os, Shape sh, int dimStride, int dimSize) { \
        GRID_LOOP(i, sh.numel) { \
            int si, ii, oi; \
            offset3((int)i, sh, ss, is, os, si, ii, oi); \
            long long j = index[ii]; \
            if (j >= 0 && j < dimSize) atomic_extreme(out + oi + (int)j * dimStride, src[si], isMax); \
        } \
    }
SCATTER_EXTREME_KERNEL(float, f32, amax, true)
SCATTER_EXTREME_KERNEL(double, f64, amax, true)
SCATTER_EXTREME_KERNEL(long long, i64, amax, true)
SCATTER_EXTREME_KERNEL(float, f32, amin, false)
SCATTER_EXTREME_KERNEL(double, f64, amin, false)
SCATTER_EXTREME_KERNEL(long long, i64, amin, false)
