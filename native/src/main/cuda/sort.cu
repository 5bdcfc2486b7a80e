// Stable sort of contiguous rows [rows, n] (the kernel of Backend.sort; the Java side makes the input contiguous
// and copies the results to strided outputs).
//
// Every element becomes a pair (key, position): the key is a 64-bit integer whose signed order is the element
// order (floats by their bits with the sign folded, -0.0 as 0.0, NaN above +inf; descending by complementing the
// key), the position its index in the row. Positions are unique, so the lexicographic order of pairs is total and
// any sorting network over pairs is a stable sort.
// 1. sort_chunks_<type>: one block per chunk of a row (a power of two, at most SORT_CHUNK elements) sorts its pairs
//    with a bitonic network in shared memory, padded with sentinels that sort last, and writes them back.
// 2. sort_merge_pass (rows longer than a chunk): merges sorted runs of `width` pairwise, each element finding its
//    place by a binary search in the other run (merge by rank); repeated with the width doubled.
// 3. sort_gather_<type>: values[i] = x[row, position[i]], indices[i] = position[i].
#include "common.cuh"

#define SORT_CHUNK 2048

__device__ __forceinline__ long long sort_key(double v) {
    if (v != v) return 0x7ff8000000000000LL;  // every NaN as the canonical one, above +inf
    if (v == 0.0) v = 0.0;                    // -0.0 equals 0.0
    long long bits = __double_as_longlong(v);
    return bits ^ ((bits >> 63) & 0x7fffffffffffffffLL);
}
__device__ __forceinline__ long long sort_key(float v) { return sort_key((double)v); }
__device__ __forceinline__ long long sort_key(long long v) { return v; }
__device__ __forceinline__ long long sort_key(b8 v) { return v ? 1LL : 0LL; }

__device__ __forceinline__ bool pair_less(long long ka, long long pa, long long kb, long long pb) {
    return ka < kb || (ka == kb && pa < pb);
}

#define SORT_CHUNKS_KERNEL(T, sfx) \
    extern "C" __global__ void sort_chunks_##sfx(const T* x, int rows, int n, int chunk, int descending, \
                                                 long long* keys, long long* pos) { \
        __shared__ long long sk[SORT_CHUNK]; \
        __shared__ long long sp[SORT_CHUNK]; \
        int segs = (n + chunk - 1) / chunk; \
        long long total = (long long)rows * segs; \
        for (long long seg = blockIdx.x; seg < total; seg += gridDim.x) { \
            long long r = seg / segs; \
            int base = (int)(seg - r * segs) * chunk; \
            int len = min(chunk, n - base); \
            long long rowStart = r * n; \
            for (int i = threadIdx.x; i < chunk; i += blockDim.x) { \
                if (i < len) { \
                    long long k = sort_key(x[rowStart + base + i]); \
                    sk[i] = descending ? ~k : k; \
                    sp[i] = base + i; \
                } else { \
                    sk[i] = 0x7fffffffffffffffLL; \
                    sp[i] = 0x7fffffffffffffffLL; \
                } \
            } \
            __syncthreads(); \
            for (int size = 2; size <= chunk; size <<= 1) { \
                for (int stride = size >> 1; stride > 0; stride >>= 1) { \
                    for (int i = threadIdx.x; i < (chunk >> 1); i += blockDim.x) { \
                        int lo = 2 * i - (i & (stride - 1)); \
                        int hi = lo + stride; \
                        bool up = (lo & size) == 0; \
                        bool swap = up ? pair_less(sk[hi], sp[hi], sk[lo], sp[lo]) \
                                       : pair_less(sk[lo], sp[lo], sk[hi], sp[hi]); \
                        if (swap) { \
                            long long tk = sk[lo]; sk[lo] = sk[hi]; sk[hi] = tk; \
                            long long tp = sp[lo]; sp[lo] = sp[hi]; sp[hi] = tp; \
                        } \
                    } \
                    __syncthreads(); \
                } \
            } \
            for (int i = threadIdx.x; i < len; i += blockDim.x) { \
                keys[rowStart + base + i] = sk[i]; \
                pos[rowStart + base + i] = sp[i]; \
            } \
            __syncthreads(); \
        } \
    }
FOR_ALL_TYPES(SORT_CHUNKS_KERNEL)

extern "C" __global__ void sort_merge_pass(const long long* kin, const long long* pin, long long* kout,
                                           long long* pout, int rows, int n, int width) {
    GRID_LOOP(i, (long long)rows * n) {
        long long r = i / n;
        int j = (int)(i - r * n);
        const long long* k = kin + r * n;
        const long long* p = pin + r * n;
        long long start = ((long long)j / (2LL * width)) * (2LL * width);
        int mid = (int)min(start + width, (long long)n);
        int end = (int)min(start + 2LL * width, (long long)n);
        long long key = k[j], position = p[j];
        int lo, hi, rank;
        if (j < mid) {
            lo = mid; hi = end; rank = j - (int)start;
        } else {
            lo = (int)start; hi = mid; rank = j - mid;
        }
        int a = lo, b = hi;  // how many pairs of the other run order before this one
        while (a < b) {
            int m = (int)(((unsigned)a + (unsigned)b) >> 1);
            if (pair_less(k[m], p[m], key, position)) a = m + 1; else b = m;
        }
        long long out = r * n + start + rank + (a - lo);
        kout[out] = key;
        pout[out] = position;
    }
}

#define SORT_GATHER_KERNEL(T, sfx) \
    extern "C" __global__ void sort_gather_##sfx(const T* x, const long long* pos, int rows, int n, T* values, \
                                                 long long* indices) { \
        GRID_LOOP(i, (long long)rows * n) { \
            long long r = i / n; \
            long long p = pos[i]; \
            values[i] = x[r * n + p]; \
            indices[i] = p; \
        } \
    }
FOR_ALL_TYPES(SORT_GATHER_KERNEL)
