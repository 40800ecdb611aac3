// The linear layer's three matrix products — the hot loops of training.
//   forward:  out[BT,OC]  = inp[BT,C] · weight[OC,C]ᵀ + bias[OC]      (bias may be nullptr)
//   backward: dinp[BT,C]  = dout[BT,OC] · weight[OC,C]     (written: the model's input gradients
//                                                            are fresh scratch, no clearing pass)
//             dweight[OC,C] += dout[BT,OC]ᵀ · inp[BT,C]      (parameter gradients accumulate)
//             dbias[OC] += Σ_bt dout[bt,:]                             (dbias may be nullptr)
// Every kernel has a scalar twin in lab::scalar with the same signature (the test oracle) and an
// xsimd version in lab::simd; lab::f32_matmul_forward / lab::f32_matmul_backward dispatch to the
// fastest one.
#pragma once
#include <cstddef>

namespace lab::scalar {
// scalar twins (matmul_scalar.cpp)
void f32_matmul_forward(float* out, const float* inp, const float* weight, const float* bias,
                        std::size_t BT, std::size_t C, std::size_t OC);
void f32_matmul_backward(float* dinp, float* dweight, float* dbias, const float* dout,
                         const float* inp, const float* weight,
                         std::size_t BT, std::size_t C, std::size_t OC);
}  // namespace lab::scalar

namespace lab::simd {
// xsimd versions (matmul_xsimd.cpp)
void f32_matmul_forward(float* out, const float* inp, const float* weight, const float* bias,
                        std::size_t BT, std::size_t C, std::size_t OC);
void f32_matmul_backward(float* dinp, float* dweight, float* dbias, const float* dout,
                         const float* inp, const float* weight,
                         std::size_t BT, std::size_t C, std::size_t OC);
}  // namespace lab::simd

namespace lab {

// dispatch (matmul_dispatch.cpp)
void f32_matmul_forward(float* out, const float* inp, const float* weight, const float* bias,
                        std::size_t BT, std::size_t C, std::size_t OC);
void f32_matmul_backward(float* dinp, float* dweight, float* dbias, const float* dout,
                         const float* inp, const float* weight,
                         std::size_t BT, std::size_t C, std::size_t OC);

}  // namespace lab
