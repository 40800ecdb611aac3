// LayerNorm forwards to its kernels (scalar twin + xsimd in kernels/layernorm), with PyTorch's eps.
#include "layers/layernorm.hpp"

#include "kernels/layernorm.hpp"

namespace lab {

void layernorm_forward(float* out, float* mean, float* rstd, const float* inp, const float* weight,
                       const float* bias, std::size_t N, std::size_t C) {
    f32_layernorm_forward(out, mean, rstd, inp, weight, bias, N, C, kLayerNormEps);
}

void add_layernorm_forward(float* sum, float* out, float* mean, float* rstd, const float* a, const float* b,
                           const float* weight, const float* bias, std::size_t N, std::size_t C) {
    f32_add_layernorm_forward(sum, out, mean, rstd, a, b, weight, bias, N, C, kLayerNormEps);
}

void layernorm_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                        const float* weight, const float* mean, const float* rstd,
                        std::size_t N, std::size_t C) {
    f32_layernorm_backward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, N, C);
}

}  // namespace lab
