// The fallback matrix product, used when cuBLAS cannot be loaded (or -Dautograd4j.cuda.cublas=false):
// C[b] = A[b] x B[b] with A [batches, m, k], B [batches, k, n], C [batches, m, n], all strided
// (batch stride 0 broadcasts). 32x32 output tiles, 16x16 threads computing 2x2 outputs each,
// K slabs of 32 staged through shared memory. Accumulates in the element type.
#include "common.cuh"

#define TILE 32
#define TK 32

template <typename T>
__device__ void gemm_impl(int batches, int m, int n, int k, const T* A, int aOff, int as0, int as1, int as2,
                          const T* B, int bOff, int bs0, int bs1, int bs2, T* C, int cOff, int cs0, int cs1, int cs2) {
    __shared__ T sa[TK][TILE + 1];  // sa[kk][row]
    __shared__ T sb[TK][TILE + 1];  // sb[kk][col]
    int tx = threadIdx.x, ty = threadIdx.y, tid = ty * 16 + tx;
    int row0 = blockIdx.y * TILE, col0 = blockIdx.x * TILE;
    for (int bt = blockIdx.z; bt < batches; bt += gridDim.z) {
        const T* a = A + aOff + (long long)bt * as0;
        const T* b = B + bOff + (long long)bt * bs0;
        T acc00 = 0, acc01 = 0, acc10 = 0, acc11 = 0;
        for (int k0 = 0; k0 < k; k0 += TK) {
            // 256 threads load 32x32 elements of each tile: 4 each
#pragma unroll
            for (int r = 0; r < 4; ++r) {
                int e = tid + r * 256;
                int i = e / TK, kk = e % TK;  // A tile: row i, column kk
                int gi = row0 + i, gk = k0 + kk;
                sa[kk][i] = (gi < m && gk < k) ? a[(long long)gi * as1 + (long long)gk * as2] : (T)0;
                int kb = e / TILE, j = e % TILE;  // B tile: row kb, column j
                int gkb = k0 + kb, gj = col0 + j;
                sb[kb][j] = (gkb < k && gj < n) ? b[(long long)gkb * bs1 + (long long)gj * bs2] : (T)0;
            }
            __syncthreads();
#pragma unroll 8
            for (int kk = 0; kk < TK; ++kk) {
                T a0 = sa[kk][ty], a1 = sa[kk][ty + 16];
                T b0 = sb[kk][tx], b1 = sb[kk][tx + 16];
                acc00 += a0 * b0;
                acc01 += a0 * b1;
                acc10 += a1 * b0;
                acc11 += a1 * b1;
            }
            __syncthreads();
        }
        T* c = C + cOff + (long long)bt * cs0;
        int r0 = row0 + ty, r1 = row0 + ty + 16, c0 = col0 + tx, c1 = col0 + tx + 16;
        if (r0 < m && c0 < n) c[(long long)r0 * cs1 + (long long)c0 * cs2] = acc00;
        if (r0 < m && c1 < n) c[(long long)r0 * cs1 + (long long)c1 * cs2] = acc01;
        if (r1 < m && c0 < n) c[(long long)r1 * cs1 + (long long)c0 * cs2] = acc10;
        if (r1 < m && c1 < n) c[(long long)r1 * cs1 + (long long)c1 * cs2] = acc11;
    }
}

#define GEMM_KERNEL(T, sfx) \
    extern "C" __global__ void __launch_bounds__(256) gemm_##sfx(int batches, int m, int n, int k, const T* A, \
            int aOff, int as0, int as1, int as2, const T* B, int bOff, int bs0, int bs1, int bs2, T* C, int cOff, \
            int cs0, int cs1, int cs2) { \
        gemm_impl<T>(batches, m, n, k, A, aOff, as0, as1, as2, B, bOff, bs0, bs1, bs2, C, cOff, cs0, cs1, cs2); \
    }
FOR_FLOAT_TYPES(GEMM_KERNEL)
