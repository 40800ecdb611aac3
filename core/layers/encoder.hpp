// Token + position embedding:  out[B,T,C] = wte[inp[b,t]] + wpe[t]
#pragma once
#include <cstddef>
#include <cstdint>

namespace lab {

void encoder_forward(float* out, const std::int32_t* inp, const float* wte, const float* wpe,
                     std::size_t B, std::size_t T, std::size_t C);
// Differentiates out = wte[inp] + wpe[t]: dwte[inp[b,t]] += dout[b,t]; dwpe[t] += dout[b,t].
void encoder_backward(float* dwte, float* dwpe, const float* dout, const std::int32_t* inp,
                      std::size_t B, std::size_t T, std::size_t C);

}  // namespace lab
