// The first-order gradient of softmax and log-softmax (Backend.softmaxBackward) over contiguous rows of n:
// softmax_backward_<type>: out = y * (g - sum(g * y)); log: out = g - exp(y) * sum(g). One block per row; the row
// sum in double, per thread in index order, then warps by shuffles, then the warps in order (the same bits for
// every launch).
#include "common.cuh"

__device__ __forceinline__ double smb_block_sum(double v, double* sh) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
#pragma unroll
    for (int d = 16; d > 0; d >>= 1) v += __shfl_xor_sync(0xffffffffu, v, d);
    if (lane == 0) sh[warp] = v;
    __syncthreads();
    double r = sh[0];
    for (int w = 1; w < warps; ++w) r += sh[w];
    return r;
}

#define SOFTMAX_BACKWARD_KERNEL(T, sfx) \
    extern "C" __global__ void softmax_backward_##sfx(const T* y, int yOff, const T* g, int gOff, T* out, int rows, \
                                                      int n, int logMode) { \
        __shared__ double sh[32]; \
        long long r = blockIdx.x; \
        const T* yr = y + yOff + r * n; \
        const T* gr = g + gOff + r * n; \
        T* orow = out + r * n; \
        double s = 0; \
        for (int i = threadIdx.x; i < n; i += blockDim.x) s += logMode ? to_d(gr[i]) : to_d(gr[i]) * to_d(yr[i]); \
        s = smb_block_sum(s, sh); \
        for (int i = threadIdx.x; i < n; i += blockDim.x) { \
            double yv = to_d(yr[i]), gv = to_d(gr[i]); \
            orow[i] = (T)(logMode ? gv - exp(yv) * s : yv * (gv - s)); \
        } \
    }
FOR_FLOAT_TYPES(SOFTMAX_BACKWARD_KERNEL)
