// Counter-based random numbers, the formula of dev.autograd4j.spi.CounterRandom: element i of a draw
// is a pure function of (seed, counter0 + i), so a seed gives the CPU backend's numbers.
// rand_<type>: uniform [0, 1) with 53 random bits; randn_<type>: Box-Muller standard normal.
#include "common.cuh"

__device__ __forceinline__ unsigned long long mix64(unsigned long long seed, unsigned long long counter) {
    unsigned long long z = seed + 0x9E3779B97F4A7C15ULL * (counter + 1ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

__device__ __forceinline__ double uniform01(unsigned long long seed, unsigned long long counter) {
    return (double)(mix64(seed, counter) >> 11) * 0x1.0p-53;
}

__device__ __forceinline__ double normal01(unsigned long long seed, unsigned long long counter) {
    double u1 = (double)((mix64(seed, 2ULL * counter) >> 11) + 1ULL) * 0x1.0p-53;  // (0, 1]
    double u2 = (double)(mix64(seed, 2ULL * counter + 1ULL) >> 11) * 0x1.0p-53;
    const double two_pi = 2.0 * 3.141592653589793;  // Java: 2.0 * Math.PI
    return __dmul_rn(sqrt(__dmul_rn(-2.0, log(u1))), cos(__dmul_rn(two_pi, u2)));
}

// A uniform draw as T, kept below 1: a double within 2^-25 of 1 rounds to 1.0f in float32, so float32 takes
// the largest float below 1 instead (CounterRandom.uniformFloat).
template <typename T> __device__ __forceinline__ T uniform_as(double u) { return from_d<T>(u); }
template <> __device__ __forceinline__ float uniform_as<float>(double u) {
    float f = (float)u;
    return f < 1.0f ? f : 0x1.fffffep-1f;
}

#define RANDOM_KERNELS(T, sfx) \
    extern "C" __global__ void rand_##sfx(T* out, int offset, int n, long long seed, long long counter0) { \
        GRID_LOOP(i, n) { \
            out[offset + (int)i] = uniform_as<T>(uniform01((unsigned long long)seed, (unsigned long long)(counter0 + i))); \
        } \
    } \
    extern "C" __global__ void randn_##sfx(T* out, int offset, int n, long long seed, long long counter0) { \
        GRID_LOOP(i, n) { \
            out[offset + (int)i] = from_d<T>(normal01((unsigned long long)seed, (unsigned long long)(counter0 + i))); \
        } \
    }
FOR_FLOAT_TYPES(RANDOM_KERNELS)
