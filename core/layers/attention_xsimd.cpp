// Attention with xsimd. Per (b, h) the keys and values are packed transposed, kᵀ[hs, T] and
// vᵀ[hs, T], so that the scores of one query against 4 keys are one vector: scores[t2..t2+3] =
// Σ_i q[i]·kᵀ[i, t2..t2+3] — no horizontal sums. The weighted sums over values are axpys over hs.
// Same math and order of softmax as the scalar twin (attention.cpp); sums are reassociated.
#include <cmath>

#include "kernels/simd.hpp"
#include "layers/attention.hpp"

namespace lab {

namespace {
using simd::vf;
using simd::W;

// Packs rows src[t, off .. off+hs) of a [T, 3C] buffer into dst[hs, Tp] (Tp = T rounded up to W, zero padded).
void pack_transposed(float* dst, const float* qkv, std::size_t T, std::size_t Tp, std::size_t C3, std::size_t off,
                     std::size_t hs) {
    for (std::size_t t = 0; t < T; ++t) {
        const float* src = qkv + t * C3 + off;
        for (std::size_t i = 0; i < hs; ++i) dst[i * Tp + t] = src[i];
    }
    for (std::size_t t = T; t < Tp; ++t)
        for (std::size_t i = 0; i < hs; ++i) dst[i * Tp + t] = 0.0f;
}

// y[0..n) += a·x[0..n)
inline void axpy(float* y, float a, const float* x, std::size_t n) {
    const vf av(a);
    std::size_t i = 0;
    for (; i + W <= n; i += W) (vf::load_unaligned(y + i) + av * vf::load_unaligned(x + i)).store_unaligned(y + i);
    for (; i < n; ++i) y[i] += a * x[i];
}

// out[0..nt) (nt rounded up to W) = Σ_i q[i]·mt[i, 0..nt)   (mt row stride Tp)
inline void scores(float* out, const float* q, const float* mt, std::size_t hs, std::size_t Tp, std::size_t nt) {
    for (std::size_t t2 = 0; t2 < nt; t2 += W) {
        vf acc(0.0f);
        for (std::size_t i = 0; i < hs; ++i) acc = acc + vf(q[i]) * vf::load_unaligned(mt + i * Tp + t2);
        acc.store_unaligned(out + t2);
    }
}
}  // namespace

void attention_forward__xsimd(float* out, float* att, float* scratch, const float* qkv,
                              std::size_t B, std::size_t T, std::size_t C, std::size_t NH) {
    const std::size_t C3 = 3 * C, hs = C / NH, Tp = (T + W - 1) / W * W;
    const float scale = 1.0f / std::sqrt(static_cast<float>(hs));
    float* kt = scratch;             // [hs, Tp]
    float* row = scratch + hs * Tp;  // [Tp] scores of one query
    for (std::size_t b = 0; b < B; ++b) {
        const float* base = qkv + b * T * C3;
        for (std::size_t h = 0; h < NH; ++h) {
            pack_transposed(kt, base, T, Tp, C3, C + h * hs, hs);
            for (std::size_t t = 0; t < T; ++t) {
                const float* q = base + t * C3 + h * hs;
                float* arow = att + ((b * NH + h) * T + t) * T;
                const std::size_t n = t + 1, nt = (n + W - 1) / W * W;
                scores(row, q, kt, hs, Tp, nt);
                float maxv = -3.0e38f;
                for (std::size_t t2 = 0; t2 < n; ++t2) {
                    row[t2] *= scale;
                    if (row[t2] > maxv) maxv = row[t2];
                }
                float sum = 0.0f;
                for (std::size_t t2 = 0; t2 < n; ++t2) {
                    const float e = std::exp(row[t2] - maxv);
                    arow[t2] = e;
                    sum += e;
                }
                const float inv = 1.0f / sum;
                for (std::size_t t2 = 0; t2 < n; ++t2) arow[t2] *= inv;
                for (std::size_t t2 = n; t2 < T; ++t2) arow[t2] = 0.0f;
                float* o = out + (b * T + t) * C + h * hs;
                for (std::size_t i = 0; i < hs; ++i) o[i] = 0.0f;
                for (std::size_t t2 = 0; t2 < n; ++t2) axpy(o, arow[t2], base + t2 * C3 + 2 * C + h * hs, hs);
            }
        }
    }
}

void attention_backward__xsimd(float* dqkv, float* scratch, const float* dout, const float* qkv,
                               const float* att, std::size_t B, std::size_t T, std::size_t C, std::size_t NH) {
    const std::size_t C3 = 3 * C, hs = C / NH, Tp = (T + W - 1) / W * W;
    const float scale = 1.0f / std::sqrt(static_cast<float>(hs));
    float* vt = scratch;             // [hs, Tp]
    float* datt = scratch + hs * Tp; // [Tp]
    for (std::size_t b = 0; b < B; ++b) {
        const float* base = qkv + b * T * C3;
        float* dbase = dqkv + b * T * C3;
        for (std::size_t h = 0; h < NH; ++h) {
            pack_transposed(vt, base, T, Tp, C3, 2 * C + h * hs, hs);
            for (std::size_t t = 0; t < T; ++t) {
                const float* arow = att + ((b * NH + h) * T + t) * T;
                const float* d = dout + (b * T + t) * C + h * hs;
                const std::size_t n = t + 1, nt = (n + W - 1) / W * W;
                // out = Σ att·v  →  datt[t2] = d·v[t2],  dv[t2] += att[t2]·d
                scores(datt, d, vt, hs, Tp, nt);
                float dot_att_datt = 0.0f;
                for (std::size_t t2 = 0; t2 < n; ++t2) {
                    dot_att_datt += arow[t2] * datt[t2];
                    axpy(dbase + t2 * C3 + 2 * C + h * hs, arow[t2], d, hs);
                }
                // att = softmax(pre), pre = q·k·scale → dq += dpre·k, dk[t2] += dpre·q
                const float* q = base + t * C3 + h * hs;
                float* dq = dbase + t * C3 + h * hs;
                for (std::size_t t2 = 0; t2 < n; ++t2) {
                    const float dpre = arow[t2] * (datt[t2] - dot_att_datt) * scale;
                    axpy(dq, dpre, base + t2 * C3 + C + h * hs, hs);
                    axpy(dbase + t2 * C3 + C + h * hs, dpre, q, hs);
                }
            }
        }
    }
}

}  // namespace lab
