// Attention with xsimd. Per (b, h):
//  - keys (forward) / values (backward) are packed transposed, kᵀ[hs, T], so the scores of one
//    query against 4 keys are one vector: s[t2..t2+3] = Σ_i q[i]·kᵀ[i, t2..t2+3] (no horizontal sums);
//  - the softmax exponentials are vectorised (xsimd::exp);
//  - every weighted sum of rows (out = Σ att·v, dq = Σ dpre·k, dk = Σ dpre·q, dv = Σ att·d) keeps
//    its hs-long result in registers while it walks the rows, instead of read-modify-writing
//    memory once per pair of positions.
// Same math as the scalar twin (attention.cpp); sums are reassociated.
#include <cmath>

#include "kernels/simd.hpp"
#include "layers/attention.hpp"

namespace lab {

namespace {
using simd::vf;
using simd::W;

// Packs src[t, off .. off+hs) of a [T, 3C] buffer into dst[hs, Tp] (Tp = T rounded up to W, zero padded).
void pack_transposed(float* dst, const float* qkv, std::size_t T, std::size_t Tp, std::size_t C3, std::size_t off,
                     std::size_t hs) {
    for (std::size_t t = 0; t < T; ++t) {
        const float* src = qkv + t * C3 + off;
        for (std::size_t i = 0; i < hs; ++i) dst[i * Tp + t] = src[i];
    }
    for (std::size_t t = T; t < Tp; ++t)
        for (std::size_t i = 0; i < hs; ++i) dst[i * Tp + t] = 0.0f;
}

// out[0..nt) (nt a multiple of W) = Σ_i q[i]·mt[i, 0..nt)   (mt row stride Tp)
inline void scores(float* out, const float* q, const float* mt, std::size_t hs, std::size_t Tp, std::size_t nt) {
    for (std::size_t t2 = 0; t2 < nt; t2 += W) {
        vf acc(0.0f);
        for (std::size_t i = 0; i < hs; ++i) acc = acc + vf(q[i]) * vf::load_unaligned(mt + i * Tp + t2);
        acc.store_unaligned(out + t2);
    }
}

// y[0..hs) += Σ_{j in [begin,end)} coef[j·cs] · rows[j·rs .. j·rs+hs), accumulated in NV registers.
template <std::size_t NV>
void weighted_rows(float* y, const float* coef, std::size_t cs, const float* rows, std::size_t rs,
                   std::size_t begin, std::size_t end) {
    vf acc[NV];
    for (std::size_t v = 0; v < NV; ++v) acc[v] = vf(0.0f);
    for (std::size_t j = begin; j < end; ++j) {
        const vf c(coef[j * cs]);
        const float* r = rows + j * rs;
        for (std::size_t v = 0; v < NV; ++v) acc[v] = acc[v] + c * vf::load_unaligned(r + v * W);
    }
    for (std::size_t v = 0; v < NV; ++v) (vf::load_unaligned(y + v * W) + acc[v]).store_unaligned(y + v * W);
}

void weighted_rows_any(float* y, const float* coef, std::size_t cs, const float* rows, std::size_t rs,
                       std::size_t begin, std::size_t end, std::size_t hs) {
    switch (hs % W == 0 ? hs / W : 0) {
        case 1: return weighted_rows<1>(y, coef, cs, rows, rs, begin, end);
        case 2: return weighted_rows<2>(y, coef, cs, rows, rs, begin, end);
        case 4: return weighted_rows<4>(y, coef, cs, rows, rs, begin, end);
        case 8: return weighted_rows<8>(y, coef, cs, rows, rs, begin, end);
        case 16: return weighted_rows<16>(y, coef, cs, rows, rs, begin, end);
        default:
            for (std::size_t j = begin; j < end; ++j) {
                const float c = coef[j * cs];
                const float* r = rows + j * rs;
                for (std::size_t i = 0; i < hs; ++i) y[i] += c * r[i];
            }
    }
}

// row[0..n) = exp(row − max) / Σ, stable; row[n..T) = 0.
void softmax_row(float* arow, float* row, std::size_t n, std::size_t T) {
    float maxv = -3.0e38f;
    for (std::size_t t2 = 0; t2 < n; ++t2) maxv = row[t2] > maxv ? row[t2] : maxv;
    const vf vmax(maxv);
    vf vsum(0.0f);
    std::size_t t2 = 0;
    for (; t2 + W <= n; t2 += W) {
        const vf e = xsimd::exp(vf::load_unaligned(row + t2) - vmax);
        e.store_unaligned(arow + t2);
        vsum = vsum + e;
    }
    float sum = xsimd::hadd(vsum);
    for (; t2 < n; ++t2) {
        arow[t2] = std::exp(row[t2] - maxv);
        sum += arow[t2];
    }
    const float inv = 1.0f / sum;
    for (t2 = 0; t2 < n; ++t2) arow[t2] *= inv;
    for (t2 = n; t2 < T; ++t2) arow[t2] = 0.0f;
}
}  // namespace

// The xsimd versions' layout (the scalar twins use a prefix of it): kᵀ or vᵀ [hs, Tp], one row
// [Tp], dpre [T, T]. Rows are padded to Tp because scores() writes whole vectors: with T < W,
// sizing by T instead wrote past the end of the scratch.
std::size_t attention_scratch_floats(std::size_t T, std::size_t C, std::size_t NH) {
    const std::size_t Tp = (T + W - 1) / W * W;
    return (C / NH) * Tp + Tp + T * T;
}

void attention_forward__xsimd(float* out, float* att, float* scratch, const float* qkv,
                              std::size_t B, std::size_t T, std::size_t C, std::size_t NH) {
    const std::size_t C3 = 3 * C, hs = C / NH, Tp = (T + W - 1) / W * W;
    const float scale = 1.0f / std::sqrt(static_cast<float>(hs));
    const vf vscale(scale);
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
                for (std::size_t t2 = 0; t2 < nt; t2 += W) (vf::load_unaligned(row + t2) * vscale).store_unaligned(row + t2);
                softmax_row(arow, row, n, T);
                float* o = out + (b * T + t) * C + h * hs;
                for (std::size_t i = 0; i < hs; ++i) o[i] = 0.0f;
                weighted_rows_any(o, arow, 1, base + 2 * C + h * hs, C3, 0, n, hs);  // out = Σ att·v
            }
        }
    }
}

