// One way to include xsimd for every SIMD kernel (native and Emscripten).
// xsimd 8.1 has no WebAssembly backend: under Emscripten the core is compiled with
// `-msimd128 -msse4.1`, SSE intrinsics become wasm SIMD and xsimd picks its sse4.1 arch.
// Two intrinsics that xsimd's exp/tanh/to_int use are emulated lane by lane by Emscripten;
// these macros map them to single wasm instructions (docs/toolchain.md: exp 3.7x, tanh 2.2x faster,
// same accuracy; out-of-range lanes saturate instead of giving INT_MIN).
#pragma once
#include <cstddef>
#include <cstdint>

#ifdef __EMSCRIPTEN__
#include <emmintrin.h>
#include <wasm_simd128.h>
#ifndef _mm_cvttps_epi32
#define _mm_cvttps_epi32(a) ((__m128i)wasm_i32x4_trunc_sat_f32x4((v128_t)(a)))
#endif
#ifndef _mm_cvtps_epi32
#define _mm_cvtps_epi32(a) ((__m128i)wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_nearest((v128_t)(a))))
#endif
#endif

#include <xsimd/xsimd.hpp>

namespace lab::simd {
using vf = xsimd::batch<float>;              // the default arch: avx2 or sse2 natively, sse4.1 in wasm
constexpr std::size_t W = vf::size;          // lanes per vector (4 in wasm and with sse2, 8 with avx2)
// A function kept out of line, for one of two reasons (each use says which): a hot inner loop
// inlined into a kernel with several loops shares V8's 15 SIMD registers (x64) with every value
// live in that bigger function, and TurboFan spilled its accumulators inside the loop (attention:
// the scores and the weighted sums); or one copy serves several callers (engine size).
#define LAB_OUT_OF_LINE __attribute__((noinline))

// n rounded up to a whole number of vectors: the length of a row that a kernel reads or writes
// one vector at a time, tail included.
constexpr std::size_t whole_vectors(std::size_t n) { return (n + W - 1) / W * W; }

// 4×4 transpose of four rows r0..r3 of 4 lanes: column j (r0[j], r1[j], r2[j], r3[j]) is stored
// at dst + j·stride. For W == 4 only (the packs of the GEMM and the attention use it there).
inline void store_transposed_4x4(vf r0, vf r1, vf r2, vf r3, float* dst, std::size_t stride) {
    const vf t0 = xsimd::zip_lo(r0, r2), t1 = xsimd::zip_hi(r0, r2);
    const vf t2 = xsimd::zip_lo(r1, r3), t3 = xsimd::zip_hi(r1, r3);
    xsimd::zip_lo(t0, t2).store_unaligned(dst);
    xsimd::zip_hi(t0, t2).store_unaligned(dst + stride);
    xsimd::zip_lo(t1, t3).store_unaligned(dst + 2 * stride);
    xsimd::zip_hi(t1, t3).store_unaligned(dst + 3 * stride);
}

// The largest of v's lanes (xsimd 8.1 has no reduce_max).
inline float max_of_lanes(vf v) {
    alignas(16 * sizeof(float)) float lanes[W];
    v.store_aligned(lanes);
    float m = lanes[0];
    for (std::size_t j = 1; j < W; ++j) m = lanes[j] > m ? lanes[j] : m;
    return m;
}

// max(x, lo), NaN x kept. In wasm one f32x4.pmax (x < lo ? lo : x) instead of the compare and
// select Emscripten's _mm_max_ps becomes.
inline vf max_keep_nan(vf x, float lo) {
#ifdef __EMSCRIPTEN__
    return vf(static_cast<__m128>(wasm_f32x4_pmax(static_cast<v128_t>(static_cast<__m128>(x)), wasm_f32x4_splat(lo))));
#else
    return xsimd::max(vf(lo), x);  // maxps returns its second operand when one is NaN
#endif
}

// 0 in the lanes where zero is true, x elsewhere. In wasm one v128.andnot instead of the shift
// and bitselect Emscripten's _mm_blendv_ps becomes.
inline vf zero_where(xsimd::batch_bool<float> zero, vf x) {
#ifdef __EMSCRIPTEN__
    return vf(static_cast<__m128>(wasm_v128_andnot(static_cast<v128_t>(static_cast<__m128>(x)),
                                                   static_cast<v128_t>(static_cast<__m128>(zero)))));
#else
    return xsimd::select(zero, vf(0.0f), x);
#endif
}

// Where exp_core() gives exp(x) as a normal float: 2^k·p(r) needs −126 ≤ k ≤ 127.
constexpr float kExpCoreMin = -87.3f;   // exp = 1.2e-38, just above the smallest normal float
constexpr float kExpCoreMax = 88.3f;    // exp = 2.2e38, below FLT_MAX

// exp(x) for kExpCoreMin ≤ x ≤ kExpCoreMax (other lanes give garbage: callers clamp or mask them;
// NaN stays NaN). xsimd::exp's reduction and minimax polynomial (the same bits in range, but for
// x·log₂e exactly halfway between integers, which may round the other way), without its float →
// int conversion and its two range selects: k = round(x·log₂e) comes from adding 1.5·2²³ + 127,
// which leaves k + 127 in the low mantissa bits, so 2^k is that sum's bits shifted left by 23.
// About 18 vector operations instead of xsimd's ~27 (the softmaxes' and GELU's main cost).
inline vf exp_core(vf x) {
    using vi = xsimd::batch<std::int32_t>;
    const vf magic(12582912.0f + 127.0f);                    // 1.5·2²³ + 127
    const vf kf = x * vf(0x1.715476p+0f) + magic;           // k + 127 + 1.5·2²³, k rounded to nearest
    const vf k = kf - magic;
    vf r = x - k * vf(0x1.63p-1f);                           // x − k·ln2, in two parts (exact first)
    r = r - k * vf(-0x1.bd0106p-13f);
    vf y = vf(0x1.6ef19ep-10f);
    y = y * r + vf(0x1.131b16p-7f);
    y = y * r + vf(0x1.5552aep-5f);
    y = y * r + vf(0x1.55534ap-3f);
    y = y * r + vf(0.5f);
    y = vf(1.0f) + (y * (r * r) + r);
    const vi two_k = xsimd::bitwise_cast<vi>(kf) << 23;      // the high bits of 1.5·2²³ shift out
    return y * xsimd::bitwise_cast<vf>(two_k);
}

// exp(x) for x ≤ 0 (the softmaxes: a score minus its row's maximum): 0 below kExpCoreMin, as
// std::exp gives 0 or a subnormal there. NaN stays NaN.
inline vf exp_nonpositive(vf x) {
    return zero_where(vf(kExpCoreMin) > x, exp_core(max_keep_nan(x, kExpCoreMin)));
}
}  // namespace lab::simd
