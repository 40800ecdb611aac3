// The hot loops of causal multi-head self-attention (layers/attention.hpp is the layer):
//   qkv[B,T,3C] holds q | k | v for each position (each C = NH heads × hs, hs = C/NH).
//   att[B,NH,T,T] = softmax_causal(q·kᵀ / √hs)     (row t has zeros after column t)
//   out[B,T,C]    = att · v                          (heads concatenated)
// Every kernel has a scalar twin in lab::scalar with the same signature (the test oracle) and an
// xsimd version in lab::simd; lab::f32_attention_forward / lab::f32_attention_backward dispatch to
// the fastest one.
#pragma once
#include <cstddef>

namespace lab {
// Where the running maximum of a row of scores starts (the stable softmax subtracts it): below
// every finite score (|score| < 3.4e38), yet finite, so no infinity enters the arithmetic.
inline constexpr float kScoreMaxStart = -3.0e38f;
}  // namespace lab

namespace lab::scalar {
// scalar twins (attention_scalar.cpp)
void f32_attention_forward(float* out, float* att, float* scratch, const float* qkv,
                           std::size_t B, std::size_t T, std::size_t C, std::size_t NH);
void f32_attention_backward(float* dqkv, float* scratch, const float* dout, const float* qkv,
                            const float* att, std::size_t B, std::size_t T, std::size_t C,
                            std::size_t NH);
}  // namespace lab::scalar

namespace lab::simd {
// xsimd versions (attention_xsimd.cpp)
void f32_attention_forward(float* out, float* att, float* scratch, const float* qkv,
                           std::size_t B, std::size_t T, std::size_t C, std::size_t NH);
void f32_attention_backward(float* dqkv, float* scratch, const float* dout, const float* qkv,
                            const float* att, std::size_t B, std::size_t T, std::size_t C,
                            std::size_t NH);
}  // namespace lab::simd

namespace lab {

// Floats of scratch the kernels need: the xsimd versions pack kᵀ or vᵀ there, the scalar twins
// use a prefix of it.
std::size_t f32_attention_scratch_floats(std::size_t T, std::size_t C, std::size_t NH);

// dispatch (attention_dispatch.cpp)
void f32_attention_forward(float* out, float* att, float* scratch, const float* qkv,
                           std::size_t B, std::size_t T, std::size_t C, std::size_t NH);
// Differentiates out = softmax(q·kᵀ/√hs)·v back to dqkv (written: every element of dq, dk, dv
// gets its sum; the model's dqkv is fresh scratch, no clearing pass).
void f32_attention_backward(float* dqkv, float* scratch, const float* dout, const float* qkv,
                            const float* att, std::size_t B, std::size_t T, std::size_t C,
                            std::size_t NH);

}  // namespace lab
