// Scalar twins of the element-wise kernels: plain loops, the oracle for the xsimd versions.
#include <cmath>

#include "kernels/vector_ops.hpp"

namespace lab::scalar {

void f32_adamw_update(float* params_out, float* m_out, float* v_out, const float* params,
                      const float* m, const float* v, const float* grads, std::size_t n,
                      float lr, float beta1, float beta2, float beta1_correction,
                      float beta2_correction, float eps, float weight_decay) {
    for (std::size_t i = 0; i < n; ++i) {
        const float g = grads[i];
        const float p = params[i];
        const float mi = beta1 * m[i] + (1.0f - beta1) * g;
        const float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
        const float mhat = mi / beta1_correction;
        const float vhat = vi / beta2_correction;
        m_out[i] = mi;
        v_out[i] = vi;
        params_out[i] = p - lr * (mhat / (std::sqrt(vhat) + eps) + weight_decay * p);
    }
}

void f32_gelu_forward(float* out, const float* inp, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        const float x = inp[i];
        const float u = kGeluScale * (x + kGeluCube * x * x * x);
        out[i] = 0.5f * x * (1.0f + std::tanh(u));
    }
}

// d/dx 0.5x(1+tanh u) = 0.5(1+tanh u) + 0.5x(1-tanh²u)·sqrt(2/pi)(1+3·0.044715x²)
void f32_gelu_backward(float* dinp, const float* inp, const float* /*out: unused, see vector_ops.hpp*/,
                       const float* dout, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        const float x = inp[i];
        const float u = kGeluScale * (x + kGeluCube * x * x * x);
        const float t = std::tanh(u);
        const float sech2 = 1.0f - t * t;
        const float local_grad =
            0.5f * (1.0f + t) + 0.5f * x * sech2 * kGeluScale * (1.0f + 3.0f * kGeluCube * x * x);
        dinp[i] = local_grad * dout[i];
    }
}

void f32_softmax_rows(float* probs, const float* logits, std::size_t N, std::size_t V) {
    for (std::size_t n = 0; n < N; ++n) {
        const float* x = logits + n * V;
        float* p = probs + n * V;
        float maxv = x[0];
        for (std::size_t i = 1; i < V; ++i) maxv = x[i] > maxv ? x[i] : maxv;
        float sum = 0.0f;
        for (std::size_t i = 0; i < V; ++i) {
            p[i] = std::exp(x[i] - maxv);
            sum += p[i];
        }
        const float inv = 1.0f / sum;
        for (std::size_t i = 0; i < V; ++i) p[i] *= inv;
    }
}

double f32_sum_squares(const float* x, std::size_t n) {
    double s = 0.0;
    for (std::size_t i = 0; i < n; ++i) s += static_cast<double>(x[i]) * x[i];
    return s;
}

void f32_axpy(float* y, float a, const float* x, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) y[i] += a * x[i];
}

void f32_scale(float* x, float a, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) x[i] *= a;
}

}  // namespace lab::scalar
