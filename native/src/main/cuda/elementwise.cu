// Elementwise kernels: unary ops (u<op>_<type>), binary ops and comparisons (b<op>_<type>), where.
// Names follow the op tables: UnaryOp.cudaSymbol / BinaryOp.cudaSymbol in autograd-api's spi package.
// Formulas mirror the tables' float64 formulas (the CPU kernels); ops with a scalar parameter compute in
// double, as there.
#include "common.cuh"

// ---------------------------------------------------------------- math overloads
#define MATH1(name, ff, df) \
    __device__ __forceinline__ float name(float x) { return ff(x); } \
    __device__ __forceinline__ double name(double x) { return df(x); }
MATH1(m_exp, expf, exp)
MATH1(m_expm1, expm1f, expm1)
MATH1(m_log, logf, log)
MATH1(m_log1p, log1pf, log1p)
MATH1(m_log2, log2f, log2)
MATH1(m_log10, log10f, log10)
MATH1(m_sqrt, sqrtf, sqrt)
MATH1(m_rsqrt, rsqrtf, rsqrt)
MATH1(m_abs, fabsf, fabs)
MATH1(m_tanh, tanhf, tanh)
MATH1(m_sin, sinf, sin)
MATH1(m_cos, cosf, cos)
MATH1(m_floor, floorf, floor)
MATH1(m_ceil, ceilf, ceil)
MATH1(m_rint, rintf, rint)
MATH1(m_trunc, truncf, trunc)
MATH1(m_erf, erff, erf)
MATH1(m_erfc, erfcf, erfc)

// int64 overloads (Comp<long long> is long long): exact, wrapping as Java's long
__device__ __forceinline__ long long m_abs(long long x) { return x < 0 ? wrap_sub(0, x) : x; }
__device__ __forceinline__ long long m_neg(long long x) { return wrap_sub(0, x); }
__device__ __forceinline__ float m_neg(float x) { return -x; }
__device__ __forceinline__ double m_neg(double x) { return -x; }
__device__ __forceinline__ long long m_floor(long long x) { return x; }
__device__ __forceinline__ long long m_ceil(long long x) { return x; }
__device__ __forceinline__ long long m_rint(long long x) { return x; }
__device__ __forceinline__ long long m_trunc(long long x) { return x; }
__device__ __forceinline__ bool m_signbit(float x) { return signbit(x); }
__device__ __forceinline__ bool m_signbit(double x) { return signbit(x); }
__device__ __forceinline__ bool m_signbit(long long x) { return x < 0; }
#define ARITH2(name, op, wrap) \
    __device__ __forceinline__ float name(float a, float b) { return a op b; } \
    __device__ __forceinline__ double name(double a, double b) { return a op b; } \
    __device__ __forceinline__ long long name(long long a, long long b) { return wrap(a, b); }
ARITH2(m_add, +, wrap_add)
ARITH2(m_sub, -, wrap_sub)
ARITH2(m_mul, *, wrap_mul)

// The real type an int64 op falls back to for formulas without an integer form (as the CPU's float64 formula).
template <typename C> struct Real { typedef C type; };
template <> struct Real<long long> { typedef double type; };

// 1 / (1 + e^-x) without overflow, as ScalarFunctions.sigmoid
template <typename C> __device__ __forceinline__ C m_sigmoid(C x) {
    return x >= (C)0 ? (C)1 / ((C)1 + m_exp(-x)) : m_exp(x) / ((C)1 + m_exp(x));
}

// ---------------------------------------------------------------- unary kernels
// One kernel per op and dtype: u<op>_<type>. UOP(Name, expr) declares an op (a device function of x, with
// the scalar parameters p0 and p1, in the compute type C) and instantiates its kernels for every dtype;
// UOP_FLOAT for float32 and float64 only. The Java op table (spi.UnaryOp) names the dtypes each op must
// serve, and PtxEntriesTest checks that every one of them is here.
template <typename T, typename Op>
__device__ __forceinline__ void unary_impl(const T* x, const Strides& xs, T* out, const Strides& os,
                                           const Shape& sh, double p0, double p1) {
    typedef typename Comp<T>::type C;
    if (sh.rank == 1 && xs.s[0] == 1 && os.s[0] == 1) {  // contiguous: four loads in flight per thread
        const T* xp = x + xs.offset;
        T* op = out + os.offset;
        long long n = sh.numel, step = (long long)blockDim.x * gridDim.x;
        long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
        for (; i + 3 * step < n; i += 4 * step) {
            C v0 = load_c(xp[i]), v1 = load_c(xp[i + step]), v2 = load_c(xp[i + 2 * step]);
            C v3 = load_c(xp[i + 3 * step]);
            op[i] = store_c<T>(Op::template f<C>(v0, p0, p1));
            op[i + step] = store_c<T>(Op::template f<C>(v1, p0, p1));
            op[i + 2 * step] = store_c<T>(Op::template f<C>(v2, p0, p1));
            op[i + 3 * step] = store_c<T>(Op::template f<C>(v3, p0, p1));
        }
        for (; i < n; i += step) op[i] = store_c<T>(Op::template f<C>(load_c(xp[i]), p0, p1));
        return;
    }
    GRID_LOOP(i, sh.numel) {
        int xi, oi;
        offset2((int)i, sh, xs, os, xi, oi);
        out[oi] = store_c<T>(Op::template f<C>(load_c(x[xi]), p0, p1));
    }
}

