// The hot loops of LayerNorm over the last axis (layers/layernorm.hpp is the layer):
//   forward:  mean[n], rstd[n] = 1/√(var + eps) of row n;  out = (inp − mean)·rstd·weight + bias
//   add + forward: sum = a + b (the residual stream), then the forward of sum: one pass over a
//             and b instead of a residual pass and the forward's first read (same numbers)
//   backward: dinp += (dnorm − mean(dnorm) − norm·mean(dnorm·norm))·rstd,  dnorm = weight·dout,
//             dweight += Σ_n norm·dout,  dbias += Σ_n dout        (bias, dbias may be nullptr)
// Every kernel has a scalar twin in lab::scalar (the test oracle: the row sums in order) and an
// xsimd version in lab::simd (the row sums in vector lanes, which also breaks the add-latency chain
// of one running sum); lab::f32_layernorm_forward / _backward dispatch to the fastest one.
#pragma once
#include <cstddef>

namespace lab::scalar {
// scalar twins (layernorm_scalar.cpp)
void f32_layernorm_forward(float* out, float* mean, float* rstd, const float* inp, const float* weight,
                           const float* bias, std::size_t N, std::size_t C, float eps);
void f32_add_layernorm_forward(float* sum, float* out, float* mean, float* rstd, const float* a, const float* b,
                               const float* weight, const float* bias, std::size_t N, std::size_t C, float eps);
void f32_layernorm_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                            const float* weight, const float* mean, const float* rstd, std::size_t N,
                            std::size_t C);
}  // namespace lab::scalar

namespace lab::simd {
// xsimd versions (layernorm_xsimd.cpp)
void f32_layernorm_forward(float* out, float* mean, float* rstd, const float* inp, const float* weight,
                           const float* bias, std::size_t N, std::size_t C, float eps);
void f32_add_layernorm_forward(float* sum, float* out, float* mean, float* rstd, const float* a, const float* b,
                               const float* weight, const float* bias, std::size_t N, std::size_t C, float eps);
void f32_layernorm_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                            const float* weight, const float* mean, const float* rstd, std::size_t N,
                            std::size_t C);
}  // namespace lab::simd

namespace lab {

// dispatch (layernorm_dispatch.cpp)
void f32_layernorm_forward(float* out, float* mean, float* rstd, const float* inp, const float* weight,
                           const float* bias, std::size_t N, std::size_t C, float eps);
void f32_add_layernorm_forward(float* sum, float* out, float* mean, float* rstd, const float* a, const float* b,
                               const float* weight, const float* bias, std::size_t N, std::size_t C, float eps);
void f32_layernorm_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                            const float* weight, const float* mean, const float* rstd, std::size_t N,
                            std::size_t C);

}  // namespace lab
