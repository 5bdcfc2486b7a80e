// Fused normalization (Backend.normForward / normBackward, spi.NormShape): batch, layer and group norm over a
// contiguous input read as [n, c, s]. groups == 0 is batch norm: statistics row r is channel r, over its n * s
// values (n segments of s at stride c * s). groups >= 1: row r is sample r / groups, group r % groups, over its
// c / groups * s consecutive values; layer norm is groups = 1, s = 1. One block per statistics row (or, for
// the weight and bias gradients of group and layer norm, one block per channel); sums in double, combined in a
// fixed order (per thread in index order, then warps by shuffles, then the warps in order), so the bits do not
// depend on the launch.
//
// norm_forward_<type>: mean, biased variance (second pass over the row), rstd = 1 / sqrt(var + eps), then
//   out = (x - mean) * rstd * w[ch] + b[ch]. flags: 1 = w given, 2 = b given, 4 = var wanted.
// norm_backward_<type>: xhat = (x - mean) * rstd, gx = g * w[ch]; dx = rstd * (gx - mean(gx) - xhat *
//   mean(gx * xhat)); for batch norm also dw[r] = sum(g * xhat), db[r] = sum(g). flags: 1 = w, 2 = dx, 4 = dw,
//   8 = db.
// norm_affine_backward_<type>: group and layer norm, per channel dw = sum(g * xhat), db = sum(g) over the
//   channel's n * s values. flags: 4 = dw, 8 = db.
// Absent operands arrive as some valid pointer with their flag clear.
#include "common.cuh"

#define NORM_THREADS 256

// Sums a and b over the block; every thread gets both results. sh holds 2 * 32 doubles.
__device__ __forceinline__ void norm_block_sum2(double& a, double& b, double* sh) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
#pragma unroll
    for (int d = 16; d > 0; d >>= 1) {
        a += __shfl_xor_sync(0xffffffffu, a, d);
        b += __shfl_xor_sync(0xffffffffu, b, d);
    }
    __syncthreads();  // sh may still be read from a previous call
    if (lane == 0) {
        sh[warp] = a;
        sh[32 + warp] = b;
    }
    __syncthreads();
    double ra = sh[0], rb = sh[32];
    for (int w = 1; w < warps; ++w) {
        ra += sh[w];
        rb += sh[32 + w];
    }
    a = ra;
    b = rb;
}

// The element offset of value j of statistics row r, and its channel.
__device__ __forceinline__ long long norm_at(int r, int j, int n, int c, int s, int groups, int len, int* ch) {
    if (groups == 0) {
        int k = j / s, t = j - k * s;
        *ch = r;
        return (long long)k * c * s + (long long)r * s + t;
    }
    int cg = c / groups;
    *ch = (r % groups) * cg + j / s;
    return (long long)r * len + j;
}

#define NORM_KERNELS(T, sfx) \
    extern "C" __global__ void norm_forward_##sfx(const T* x, int xOff, const T* w, const T* b, T* out, T* mean, \
                                                  T* rstd, T* var, int n, int c, int s, int groups, int flags, \
                                                  double eps) { \
        __shared__ double sh[64]; \
        int r = blockIdx.x; \
        int len = groups == 0 ? n * s : c / groups * s; \
        int ch; \
        double a = 0, unused = 0; \
        for (int j = threadIdx.x; j < len; j += blockDim.x) a += to_d(x[xOff + norm_at(r, j, n, c, s, groups, len, &ch)]); \
        norm_block_sum2(a, unused, sh); \
        double m = a / len; \
        double q = 0; \
        unused = 0; \
        for (int j = threadIdx.x; j < len; j += blockDim.x) { \
            double d = to_d(x[xOff + norm_at(r, j, n, c, s, groups, len, &ch)]) - m; \
            q += d * d; \
        } \
        norm_block_sum2(q, unused, sh); \
        double v = q / len; \
        double rs = 1.0 / sqrt(v + eps); \
        if (threadIdx.x == 0) { \
            mean[r] = (T)m; \
            rstd[r] = (T)rs; \
            if (flags & 4) var[r] = (T)v; \
        } \
        for (int j = threadIdx.x; j < len; j += blockDim.x) { \
            long long at = norm_at(r, j, n, c, s, groups, len, &ch); \
            double wv = (flags & 1) ? to_d(w[ch]) : 1.0, bv = (flags & 2) ? to_d(b[ch]) : 0.0; \
            out[at] = (T)((to_d(x[xOff + at]) - m) * (rs * wv) + bv); \
        } \
    } \
    extern "C" __global__ void norm_backward_##sfx(const T* g, int gOff, const T* x, int xOff, const T* mean, \
                                                   const T* rstd, const T* w, T* dx, T* dw, T* db, int n, int c, \
                                                   int s, int groups, int flags) { \
        __shared__ double sh[64]; \
        int r = blockIdx.x; \
        int len = groups == 0 ? n * s : c / groups * s; \
        int ch; \
        double m = to_d(mean[r]), rs = to_d(rstd[r]); \
        double s1 = 0, s2 = 0; \
        for (int j = threadIdx.x; j < len; j += blockDim.x) { \
            long long at = norm_at(r, j, n, c, s, groups, len, &ch); \
            double gv = to_d(g[gOff + at]), xh = (to_d(x[xOff + at]) - m) * rs; \
            if (groups != 0 && (flags & 1)) gv *= to_d(w[ch]); \
            s1 += gv; \
            s2 += gv * xh; \
        } \
        norm_block_sum2(s1, s2, sh); \
        double scale = rs; \
        if (groups == 0) { \
            if (threadIdx.x == 0) { \
                if (flags & 4) dw[r] = (T)s2; \
                if (flags & 8) db[r] = (T)s1; \
            } \
            if (flags & 1) scale *= to_d(w[r]); \
        } \
        if (!(flags & 2)) return; \
        double m1 = s1 / len, m2 = s2 / len; \
        for (int j = threadIdx.x; j < len; j += blockDim.x) { \
            long long at = norm_at(r, j, n, c, s, groups, len, &ch); \
            double gv = to_d(g[gOff + at]), xh = (to_d(x[xOff + at]) - m) * rs; \
            if (groups != 0 && (flags & 1)) gv *= to_d(w[ch]); \
            dx[at] = (T)((gv - m1 - xh * m2) * scale); \
        } \
    } \
    extern "C" __global__ void norm_affine_backward_##sfx(const T* g, int gOff, const T* x, int xOff, \
                                                          const T* mean, const T* rstd, T* dw, T* db, int n, int c, \
                                                          int s, int groups, int flags) { \
        __shared__ double sh[64]; \
        int chn = blockIdx.x, cg = c / groups, total = n * s; \
        double aw = 0, ab = 0; \
        for (int q = threadIdx.x; q < total; q += blockDim.x) { \
            int ni = q / s, t = q - ni * s; \
            int r = ni * groups + chn / cg; \
            long long at = (long long)ni * c * s + (long long)chn * s + t; \
            double gv = to_d(g[gOff + at]); \
            aw += gv * ((to_d(x[xOff + at]) - to_d(mean[r])) * to_d(rstd[r])); \
            ab += gv; \
        } \
        norm_block_sum2(aw, ab, sh); \
        if (threadIdx.x == 0) { \
            if (flags & 4) dw[chn] = (T)aw; \
            if (flags & 8) db[chn] = (T)ab; \
        } \
    }
FOR_FLOAT_TYPES(NORM_KERNELS)