#define UNARY_KERNEL(Name, T, sfx) \
    extern "C" __global__ void u##Name##_##sfx(const T* x, Strides xs, T* out, Strides os, Shape sh, double p0, \
                                               double p1) { \
        unary_impl<T, U_##Name>(x, xs, out, os, sh, p0, p1); \
    }
#define UOP_STRUCT(Name, expr) \
    struct U_##Name { \
        template <typename C> __device__ __forceinline__ static C f(C x, double p0, double p1) { return (expr); } \
    };
#define UOP(Name, expr) UOP_STRUCT(Name, expr) \
    UNARY_KERNEL(Name, float, f32) UNARY_KERNEL(Name, double, f64) UNARY_KERNEL(Name, long long, i64) \
    UNARY_KERNEL(Name, b8, b8)
#define UOP_FLOAT(Name, expr) UOP_STRUCT(Name, expr) \
    UNARY_KERNEL(Name, float, f32) UNARY_KERNEL(Name, double, f64)

UOP(neg, m_neg(x))
UOP_FLOAT(exp, m_exp(x))
UOP_FLOAT(expm1, m_expm1(x))
UOP_FLOAT(log, m_log(x))
UOP_FLOAT(log1p, m_log1p(x))
UOP_FLOAT(log2, m_log2(x))
UOP_FLOAT(log10, m_log10(x))
UOP_FLOAT(sqrt, m_sqrt(x))
UOP_FLOAT(rsqrt, m_rsqrt(x))
UOP(abs, m_abs(x))
// PyTorch's (0 < x) - (x < 0): NaN and -0.0 give 0
UOP(sign, x > (C)0 ? (C)1 : (x < (C)0 ? (C)-1 : (C)0))
UOP(floor, m_floor(x))
UOP(ceil, m_ceil(x))
UOP(round, m_rint(x))  // halves to even, as torch.round
UOP(trunc, m_trunc(x))
UOP_FLOAT(relu, x > (C)0 ? x : (x != x ? x : (C)0))
UOP_FLOAT(sigmoid, m_sigmoid(x))
UOP_FLOAT(tanh, m_tanh(x))
UOP_FLOAT(sin, m_sin(x))
UOP_FLOAT(cos, m_cos(x))
UOP_FLOAT(erf, m_erf(x))
UOP_FLOAT(erfc, m_erfc(x))
UOP_FLOAT(gelu, (C)0.5 * x * m_erfc(-x * (C)0.70710678118654752440))
UOP_FLOAT(gelu_tanh, (C)0.5 * x * ((C)1 + m_tanh((C)0.79788456080286535588 * (x + (C)0.044715 * x * x * x))))
UOP_FLOAT(silu, x * m_sigmoid(x))
UOP_FLOAT(mish, x * m_tanh(m_log1p(m_exp(x))))
UOP_FLOAT(hardsigmoid, x != x ? x : fmin(fmax(x + (C)3, (C)0), (C)6) / (C)6)
UOP_FLOAT(leaky_relu, x > (C)0 ? x : (C)((double)x * p0))
UOP_FLOAT(elu, (C)(p1 * (x > (C)0 ? (double)x : p0 * expm1((double)x))))
UOP_FLOAT(softplus, (double)x * p0 > p1 ? x : (C)(log1p(exp((double)x * p0)) / p0))
UOP_FLOAT(pow_scalar, (C)(p0 == 2.0 ? (double)x * (double)x
                  : p0 == 1.0 ? (double)x
                  : p0 == 0.5 ? sqrt((double)x)
                  : pow((double)x, p0)))
UOP_FLOAT(rpow_scalar, (C)pow(p0, (double)x))
UOP(add_scalar, (C)((double)x + p0))
UOP(mul_scalar, (C)((double)x * p0))
UOP_FLOAT(rdiv_scalar, (C)(p0 / (double)x))
UOP(step, x <= (C)0 ? (C)0 : (C)1)
UOP(inside, ((p0 != p0 || (double)x >= p0) && (p1 != p1 || (double)x <= p1)) ? (C)1 : (C)0)

