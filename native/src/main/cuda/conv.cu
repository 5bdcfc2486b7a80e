// im2col and col2im over [B, C, H, W] images (im2col_<type>, col2im_<type>), for convolution, pooling, unfold
// and fold; the matrix products that follow go through cuBLAS. Both operands are contiguous with an element
// offset. The geometry is Backend.im2col's (spi.Window2d): position (oh, ow) and tap (ki, kj) read row
// oh * sh - pt + ki * dh and column ow * sw - pl + kj * dw.
//
// im2col: one thread per column element [B, C * kh * kw, outH * outW], reading one input element or pad.
// max_pool2d: one thread per output element [B, C, outH, outW], taps in row-major window order; a tap replaces
// the running maximum when greater or NaN (PyTorch's rule); writes the value and the winning tap (int64).
// max_pool2d_backward: one thread per element of the output's gradient, added atomically at the input position
// its winning tap read (windows may overlap); the caller zero-fills the input's gradient first.
// col2im: one thread per image element [B, C, H, W], summing the column entries that read it (no atomics, the
// order of the sum fixed: taps in row-major order).
#include "common.cuh"

#define IM2COL_KERNEL(T, sfx) \
    extern "C" __global__ void im2col_##sfx(const T* x, int xOff, T* out, int outOff, int total, int height, \
                                            int width, int kh, int kw, int sh, int sw, int pt, int pl, int dh, \
                                            int dw, int outH, int outW, double padValue) { \
        int positions = outH * outW, taps = kh * kw; \
        GRID_LOOP(i, total) { \
            int pos = (int)(i % positions); \
            long long r = i / positions; \
            int tap = (int)(r % taps); \
            long long plane = r / taps; \
            int oh = pos / outW, ow = pos % outW, ki = tap / kw, kj = tap % kw; \
            int h = oh * sh - pt + ki * dh, w = ow * sw - pl + kj * dw; \
            out[outOff + i] = (h >= 0 && h < height && w >= 0 && w < width) \
                ? x[xOff + plane * height * width + h * width + w] : (T)padValue; \
        } \
    }
FOR_FLOAT_TYPES(IM2COL_KERNEL)

#define COL2IM_KERNEL(T, sfx) \
    extern "C" __global__ void col2im_##sfx(const T* cols, int colsOff, T* out, int outOff, int total, int height, \
                                            int width, int kh, int kw, int sh, int sw, int pt, int pl, int dh, \
                                            int dw, int outH, int outW) { \
        int positions = outH * outW, taps = kh * kw; \
        GRID_LOOP(i, total) { \
            int w = (int)(i % width); \
            long long r = i / width; \
            int h = (int)(r % height); \
            long long plane = r / height; \
            const T* c = cols + colsOff + plane * taps * positions; \
            T sum = (T)0; \
            for (int ki = 0; ki < kh; ki++) { \
                int hp = h + pt - ki * dh; \
                if (hp < 0 || hp % sh != 0) continue; \
                int oh = hp / sh; \
                if (oh >= outH) continue; \
                for (int kj = 0; kj < kw; kj++) { \
                    int wp = w + pl - kj * dw; \
                    if (wp < 0 || wp % sw != 0) continue; \
                    int ow = wp / sw; \
                    if (ow >= outW) continue; \
                    sum += c[(ki * kw + kj) * positions + oh * outW + ow]; \
                } \
            } \
            out[outOff + i] = sum; \
        } \
    }
FOR_FLOAT_TYPES(COL2IM_KERNEL)

#define MAX_POOL_KERNEL(T, sfx) \
    extern "C" __global__ void max_pool2d_##sfx(const T* x, int xOff, T* out, int outOff, int total, int height, \
                                                int width, int kh, int kw, int sh, int sw, int pt, int pl, int dh, \
                                                int dw, int outH, int outW, long long* taps, int tapsOff) { \
        int positions = outH * outW; \
        GRID_LOOP(i, total) { \
            int pos = (int)(i % positions); \
            long long plane = i / positions; \
            int h0 = (pos / outW) * sh - pt, w0 = (pos % outW) * sw - pl; \
            const T* src = x + xOff + plane * height * width; \
            T best = (T)0; \
            int win = 0; \
            for (int t = 0; t < kh * kw; t++) { \
                int h = h0 + (t / kw) * dh, w = w0 + (t % kw) * dw; \
                T v = (h >= 0 && h < height && w >= 0 && w < width) ? src[h * width + w] : (T)(-INFINITY); \
                if (t == 0 || v > best || isnan(v)) { best = v; win = t; } \
            } \
            out[outOff + i] = best; \
            taps[tapsOff + i] = win; \
        } \
    }
FOR_FLOAT_TYPES(MAX_POOL_KERNEL)

__device__ __forceinline__ void conv_atomic_add(float* p, float v) { atomicAdd(p, v); }
__device__ __forceinline__ void conv_atomic_add(double* p, double v) { atomicAdd(p, v); }

// launched over the input's gradient (total = its numel, unused) with the gradient's count in gradTotal
#define MAX_POOL_BACKWARD_KERNEL(T, sfx) \
    extern "C" __global__ void max_pool2d_backward_##sfx(const T* grad, int gradOff, T* out, int outOff, int total, \
                                                         int height, int width, int kh, int kw, int sh, int sw, \
                                                         int pt, int pl, int dh, int dw, int outH, int outW, \
                                                         const long long* taps, int tapsOff, int gradTotal) { \
        int positions = outH * outW; \
        GRID_LOOP(i, gradTotal) { \
            int pos = (int)(i % positions); \
            long long plane = i / positions; \
            int t = (int)taps[tapsOff + i]; \
            int h = (pos / outW) * sh - pt + (t / kw) * dh, w = (pos % outW) * sw - pl + (t % kw) * dw; \
            if (h >= 0 && h < height && w >= 0 && w < width) \
                conv_atomic_add(out + outOff + plane * height * width + h * width + w, grad[gradOff + i]); \
        } \
    }
FOR_FLOAT_TYPES(MAX_POOL_BACKWARD_KERNEL)
