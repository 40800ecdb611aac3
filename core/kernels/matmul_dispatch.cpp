// Which matmul the model uses: the xsimd kernels (scalar twins remain the test oracle).
#include "kernels/matmul.hpp"

namespace lab {

void f32_matmul_forward(float* out, const float* inp, const float* weight, const float* bias,
                        std::size_t BT, std::size_t C, std::size_t OC) {
    simd::f32_matmul_forward(out, inp, weight, bias, BT, C, OC);
}
void f32_matmul_backward(float* dinp, float* dweight, float* dbias, const float* dout,
                         const float* inp, const float* weight,
                         std::size_t BT, std::size_t C, std::size_t OC) {
    simd::f32_matmul_backward(dinp, dweight, dbias, dout, inp, weight, BT, C, OC);
}

}  // namespace lab
