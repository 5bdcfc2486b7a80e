// Reductions over the trailing dims: r<op>_<type> with op sum, max, min; and fused (log-)softmax.
//
// x is walked as kept dims (shape `kept`, strides xk) times reduced dims (shape `red`, strides xr);
// output o (row-major over kept) goes to out at os and, for max/min, its index to idx at is (idx may
// be null). The flat index within the reduced dims is row-major, as in the CPU backend. Sums
// accumulate in double (int64: in long long, wrapping); max/min compare in the same type, NaN wins, ties
// go to the first index.
// warpMode != 0: each warp reduces one output (many short rows); else each block reduces one.
#include "common.cuh"

#define SUM 0
#define MAX 1
#define MIN 2
#define NO_INDEX 0x7fffffffffffffffLL

// The accumulator: the value in the key type (long long for int64, so sums wrap as two's complement and
// max/min compare exactly, as the CPU backend; double for everything else) and the winner's flat index.
template <typename T> struct Key { typedef double type; };
template <> struct Key<long long> { typedef long long type; };

template <typename V> struct Acc {
    V v;
    long long i;
};

__device__ __forceinline__ double key_of(float x) { return (double)x; }
__device__ __forceinline__ double key_of(double x) { return x; }
__device__ __forceinline__ long long key_of(long long x) { return x; }
__device__ __forceinline__ double key_of(b8 x) { return x ? 1.0 : 0.0; }

template <typename T> __device__ __forceinline__ T from_key(double v) { return from_d<T>(v); }
template <typename T> __device__ __forceinline__ T from_key(long long v) { return (T)v; }  // only int64 rows

__device__ __forceinline__ double add_key(double a, double b) { return a + b; }
__device__ __forceinline__ long long add_key(long long a, long long b) {
    return (long long)((unsigned long long)a + (unsigned long long)b);  // wraps, no signed overflow
}

template <int OP> __device__ __forceinline__ double init_key(double) {
    return OP == SUM ? 0.0 : (OP == MAX ? -__longlong_as_double(0x7ff0000000000000LL)
                                        : __longlong_as_double(0x7ff0000000000000LL));
}
template <int OP> __device__ __forceinline__ long long init_key(long long) {
    return OP == SUM ? 0LL : (OP == MAX ? (long long)0x8000000000000000ULL : 0x7fffffffffffffffLL);
}

template <int OP, typename V> __device__ __forceinline__ Acc<V> acc_init() {
    Acc<V> a;
    a.v = init_key<OP>(V());
    a.i = NO_INDEX;
    return a;
}

// true when candidate c should replace best b
template <int OP, typename V> __device__ __forceinline__ bool better(const Acc<V>& c, const Acc<V>& b) {
    if (c.v != c.v) return b.v == b.v || c.i < b.i;  // NaN wins; the first NaN (never for int64)
    if (b.v != b.v) return false;
    if (c.v == b.v) return c.i < b.i;
    return OP == MAX ? c.v > b.v : c.v < b.v;
}

template <int OP, typename V> __device__ __forceinline__ Acc<V> combine(Acc<V> a, const Acc<V>& b) {
    if (OP == SUM) {
        a.v = add_key(a.v, b.v);
        return a;
    }
    return better<OP>(b, a) ? b : a;
}

template <int OP, typename V> __device__ __forceinline__ Acc<V> warp_reduce(Acc<V> a) {
#pragma unroll
    for (int d = 16; d > 0; d >>= 1) {
        Acc<V> o;
        o.v = __shfl_down_sync(0xffffffffu, a.v, d);
        o.i = __shfl_down_sync(0xffffffffu, a.i, d);
        a = combine<OP>(a, o);
    }
    return a;
}

template <typename T, int OP>
__device__ __forceinline__ Acc<typename Key<T>::type> partial(const T* x, int base, const Shape& red,
                                                              const Strides& xr, int start, int step) {
    typedef typename Key<T>::type V;
    Acc<V> a = acc_init<OP, V>();
    int inner = red.numel;
    for (int j = start; j < inner; j += step) {
        int off = base + offset1(j, red, xr) - xr.offset;
        Acc<V> c;
        c.v = key_of(x[off]);
        c.i = j;
        if (OP == SUM) {
            a.v = add_key(a.v, c.v);
        } else if (better<OP>(c, a)) {
            a = c;
        }
    }
    return a;
}

template <typename T, int OP, typename V>
__device__ __forceinline__ void write_out(const Acc<V>& a, int o, const Shape& kept, T* out, const Strides& os,
                                          long long* idx, const Strides& is) {
    int oo, io;
    offset2(o, kept, os, is, oo, io);
    out[oo] = from_key<T>(a.v);
    if (OP != SUM && idx != 0) idx[io] = a.i == NO_INDEX ? 0 : a.i;
}

