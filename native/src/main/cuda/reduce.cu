// Reductions over the trailing dims: r<op>_<type> with op sum, max, min.
//
// x is walked as kept dims (shape `kept`, strides xk) times reduced dims (shape `red`, strides xr);
// output o (row-major over kept) goes to out at os and, for max/min, its index to idx at is (idx may
// be null). The flat index within the reduced dims is row-major, as in the CPU backend. Sums
// accumulate in double; max/min compare in double, NaN wins, ties go to the first index.
// warpMode != 0: each warp reduces one output (many short rows); else each block reduces one.
#include "common.cuh"

#define SUM 0
#define MAX 1
#define MIN 2
#define NO_INDEX 0x7fffffffffffffffLL

struct Acc {
    double v;
    long long i;
};

template <int OP> __device__ __forceinline__ Acc acc_init() {
    Acc a;
    a.v = OP == SUM ? 0.0 : (OP == MAX ? -__longlong_as_double(0x7ff0000000000000LL)
                                       : __longlong_as_double(0x7ff0000000000000LL));
    a.i = NO_INDEX;
    return a;
}

// true when candidate c should replace best b
template <int OP> __device__ __forceinline__ bool better(const Acc& c, const Acc& b) {
    if (c.v != c.v) return b.v == b.v || c.i < b.i;  // NaN wins; the first NaN
    if (b.v != b.v) return false;
    if (c.v == b.v) return c.i < b.i;
    return OP == MAX ? c.v > b.v : c.v < b.v;
}

template <int OP> __device__ __forceinline__ Acc combine(Acc a, const Acc& b) {
    if (OP == SUM) {
        a.v += b.v;
        return a;
    }
    return better<OP>(b, a) ? b : a;
}

template <int OP> __device__ __forceinline__ Acc warp_reduce(Acc a) {
#pragma unroll
    for (int d = 16; d > 0; d >>= 1) {
        Acc o;
        o.v = __shfl_down_sync(0xffffffffu, a.v, d);
        o.i = __shfl_down_sync(0xffffffffu, a.i, d);
        a = combine<OP>(a, o);
    }
    return a;
}

template <typename T, int OP>
__device__ __forceinline__ Acc partial(const T* x, int base, const Shape& red, const Strides& xr, int start, int step) {
    Acc a = acc_init<OP>();
    int inner = red.numel;
    for (int j = start; j < inner; j += step) {
        int off = base + offset1(j, red, xr) - xr.offset;
        Acc c;
        c.v = to_d(x[off]);
        c.i = j;
        if (OP == SUM) {
            a.v += c.v;
        } else if (better<OP>(c, a)) {
            a = c;
        }
    }
    return a;
}

template <typename T, int OP>
__device__ __forceinline__ void write_out(const Acc& a, int o, const Shape& kept, T* out, const Strides& os,
                                          long long* idx, const Strides& is) {
    int oo, io;
    offset2(o, kept, os, is, oo, io);
    out[oo] = from_d<T>(a.v);
    if (OP != SUM && idx != 0) idx[io] = a.i == NO_INDEX ? 0 : a.i;
}

template <typename T, int OP>
__device__ void reduce_impl(const T* x, const Strides& xk, const Strides& xr, const Shape& kept, const Shape& red,
                            T* out, const Strides& os, long long* idx, const Strides& is, int warpMode) {
    __shared__ double sv[32];
    __shared__ long long si[32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = blockDim.x >> 5;
    int outer = kept.numel;
    if (warpMode) {
        for (int o = blockIdx.x * warps + warp; o < outer; o += gridDim.x * warps) {
            int base = offset1(o, kept, xk) + xr.offset;
            Acc a = warp_reduce<OP>(partial<T, OP>(x, base, red, xr, lane, 32));
            if (lane == 0) write_out<T, OP>(a, o, kept, out, os, idx, is);
        }
        return;
    }
    for (int o = blockIdx.x; o < outer; o += gridDim.x) {
        int base = offset1(o, kept, xk) + xr.offset;
        Acc a = warp_reduce<OP>(partial<T, OP>(x, base, red, xr, threadIdx.x, blockDim.x));
        if (lane == 0) {
            sv[warp] = a.v;
            si[warp] = a.i;
        }
        __syncthreads();
        if (warp == 0) {
            Acc b = acc_init<OP>();
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
