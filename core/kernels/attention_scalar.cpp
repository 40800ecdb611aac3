// Scalar twins of the attention kernels: the straightforward loops, the oracle for
// attention_xsimd.cpp.
#include <cmath>

#include "kernels/attention.hpp"

namespace lab::scalar {

void f32_attention_forward(float* out, float* att, float* /*scratch*/, const float* qkv,
                           std::size_t B, std::size_t T, std::size_t C, std::size_t NH) {
    const std::size_t C3 = 3 * C, hs = C / NH;
    const float scale = 1.0f / std::sqrt(static_cast<float>(hs));
    for (std::size_t b = 0; b < B; ++b) {
        for (std::size_t h = 0; h < NH; ++h) {
            for (std::size_t t = 0; t < T; ++t) {
                const float* q = qkv + (b * T + t) * C3 + h * hs;
                float* row = att + ((b * NH + h) * T + t) * T;
                // scores for keys 0..t, and their max for a stable softmax
                float maxv = kScoreMaxStart;
                for (std::size_t t2 = 0; t2 <= t; ++t2) {
                    const float* k = qkv + (b * T + t2) * C3 + C + h * hs;
                    float s = 0.0f;
                    for (std::size_t i = 0; i < hs; ++i) s += q[i] * k[i];
                    s *= scale;
                    row[t2] = s;
                    if (s > maxv) maxv = s;
                }
                float sum = 0.0f;
                for (std::size_t t2 = 0; t2 <= t; ++t2) {
                    const float e = std::exp(row[t2] - maxv);
                    row[t2] = e;
                    sum += e;
                }
                const float inv = 1.0f / sum;
                for (std::size_t t2 = 0; t2 <= t; ++t2) row[t2] *= inv;
                for (std::size_t t2 = t + 1; t2 < T; ++t2) row[t2] = 0.0f;
                // out = Σ att·v
                float* o = out + (b * T + t) * C + h * hs;
                for (std::size_t i = 0; i < hs; ++i) o[i] = 0.0f;
                for (std::size_t t2 = 0; t2 <= t; ++t2) {
                    const float* v = qkv + (b * T + t2) * C3 + 2 * C + h * hs;
                    const float a = row[t2];
                    for (std::size_t i = 0; i < hs; ++i) o[i] += a * v[i];
                }
            }
        }
    }
}

void f32_attention_backward(float* dqkv, float* scratch, const float* dout, const float* qkv,
                            const float* att, std::size_t B, std::size_t T, std::size_t C,
                            std::size_t NH) {
    const std::size_t C3 = 3 * C, hs = C / NH;
    const float scale = 1.0f / std::sqrt(static_cast<float>(hs));
    float* datt = scratch;
    for (std::size_t i = 0; i < B * T * C3; ++i) dqkv[i] = 0.0f;  // written, then summed into below
    for (std::size_t b = 0; b < B; ++b) {
        for (std::size_t h = 0; h < NH; ++h) {
            for (std::size_t t = 0; t < T; ++t) {
                const float* row = att + ((b * NH + h) * T + t) * T;
                const float* d = dout + (b * T + t) * C + h * hs;
                // out = Σ att·v  →  datt[t2] = d·v[t2],  dv[t2] += att[t2]·d
                float dot_att_datt = 0.0f;
                for (std::size_t t2 = 0; t2 <= t; ++t2) {
                    const float* v = qkv + (b * T + t2) * C3 + 2 * C + h * hs;
                    float* dv = dqkv + (b * T + t2) * C3 + 2 * C + h * hs;
                    const float a = row[t2];
                    float s = 0.0f;
                    for (std::size_t i = 0; i < hs; ++i) {
                        s += d[i] * v[i];
                        dv[i] += a * d[i];
                    }
                    datt[t2] = s;
                    dot_att_datt += a * s;
                }
                // att = softmax(pre) → dpre[t2] = att[t2]·(datt[t2] − Σ att·datt);
                // pre = q·k·scale → dq += dpre·k·scale, dk[t2] += dpre·q·scale
                const float* q = qkv + (b * T + t) * C3 + h * hs;
                float* dq = dqkv + (b * T + t) * C3 + h * hs;
                for (std::size_t t2 = 0; t2 <= t; ++t2) {
                    const float dpre = row[t2] * (datt[t2] - dot_att_datt) * scale;
                    const float* k = qkv + (b * T + t2) * C3 + C + h * hs;
                    float* dk = dqkv + (b * T + t2) * C3 + C + h * hs;
                    for (std::size_t i = 0; i < hs; ++i) {
                        dq[i] += dpre * k[i];
                        dk[i] += dpre * q[i];
                    }
                }
            }
        }
    }
}

}  // namespace lab::scalar
