// Element-wise hot loops of the model and the optimizer, over flat float buffers of n elements.
//   f32_adamw_update: PyTorch/nanoGPT AdamW, one step, from (params, m, v) to (params_out, m_out,
//   v_out); each out may be its in (in place), or another buffer (the trainer keeps the step
//   before for its rollback that way, without copying it):
//       m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g*g;  mhat = m/bc1;  vhat = v/bc2;
//       p -= lr * (mhat / (sqrt(vhat) + eps) + wd*p)        (bc1 = 1-b1^t, bc2 = 1-b2^t)
//   f32_gelu_forward:  out = 0.5*x*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x^3)))   (tanh approximation)
//   f32_gelu_backward: dinp = gelu'(inp) * dout         (differentiates f32_gelu_forward; written:
//       the model's dinp is fresh scratch, no clearing pass)
//       out is f32_gelu_forward's output for inp: the xsimd version reads the sigmoid back from it
//       (out = inp·σ) instead of computing another exponential; the scalar twin, the oracle,
//       computes gelu' from inp alone.
//   f32_softmax_rows:  probs[n, :] = exp(x − max) / Σ exp(x − max) of logits[n, :], for N rows of V
//       (the output distribution; stable: the exponentials are of x − max ≤ 0)
//   f32_sum_squares:   Σ x², returned as double (gradient norms)
//   f32_axpy: y += a*x          f32_scale: x *= a
// Every kernel has a scalar twin in lab::scalar (the test oracle) and an xsimd version in
// lab::simd, same name and signature; the one in lab dispatches to the fastest one.
#pragma once
#include <cstddef>

namespace lab {
// The tanh approximation's constants (PyTorch approximate='tanh'), shared by both GELU kernels.
inline constexpr float kGeluScale = 0.7978845608028654f;  // sqrt(2/pi)
inline constexpr float kGeluCube = 0.044715f;             // weight of x³ in the tanh argument
}  // namespace lab

namespace lab::scalar {
// scalar twins (vector_ops_scalar.cpp)
void f32_adamw_update(float* params_out, float* m_out, float* v_out, const float* params,
                      const float* m, const float* v, const float* grads, std::size_t n,
                      float lr, float beta1, float beta2, float beta1_correction,
                      float beta2_correction, float eps, float weight_decay);
void f32_gelu_forward(float* out, const float* inp, std::size_t n);
void f32_gelu_backward(float* dinp, const float* inp, const float* out, const float* dout, std::size_t n);
void f32_softmax_rows(float* probs, const float* logits, std::size_t N, std::size_t V);
double f32_sum_squares(const float* x, std::size_t n);
void f32_axpy(float* y, float a, const float* x, std::size_t n);
void f32_scale(float* x, float a, std::size_t n);
}  // namespace lab::scalar

namespace lab::simd {
// xsimd versions (vector_ops_xsimd.cpp)
void f32_adamw_update(float* params_out, float* m_out, float* v_out, const float* params,
                      const float* m, const float* v, const float* grads, std::size_t n,
                      float lr, float beta1, float beta2, float beta1_correction,
                      float beta2_correction, float eps, float weight_decay);
void f32_gelu_forward(float* out, const float* inp, std::size_t n);
void f32_gelu_backward(float* dinp, const float* inp, const float* out, const float* dout, std::size_t n);
void f32_softmax_rows(float* probs, const float* logits, std::size_t N, std::size_t V);
double f32_sum_squares(const float* x, std::size_t n);
void f32_axpy(float* y, float a, const float* x, std::size_t n);
void f32_scale(float* x, float a, std::size_t n);
}  // namespace lab::simd

namespace lab {

// dispatch (vector_ops_dispatch.cpp)
void f32_adamw_update(float* params_out, float* m_out, float* v_out, const float* params,
                      const float* m, const float* v, const float* grads, std::size_t n,
                      float lr, float beta1, float beta2, float beta1_correction,
                      float beta2_correction, float eps, float weight_decay);
void f32_gelu_forward(float* out, const float* inp, std::size_t n);
void f32_gelu_backward(float* dinp, const float* inp, const float* out, const float* dout, std::size_t n);
void f32_softmax_rows(float* probs, const float* logits, std::size_t N, std::size_t V);
double f32_sum_squares(const float* x, std::size_t n);
void f32_axpy(float* y, float a, const float* x, std::size_t n);
void f32_scale(float* x, float a, std::size_t n);

}  // namespace lab
