// Which attention the model uses: the xsimd kernels (scalar twins remain the test oracle).
#include "kernels/attention.hpp"

namespace lab {

void f32_attention_forward(float* out, float* att, float* scratch, const float* qkv,
                           std::size_t B, std::size_t T, std::size_t C, std::size_t NH) {
    simd::f32_attention_forward(out, att, scratch, qkv, B, T, C, NH);
}
void f32_attention_backward(float* dqkv, float* scratch, const float* dout, const float* qkv,
                            const float* att, std::size_t B, std::size_t T, std::size_t C,
                            std::size_t NH) {
    simd::f32_attention_backward(dqkv, scratch, dout, qkv, att, B, T, C, NH);
}

}  // namespace lab