// min(max(x, p0), p1); NaN bounds mean unbounded, NaN inputs stay NaN
__device__ __forceinline__ double clamp_d(double x, double p0, double p1) {
    if (x != x) return x;
    if (p0 == p0 && x < p0) x = p0;
    if (p1 == p1 && x > p1) x = p1;
    return x;
}
UOP(clamp, (C)clamp_d((double)x, p0, p1))

// ---------------------------------------------------------------- binary ops
// b<op>_<type>, instantiated by the op's own declaration for every dtype: BOP(Name, expr) writes the
// operands' dtype, CMP(Name, expr) writes b8 (BOOL); BOP_STRUCT/BOP_KERNELS for ops written out as a struct.
template <typename T, typename O, typename Op>
__device__ __forceinline__ void binary_impl(const T* a, const Strides& as, const T* b, const Strides& bs, O* out,
                                            const Strides& os, const Shape& sh) {
    typedef typename Comp<T>::type C;
    if (sh.rank == 1 && as.s[0] == 1 && bs.s[0] == 1 && os.s[0] == 1) {  // contiguous: 4 elements per thread
        const T* ap = a + as.offset;
        const T* bp = b + bs.offset;
        O* op = out + os.offset;
        long long n = sh.numel, step = (long long)blockDim.x * gridDim.x;
        long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
        for (; i + 3 * step < n; i += 4 * step) {
            C a0 = load_c(ap[i]), a1 = load_c(ap[i + step]), a2 = load_c(ap[i + 2 * step]);
            C a3 = load_c(ap[i + 3 * step]);
            C b0 = load_c(bp[i]), b1 = load_c(bp[i + step]), b2 = load_c(bp[i + 2 * step]);
            C b3 = load_c(bp[i + 3 * step]);
            op[i] = store_c<O>(Op::template f<C>(a0, b0));
            op[i + step] = store_c<O>(Op::template f<C>(a1, b1));
            op[i + 2 * step] = store_c<O>(Op::template f<C>(a2, b2));
            op[i + 3 * step] = store_c<O>(Op::template f<C>(a3, b3));
        }
        for (; i < n; i += step) op[i] = store_c<O>(Op::template f<C>(load_c(ap[i]), load_c(bp[i])));
        return;
    }
    GRID_LOOP(i, sh.numel) {
        int ai, bi, oi;
        offset3((int)i, sh, as, bs, os, ai, bi, oi);
        out[oi] = store_c<O>(Op::template f<C>(load_c(a[ai]), load_c(b[bi])));
    }
}

#define BINARY_KERNEL(Name, T, O, sfx) \
    extern "C" __global__ void b##Name##_##sfx(const T* a, Strides as, const T* b, Strides bs, O* out, Strides os, \
                                               Shape sh) { \
        binary_impl<T, O, B_##Name>(a, as, b, bs, out, os, sh); \
    }
#define BINARY_KERNELS(Name, O_IS_BOOL) \
    BINARY_KERNEL(Name, float, O_IS_BOOL(float), f32) BINARY_KERNEL(Name, double, O_IS_BOOL(double), f64) \
    BINARY_KERNEL(Name, long long, O_IS_BOOL(long long), i64) BINARY_KERNEL(Name, b8, O_IS_BOOL(b8), b8)
#define SAME_TYPE(T) T
#define BOOL_TYPE(T) b8
#define BOP(Name, expr) \
    struct B_##Name { \
        template <typename C> __device__ __forceinline__ static C f(C a, C b) { return (expr); } \
    }; \
    BINARY_KERNELS(Name, SAME_TYPE)
#define CMP(Name, expr) \
    struct B_##Name { \
        template <typename C> __device__ __forceinline__ static b8 f(C a, C b) { return (expr) ? (b8)1 : (b8)0; } \
    }; \
    BINARY_KERNELS(Name, BOOL_TYPE)

BOP(add, m_add(a, b))
BOP(sub, m_sub(a, b))
BOP(mul, m_mul(a, b))
// true division; int64 (which the API promotes first) goes through double, as the CPU's float64 formula
BOP(div, (C)((typename Real<C>::type)a / (typename Real<C>::type)b))
// binary_cross_entropy_with_logits, fused: the per-element loss and its derivative by the logits a; in the
// real type R (double for int64, which the API never sends)
template <typename R> __device__ __forceinline__ R bce_r(R a, R b) {
    return ((R)1 - b) * a + (a < (R)0 ? -a : (R)0) + m_log1p(m_exp(-m_abs(a)));
}
BOP(bce_with_logits, (C)bce_r<typename Real<C>::type>(a, b))
BOP(sigmoid_sub, (C)(m_sigmoid<typename Real<C>::type>(a) - b))
BOP(relu_backward, b <= (C)0 ? (C)0 : a)  // ReLU's gradient a through its result b, selected as threshold_backward
BOP(sigmoid_backward, a * (b * ((C)1 - b)))  // the sigmoid's gradient a through its result b, in one pass

