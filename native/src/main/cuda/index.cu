// Gather and scatter-add along one dim (gather_<type>, scatter_add_<type>).
//
// Both walk the index's shape (Shape sh) with three operands: the data operand viewed over the index's shape
// with stride 0 along dim, the int64 index, and the other operand. The element at the index is then
// data[offset + index * dimStride]. The API has checked every index against [0, dimSize) with a device-side
// assert before the launch (Backend.assertNoneSet); the kernels skip an index out of range rather than touch
// memory outside the tensor.
#include "common.cuh"

#define GATHER_KERNEL(T, sfx) \
    extern "C" __global__ void gather_##sfx(const T* x, Strides xs, const long long* index, Strides is, T* out, \
                                            Strides os, Shape sh, int dimStride, int dimSize) { \
        GRID_LOOP(i, sh.numel) { \
            int xi, ii, oi; \
            offset3((int)i, sh, xs, is, os, xi, ii, oi); \
            long long j = index[ii]; \
            if (j >= 0 && j < dimSize) out[oi] = x[xi + (int)j * dimStride]; \
        } \
    }
FOR_ALL_TYPES(GATHER_KERNEL)

__device__ __forceinline__ void atomic_add(float* p, float v) { atomicAdd(p, v); }
__device__ __forceinline__ void atomic_add(double* p, double v) { atomicAdd(p, v); } // sm_60 and later
__device__ __forceinline__ void atomic_add(long long* p, long long v) {
    // two's complement: unsigned addition wraps exactly as Java's long does
    atomicAdd((unsigned long long*)p, (unsigned long long)v);
}

#define SCATTER_ADD_KERNEL(T, sfx) \
    extern "C" __global__ void scatter_add_##sfx(const T* src, Strides ss, const long long* index, Strides is, \
                                                 T* out, Strides os, Shape sh, int dimStride, int dimSize) { \
        GRID_LOOP(i, sh.numel) { \
            int si, ii, oi; \
            offset3((int)i, sh, ss, is, os, si, ii, oi); \
            long long j = index[ii]; \
            if (j >= 0 && j < dimSize) atomic_add(out + oi + (int)j * dimStride, src[si]); \
        } \
    }
SCATTER_ADD_KERNEL(float, f32)
SCATTER_ADD_KERNEL(double, f64)
SCATTER_ADD_KERNEL(long long, i64)
