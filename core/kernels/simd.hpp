// One way to include xsimd for every SIMD kernel (native and Emscripten).
// xsimd 8.1 has no WebAssembly backend: under Emscripten the core is compiled with
// `-msimd128 -msse4.1`, SSE intrinsics become wasm SIMD and xsimd picks its sse4.1 arch.
// Two intrinsics that xsimd's exp/tanh/to_int use are emulated lane by lane by Emscripten;
// these macros map them to single wasm instructions (docs/toolchain.md: exp 3.7x, tanh 2.2x faster,
// same accuracy; out-of-range lanes saturate instead of giving INT_MIN).
#pragma once
#include <cstddef>

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
}  // namespace lab::simd
