// Shared definitions of the autograd4j CUDA kernels.
//
// Layouts arrive as two small by-value structs: one Shape per launch (the shape every operand is
// walked in, after the Java side dropped size-1 dims and merged dims that are contiguous for every
// operand, so a contiguous tensor arrives as rank 1 with stride 1) and one Strides per operand
// (element offset plus per-dim strides; stride 0 is a broadcast). The Java side (CudaLayouts) packs
// them as ints in exactly this order: Shape = {rank, numel, dims[8]}, Strides = {offset, s[8]}.
//
// Element types: f32 = float, f64 = double, i64 = long long, b8 = unsigned char (BOOL, 0 or 1).
// Casts follow the CPU backend (Java semantics): to int64 truncates toward zero, NaN gives 0 and
// out-of-range values saturate; to bool is "!= 0" (NaN gives true); int64 to float32 goes through
// float64, as CpuStorage.get/set do.
#pragma once

#define MAXD 8

struct Shape {
    int rank;
    int numel;
    int dims[MAXD];
};

struct Strides {
    int offset;
    int s[MAXD];
};

typedef unsigned char b8;

#define GRID_LOOP(i, n) \
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (long long)(n); \
         i += (long long)blockDim.x * gridDim.x)

// ---------------------------------------------------------------- conversions

__device__ __forceinline__ double to_d(float v) { return (double)v; }
__device__ __forceinline__ double to_d(double v) { return v; }
__device__ __forceinline__ double to_d(long long v) { return (double)v; }
__device__ __forceinline__ double to_d(b8 v) { return v ? 1.0 : 0.0; }

template <typename T> __device__ __forceinline__ T from_d(double v);
template <> __device__ __forceinline__ float from_d<float>(double v) { return (float)v; }
template <> __device__ __forceinline__ double from_d<double>(double v) { return v; }
template <> __device__ __forceinline__ long long from_d<long long>(double v) {
    if (v != v) return 0LL;
    if (v >= 9.2233720368547758e18) return 0x7fffffffffffffffLL;
    if (v <= -9.2233720368547758e18) return (long long)0x8000000000000000ULL;
    return (long long)v;
}
template <> __device__ __forceinline__ b8 from_d<b8>(double v) { return v != 0.0 ? (b8)1 : (b8)0; }

// The type elementwise math runs in: float for float32 (as PyTorch), long long for int64 (exact, with
// two's complement wrap-around, as the CPU backend's int64 formulas), double for float64 and bool.
template <typename T> struct Comp { typedef double type; };
template <> struct Comp<float> { typedef float type; };
template <> struct Comp<long long> { typedef long long type; };

// Loads as C and stores from C; the round trips through double are exact for float, and int64 never
// goes through double.
template <typename T> __device__ __forceinline__ typename Comp<T>::type load_c(T v) {
    return (typename Comp<T>::type)to_d(v);
}
template <> __device__ __forceinline__ long long load_c<long long>(long long v) { return v; }
template <typename T, typename C> struct StoreC {
    static __device__ __forceinline__ T f(C v) { return from_d<T>((double)v); }
};
template <> struct StoreC<long long, long long> {
    static __device__ __forceinline__ long long f(long long v) { return v; }
};
template <typename T, typename C> __device__ __forceinline__ T store_c(C v) { return StoreC<T, C>::f(v); }

// Integer arithmetic that wraps on overflow (through unsigned, where C++ defines it), as Java's long.
__device__ __forceinline__ long long wrap_add(long long a, long long b) {
    return (long long)((unsigned long long)a + (unsigned long long)b);
}
__device__ __forceinline__ long long wrap_sub(long long a, long long b) {
    return (long long)((unsigned long long)a - (unsigned long long)b);
}
__device__ __forceinline__ long long wrap_mul(long long a, long long b) {
    return (long long)((unsigned long long)a * (unsigned long long)b);
}

// ---------------------------------------------------------------- offsets

__device__ __forceinline__ int offset1(int i, const Shape& sh, const Strides& a) {
    if (sh.rank == 1) return a.offset + i * a.s[0];
    int oa = a.offset;
#pragma unroll
    for (int d = MAXD - 1; d >= 0; --d) {
        if (d < sh.rank) {
            int n = sh.dims[d], q = i / n, c = i - q * n;
            i = q;
            oa += c * a.s[d];
        }
    }
    return oa;
}

__device__ __forceinline__ void offset2(int i, const Shape& sh, const Strides& a, const Strides& b, int& oa,
                                        int& ob) {
    oa = a.offset;
    ob = b.offset;
    if (sh.rank == 1) {
        oa += i * a.s[0];
        ob += i * b.s[0];
        return;
    }
#pragma unroll
    for (int d = MAXD - 1; d >= 0; --d) {
        if (d < sh.rank) {
            int n = sh.dims[d], q = i / n, c = i - q * n;
            i = q;
            oa += c * a.s[d];
            ob += c * b.s[d];
        }
    }
}

__device__ __forceinline__ void offset3(int i, const Shape& sh, const Strides& a, const Strides& b,
                                        const Strides& o, int& oa, int& ob, int& oo) {
    oa = a.offset;
    ob = b.offset;
    oo = o.offset;
    if (sh.rank == 1) {
        oa += i * a.s[0];
        ob += i * b.s[0];
        oo += i * o.s[0];
        return;
    }
#pragma unroll
    for (int d = MAXD - 1; d >= 0; --d) {
        if (d < sh.rank) {
            int n = sh.dims[d], q = i / n, c = i - q * n;
            i = q;
            oa += c * a.s[d];
            ob += c * b.s[d];
            oo += c * o.s[d];
        }
    }
}

__device__ __forceinline__ void offset4(int i, const Shape& sh, const Strides& a, const Strides& b,
                                        const Strides& c4, const Strides& o, int& oa, int& ob, int& oc,
                                        int& oo) {
    oa = a.offset;
    ob = b.offset;
    oc = c4.offset;
    oo = o.offset;
#pragma unroll
    for (int d = MAXD - 1; d >= 0; --d) {
        if (d < sh.rank) {
            int n = sh.dims[d], q = i / n, c = i - q * n;
            i = q;
            oa += c * a.s[d];
            ob += c * b.s[d];
            oc += c * c4.s[d];
            oo += c * o.s[d];
        }
    }
}

// Instantiates a macro once per element type: M(T, suffix).
#define FOR_ALL_TYPES(M) M(float, f32) M(double, f64) M(long long, i64) M(b8, b8)
#define FOR_FLOAT_TYPES(M) M(float, f32) M(double, f64)
