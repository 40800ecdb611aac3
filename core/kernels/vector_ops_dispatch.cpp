// Which element-wise kernels the model and optimizer use: the xsimd versions.
#include "kernels/vector_ops.hpp"

namespace lab {

void f32_adamw_update(float* params_out, float* m_out, float* v_out, const float* params,
                      const float* m, const float* v, const float* grads, std::size_t n,
                      float lr, float beta1, float beta2, float beta1_correction,
                      float beta2_correction, float eps, float weight_decay) {
    simd::f32_adamw_update(params_out, m_out, v_out, params, m, v, grads, n, lr, beta1, beta2,
                           beta1_correction, beta2_correction, eps, weight_decay);
}
void f32_gelu_forward(float* out, const float* inp, std::size_t n) {
    simd::f32_gelu_forward(out, inp, n);
}
void f32_gelu_backward(float* dinp, const float* inp, const float* out, const float* dout, std::size_t n) {
    simd::f32_gelu_backward(dinp, inp, out, dout, n);
}
void f32_softmax_rows(float* probs, const float* logits, std::size_t N, std::size_t V) {
    simd::f32_softmax_rows(probs, logits, N, V);
}
double f32_sum_squares(const float* x, std::size_t n) { return simd::f32_sum_squares(x, n); }
void f32_axpy(float* y, float a, const float* x, std::size_t n) { simd::f32_axpy(y, a, x, n); }
void f32_scale(float* x, float a, std::size_t n) { simd::f32_scale(x, a, n); }

}  // namespace lab
