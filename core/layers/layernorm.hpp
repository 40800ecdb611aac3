// LayerNorm over the last axis (eps 1e-5, as PyTorch):
//   out[N,C] = (inp - mean) * rstd * weight + bias,   saves mean[N], rstd[N] for backward.
// bias (and dbias) may be nullptr: a LayerNorm without bias, as nanoGPT's bias=False.
#pragma once
#include <cstddef>

namespace lab {

// Added to the variance before the square root: PyTorch's default, so checkpoints behave the same
// in nanoGPT, and a row of equal values normalises to 0 instead of dividing by 0.
inline constexpr float kLayerNormEps = 1e-5f;

void layernorm_forward(float* out, float* mean, float* rstd, const float* inp, const float* weight,
                       const float* bias, std::size_t N, std::size_t C);
// sum = a + b (the residual stream after a block), then layernorm_forward(out, …, sum, …): the
// same numbers as residual_forward and layernorm_forward, in one pass over a and b.
void add_layernorm_forward(float* sum, float* out, float* mean, float* rstd, const float* a, const float* b,
                           const float* weight, const float* bias, std::size_t N, std::size_t C);
// Differentiates out = norm·weight + bias with norm = (inp − mean)·rstd; accumulates (+=).
void layernorm_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                        const float* weight, const float* mean, const float* rstd,
                        std::size_t N, std::size_t C);

}  // namespace lab
