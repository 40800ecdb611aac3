// Attention forwards to its kernels (scalar twin + xsimd in kernels/attention).
#include "layers/attention.hpp"

#include "kernels/attention.hpp"

namespace lab {

std::size_t attention_scratch_floats(std::size_t T, std::size_t C, std::size_t NH) {
    return f32_attention_scratch_floats(T, C, NH);
}

void attention_forward(float* out, float* att, float* scratch, const float* qkv,
                       std::size_t B, std::size_t T, std::size_t C, std::size_t NH) {
    f32_attention_forward(out, att, scratch, qkv, B, T, C, NH);
}

void attention_backward(float* dqkv, float* scratch, const float* dout, const float* qkv,
                        const float* att, std::size_t B, std::size_t T, std::size_t C, std::size_t NH) {
    f32_attention_backward(dqkv, scratch, dout, qkv, att, B, T, C, NH);
}

}  // namespace lab
