// Strided copy / cast between all element types (copy_<src>_<dst>), fill_<type>, arange_<type>.
#include "common.cuh"

template <typename S, typename D> __device__ __forceinline__ D cast_to(S v) { return from_d<D>(to_d(v)); }
template <> __device__ __forceinline__ float cast_to<float, float>(float v) { return v; }
template <> __device__ __forceinline__ double cast_to<double, double>(double v) { return v; }
template <> __device__ __forceinline__ long long cast_to<long long, long long>(long long v) { return v; }
template <> __device__ __forceinline__ b8 cast_to<b8, b8>(b8 v) { return v; }
template <> __device__ __forceinline__ b8 cast_to<long long, b8>(long long v) { return v != 0 ? 1 : 0; }

#define COPY_KERNEL(S, ss, D, ds) \
    extern "C" __global__ void copy_##ss##_##ds(const S* x, Strides xs, D* out, Strides os, Shape sh) { \
        GRID_LOOP(i, sh.numel) { \
            int xi, oi; \
            offset2((int)i, sh, xs, os, xi, oi); \
            out[oi] = cast_to<S, D>(x[xi]); \
        } \
    }
#define COPY_FROM(S, ss) \
    COPY_KERNEL(S, ss, float, f32) COPY_KERNEL(S, ss, double, f64) COPY_KERNEL(S, ss, long long, i64) \
    COPY_KERNEL(S, ss, b8, b8)
FOR_ALL_TYPES(COPY_FROM)

#define FILL_KERNEL(T, sfx) \
    extern "C" __global__ void fill_##sfx(T* out, Strides os, Shape sh, double value) { \
        T v = from_d<T>(value); \
        GRID_LOOP(i, sh.numel) { out[offset1((int)i, sh, os)] = v; } \
    }
FOR_ALL_TYPES(FILL_KERNEL)

// out[offset + i * stride] = start + i * step, computed in double without FMA contraction (as Java does)
#define ARANGE_KERNEL(T, sfx) \
    extern "C" __global__ void arange_##sfx(T* out, int offset, int stride, int n, double start, double step) { \
        GRID_LOOP(i, n) { out[offset + (int)i * stride] = from_d<T>(__dadd_rn(start, __dmul_rn((double)i, step))); } \
    }
FOR_ALL_TYPES(ARANGE_KERNEL)
