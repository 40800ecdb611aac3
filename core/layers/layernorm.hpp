// LayerNorm over the last axis (eps 1e-5, as PyTorch):
//   out[N,C] = (inp - mean) * rstd * weight + bias,   saves mean[N], rstd[N] for backward.
// bias (and dbias) may be nullptr: a LayerNorm without bias, as nanoGPT's bias=False.
#pragma once
#include <cstddef>

namespace lab {

void layernorm_forward(float* out, float* mean, float* rstd, const float* inp, const float* weight,
                       const float* bias, std::size_t N, std::size_t C);
// Differentiates out = norm·weight + bias with norm = (inp − mean)·rstd; accumulates (+=).
void layernorm_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                        const float* weight, const float* mean, const float* rstd,
                        std::size_t N, std::size_t C);

}  // namespace lab