void attention_backward__xsimd(float* dqkv, float* scratch, const float* dout, const float* qkv,
                               const float* att, std::size_t B, std::size_t T, std::size_t C, std::size_t NH) {
    const std::size_t C3 = 3 * C, hs = C / NH, Tp = (T + W - 1) / W * W;
    const float scale = 1.0f / std::sqrt(static_cast<float>(hs));
    float* vt = scratch;                    // [hs, Tp]
    float* datt = scratch + hs * Tp;        // [Tp]
    float* dpre = datt + Tp;                // [T, T] d(loss)/d(scaled score), row = query
    for (std::size_t b = 0; b < B; ++b) {
        const float* base = qkv + b * T * C3;
        float* dbase = dqkv + b * T * C3;
        const float* dob = dout + b * T * C;
        for (std::size_t h = 0; h < NH; ++h) {
            const float* A = att + (b * NH + h) * T * T;
            pack_transposed(vt, base, T, Tp, C3, 2 * C + h * hs, hs);
            // datt[t, t2] = d[t]·v[t2];  att = softmax(pre) → dpre = att·(datt − Σ att·datt)·scale
            for (std::size_t t = 0; t < T; ++t) {
                const float* arow = A + t * T;
                const std::size_t n = t + 1, nt = (n + W - 1) / W * W;
                scores(datt, dob + t * C + h * hs, vt, hs, Tp, nt);
                float dot = 0.0f;
                for (std::size_t t2 = 0; t2 < n; ++t2) dot += arow[t2] * datt[t2];
                float* drow = dpre + t * T;
                for (std::size_t t2 = 0; t2 < n; ++t2) drow[t2] = arow[t2] * (datt[t2] - dot) * scale;
            }
            for (std::size_t t = 0; t < T; ++t) {
                // dq[t] += Σ_{t2 ≤ t} dpre[t,t2]·k[t2]
                weighted_rows_any(dbase + t * C3 + h * hs, dpre + t * T, 1, base + C + h * hs, C3, 0, t + 1, hs);
                // dk[t] += Σ_{t' ≥ t} dpre[t',t]·q[t'];  dv[t] += Σ_{t' ≥ t} att[t',t]·d[t']
                weighted_rows_any(dbase + t * C3 + C + h * hs, dpre + t, T, base + h * hs, C3, t, T, hs);
                weighted_rows_any(dbase + t * C3 + 2 * C + h * hs, A + t, T, dob + h * hs, C, t, T, hs);
            }
        }
    }
}

}  // namespace lab