// floor(a / b) and trunc(a / b) (torch.div rounding modes): floats as PyTorch's div_floor_floating and
// trunc(a / b); int64 exact, 0 where b is 0 (the API raises ZeroDivisionError through a device-side
// assert before), -a (wrapping) where b is -1 so LLONG_MIN / -1 cannot fault
template <typename C> __device__ __forceinline__ C floor_div_f(C a, C b) {
    if (b == (C)0) return a / b;
    C mod = fmod(a, b);
    C div = (a - mod) / b;
    if (mod != (C)0 && (b < (C)0) != (mod < (C)0)) div -= (C)1;
    if (div == (C)0) return copysign((C)0, a / b);
    C fl = m_floor(div);
    return div - fl > (C)0.5 ? fl + (C)1 : fl;
}
__device__ __forceinline__ long long floor_div_i(long long a, long long b) {
    if (b == 0) return 0;
    if (b == -1) return wrap_sub(0, a);
    long long q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}
__device__ __forceinline__ float floor_div(float a, float b) { return floor_div_f(a, b); }
__device__ __forceinline__ double floor_div(double a, double b) { return floor_div_f(a, b); }
__device__ __forceinline__ long long floor_div(long long a, long long b) { return floor_div_i(a, b); }
__device__ __forceinline__ float trunc_div(float a, float b) { return truncf(a / b); }
__device__ __forceinline__ double trunc_div(double a, double b) { return trunc(a / b); }
__device__ __forceinline__ long long trunc_div(long long a, long long b) {
    return b == 0 ? 0 : (b == -1 ? wrap_sub(0, a) : a / b);
}
BOP(floor_div, floor_div(a, b))
BOP(trunc_div, trunc_div(a, b))
// atan2 (int64, which the API promotes first, through double); fmod as C's (int64 exact, 0 where b is 0 or -1,
// so LLONG_MIN % -1 cannot fault); remainder as PyTorch's: fmod plus b where the signs differ (Python's %)
__device__ __forceinline__ float m_atan2(float a, float b) { return atan2f(a, b); }
__device__ __forceinline__ double m_atan2(double a, double b) { return atan2(a, b); }
__device__ __forceinline__ long long m_atan2(long long a, long long b) {
    return (long long)atan2((double)a, (double)b);
}
__device__ __forceinline__ float m_fmod(float a, float b) { return fmodf(a, b); }
__device__ __forceinline__ double m_fmod(double a, double b) { return fmod(a, b); }
__device__ __forceinline__ long long m_fmod(long long a, long long b) { return (b == 0 || b == -1) ? 0 : a % b; }
template <typename C> __device__ __forceinline__ C m_remainder(C a, C b) {
    C mod = m_fmod(a, b);
    return (mod != (C)0 && ((b < (C)0) != (mod < (C)0))) ? mod + b : mod;
}
BOP(atan2, m_atan2(a, b))
BOP(fmod, m_fmod(a, b))
BOP(remainder, m_remainder(a, b))
CMP(eq, a == b)
CMP(ne, a != b)
CMP(lt, a < b)
CMP(le, a <= b)
CMP(gt, a > b)
CMP(ge, a >= b)

// Math.max / Math.min: NaN wins, +0.0 is larger than -0.0
struct B_maximum {
    template <typename C> __device__ __forceinline__ static C f(C a, C b) {
        if (a != a || b != b) return a != a ? a : b;
        if (a == b && a == (C)0) return m_signbit(a) ? b : a;
        return a > b ? a : b;
    }
};
BINARY_KERNELS(maximum, SAME_TYPE)
struct B_minimum {
    template <typename C> __device__ __forceinline__ static C f(C a, C b) {
        if (a != a || b != b) return a != a ? a : b;
        if (a == b && a == (C)0) return m_signbit(a) ? a : b;
        return a < b ? a : b;
    }
};
BINARY_KERNELS(minimum, SAME_TYPE)

// ---------------------------------------------------------------- where
#define WHERE_KERNEL(T, sfx) \
    extern "C" __global__ void where_##sfx(const b8* cond, Strides cs, const T* a, Strides as, const T* b, \
                                           Strides bs, T* out, Strides os, Shape sh) { \
        GRID_LOOP(i, sh.numel) { \
            int ci, ai, bi, oi; \
            offset4((int)i, sh, cs, as, bs, os, ci, ai, bi, oi); \
            out[oi] = cond[ci] ? a[ai] : b[bi]; \
        } \
    }
FOR_ALL_TYPES(WHERE_KERNEL)
