// Scalar twins of the LayerNorm kernels: plain loops, the oracle for the xsimd versions.
#include <cmath>

#include "kernels/layernorm.hpp"

namespace lab::scalar {

void f32_layernorm_forward(float* out, float* mean, float* rstd, const float* inp, const float* weight,
                           const float* bias, std::size_t N, std::size_t C, float eps) {
    for (std::size_t n = 0; n < N; ++n) {
        const float* x = inp + n * C;
        float m = 0.0f;
        for (std::size_t i = 0; i < C; ++i) m += x[i];
        m /= static_cast<float>(C);
        float v = 0.0f;
        for (std::size_t i = 0; i < C; ++i) {
            const float d = x[i] - m;
            v += d * d;
        }
        v /= static_cast<float>(C);
        const float s = 1.0f / std::sqrt(v + eps);
        float* o = out + n * C;
        if (bias) for (std::size_t i = 0; i < C; ++i) o[i] = (x[i] - m) * s * weight[i] + bias[i];
        else for (std::size_t i = 0; i < C; ++i) o[i] = (x[i] - m) * s * weight[i];
        mean[n] = m;
        rstd[n] = s;
    }
}

void f32_add_layernorm_forward(float* sum, float* out, float* mean, float* rstd, const float* a, const float* b,
                               const float* weight, const float* bias, std::size_t N, std::size_t C, float eps) {
    for (std::size_t i = 0; i < N * C; ++i) sum[i] = a[i] + b[i];
    f32_layernorm_forward(out, mean, rstd, sum, weight, bias, N, C, eps);
}

void f32_layernorm_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                            const float* weight, const float* mean, const float* rstd, std::size_t N,
                            std::size_t C) {
    for (std::size_t n = 0; n < N; ++n) {
        const float* d = dout + n * C;
        const float* x = inp + n * C;
        float* dx = dinp + n * C;
        const float m = mean[n], s = rstd[n];
        // Two reductions: mean of dnorm and mean of dnorm·norm.
        float dnorm_mean = 0.0f, dnorm_norm_mean = 0.0f;
        for (std::size_t i = 0; i < C; ++i) {
            const float norm = (x[i] - m) * s;
            const float dnorm = weight[i] * d[i];
            dnorm_mean += dnorm;
            dnorm_norm_mean += dnorm * norm;
        }
        dnorm_mean /= static_cast<float>(C);
        dnorm_norm_mean /= static_cast<float>(C);
        for (std::size_t i = 0; i < C; ++i) {
            const float norm = (x[i] - m) * s;
            const float dnorm = weight[i] * d[i];
            if (dbias) dbias[i] += d[i];
            dweight[i] += norm * d[i];
            dx[i] += (dnorm - dnorm_mean - norm * dnorm_norm_mean) * s;
        }
    }
}

}  // namespace lab::scalar
