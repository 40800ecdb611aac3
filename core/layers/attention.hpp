// Causal multi-head self-attention on the fused qkv projection.
//   qkv[B,T,3C] holds q | k | v for each position (each C = NH heads × hs, hs = C/NH).
//   att[B,NH,T,T] = softmax_causal(q·kᵀ / √hs)     (row t has zeros after column t)
//   out[B,T,C]    = att · v                          (heads concatenated)
#pragma once
#include <cstddef>

namespace lab {

// scratch: attention_scratch_floats(T, C, NH) floats. The hot loops (a scalar twin and an xsimd
// version) are in kernels/attention.hpp.
std::size_t attention_scratch_floats(std::size_t T, std::size_t C, std::size_t NH);

void attention_forward(float* out, float* att, float* scratch, const float* qkv,
                       std::size_t B, std::size_t T, std::size_t C, std::size_t NH);
// Differentiates out = softmax(q·kᵀ/√hs)·v back to dqkv (written, not accumulated).
void attention_backward(float* dqkv, float* scratch, const float* dout, const float* qkv,
                        const float* att, std::size_t B, std::size_t T, std::size_t C, std::size_t NH);

}  // namespace lab