template <typename T, int OP>
__device__ void reduce_impl(const T* x, const Strides& xk, const Strides& xr, const Shape& kept, const Shape& red,
                            T* out, const Strides& os, long long* idx, const Strides& is, int warpMode) {
    typedef typename Key<T>::type V;
    __shared__ V sv[32];
    __shared__ long long si[32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    int outer = kept.numel;
    if (warpMode) {
        for (int o = blockIdx.x * warps + warp; o < outer; o += gridDim.x * warps) {
            int base = offset1(o, kept, xk) + xr.offset;
            Acc<V> a = warp_reduce<OP>(partial<T, OP>(x, base, red, xr, lane, 32));
            if (lane == 0) write_out<T, OP>(a, o, kept, out, os, idx, is);
        }
        return;
    }
    for (int o = blockIdx.x; o < outer; o += gridDim.x) {
        int base = offset1(o, kept, xk) + xr.offset;
        Acc<V> a = warp_reduce<OP>(partial<T, OP>(x, base, red, xr, threadIdx.x, blockDim.x));
        if (lane == 0) {
            sv[warp] = a.v;
            si[warp] = a.i;
        }
        __syncthreads();
        if (warp == 0) {
            Acc<V> b = acc_init<OP, V>();
            if (lane < warps) {
                b.v = sv[lane];
                b.i = si[lane];
            }
            b = warp_reduce<OP>(b);
            if (lane == 0) write_out<T, OP>(b, o, kept, out, os, idx, is);
        }
        __syncthreads();
    }
}

#define REDUCE_KERNEL(Name, OPC, T, sfx) \
    extern "C" __global__ void r##Name##_##sfx(const T* x, Strides xk, Strides xr, Shape kept, Shape red, T* out, \
                                               Strides os, long long* idx, Strides is, int warpMode) { \
        reduce_impl<T, OPC>(x, xk, xr, kept, red, out, os, idx, is, warpMode); \
    }
#define REDUCE_ALL(T, sfx) REDUCE_KERNEL(sum, SUM, T, sfx) REDUCE_KERNEL(max, MAX, T, sfx) REDUCE_KERNEL(min, MIN, T, sfx)
FOR_ALL_TYPES(REDUCE_ALL)

// ---------------------------------------------------------------- softmax, log-softmax
// softmax_<type>: row o (row-major over `kept`) starts at offset2(o, kept, xk, ok) and holds n elements at
// stride xs in x (os in out). Per row: m = max, s = sum(exp(x - m)), then exp(x - m) / s or, with logMode,
// x - m - log(s); all in double. NaN anywhere in a row makes the sum, and so the whole row, NaN.
// warpMode != 0: one warp per row (short rows); else one block per row.

__device__ __forceinline__ double warp_all(double v, bool isMax) {
#pragma unroll
    for (int d = 16; d > 0; d >>= 1) {
        double o = __shfl_xor_sync(0xffffffffu, v, d);
        v = isMax ? fmax(v, o) : v + o;
    }
    return v;  // every lane holds the result, combined in the same order
}

__device__ __forceinline__ double block_all(double v, bool isMax, double* sh) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    v = warp_all(v, isMax);
    if (lane == 0) sh[warp] = v;
    __syncthreads();
    double r = sh[0];
    for (int w = 1; w < warps; ++w) r = isMax ? fmax(r, sh[w]) : r + sh[w];
    __syncthreads();  // sh is reused by the next reduction
    return r;
}

template <typename T>
__device__ void softmax_row(const T* x, int xo, int xs, T* out, int oo, int os, int n, int logMode, int start,
                            int step, bool block, double* sh) {
    double m = -__longlong_as_double(0x7ff0000000000000LL);
    for (int j = start; j < n; j += step) m = fmax(m, to_d(x[xo + j * xs]));
    m = block ? block_all(m, true, sh) : warp_all(m, true);
    double s = 0.0;
    for (int j = start; j < n; j += step) s += exp(to_d(x[xo + j * xs]) - m);
    s = block ? block_all(s, false, sh) : warp_all(s, false);
    double ls = log(s);
    for (int j = start; j < n; j += step) {
        double v = to_d(x[xo + j * xs]) - m;
        out[oo + j * os] = from_d<T>(logMode ? v - ls : exp(v) / s);
    }
}

template <typename T>
__device__ void softmax_impl(const T* x, const Strides& xk, int xs, T* out, const Strides& ok, int os,
                             const Shape& kept, int n, int logMode, int warpMode) {
    __shared__ double sh[32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    int rows = kept.numel;
    if (warpMode) {
        for (int o = blockIdx.x * warps + warp; o < rows; o += gridDim.x * warps) {
            int xo, oo;
            offset2(o, kept, xk, ok, xo, oo);
            softmax_row<T>(x, xo, xs, out, oo, os, n, logMode, lane, 32, false, sh);
        }
        return;
    }
    for (int o = blockIdx.x; o < rows; o += gridDim.x) {
        int xo, oo;
        offset2(o, kept, xk, ok, xo, oo);
        softmax_row<T>(x, xo, xs, out, oo, os, n, logMode, threadIdx.x, blockDim.x, true, sh);
    }
}

#define SOFTMAX_KERNEL(T, sfx) \
    extern "C" __global__ void softmax_##sfx(const T* x, Strides xk, int xs, T* out, Strides ok, int os, Shape kept, \
                                             int n, int logMode, int warpMode) { \
        softmax_impl<T>(x, xk, xs, out, ok, os, kept, n, logMode, warpMode); \
    }
FOR_FLOAT_TYPES(SOFTMAX_KERNEL)
