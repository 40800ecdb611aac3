// Attention with xsimd. Per (b, h):
//  - keys (forward) / values (backward) are packed transposed, kᵀ[hs, T], so the scores of one
//    query against 4 keys are one vector: s[t2..t2+3] = Σ_i q[i]·kᵀ[i, t2..t2+3] (no horizontal sums);
//  - queries go four at a time (kRows) where their causal rows of scores have as many vectors:
//    4×2-vector tiles of scores share each load of kᵀ, and the four softmaxes run side by side;
//  - the softmax exponentials are vectorised (exp_nonpositive, simd.hpp);
//  - every weighted sum of rows (out = Σ att·v, dq = Σ dpre·k, dk = Σ dpre·q, dv = Σ att·d) keeps
//    its hs-long result in registers while it walks the rows, instead of read-modify-writing
//    memory once per pair of positions; two output rows at a time share each row's loads (the
//    causal zeros at [t, t + 1] give both rows of a pair the same range), in blocks of ≤ 4 vectors.
//  - the inner loops step pointers (Emscripten compiles with LLVM's loop strength reduction off,
//    so an index times a stride stays a multiply in every iteration), and the scores and the
//    weighted sums are functions of their own (LAB_OUT_OF_LINE, simd.hpp).
// Same math as the scalar twin (attention_scalar.cpp); sums are reassociated.
#include <cmath>

#include "kernels/attention.hpp"
#include "kernels/simd.hpp"

namespace lab::simd {

namespace {

// Packs src[t, off .. off+hs) of a [T, 3C] buffer into dst[hs, Tp] (Tp = T rounded up to W, zero padded).
// With 4 lanes, blocks of 4 positions × 4 features go through a 4×4 transpose in registers
// (the scattered scalar stores were ~1 % of a training step at head size 16).
void pack_transposed(float* dst, const float* qkv, std::size_t T, std::size_t Tp, std::size_t C3, std::size_t off,
                     std::size_t hs) {
    std::size_t t = 0;
    if constexpr (W == 4) {
        const std::size_t hs4 = hs / 4 * 4;
        for (; t + 4 <= T; t += 4) {
            const float* src = qkv + t * C3 + off;
            for (std::size_t i = 0; i < hs4; i += 4) {
                store_transposed_4x4(vf::load_unaligned(src + i), vf::load_unaligned(src + C3 + i),
                                     vf::load_unaligned(src + 2 * C3 + i), vf::load_unaligned(src + 3 * C3 + i),
                                     dst + i * Tp + t, Tp);
            }
            for (std::size_t i = hs4; i < hs; ++i)
                for (std::size_t u = 0; u < 4; ++u) dst[i * Tp + t + u] = src[u * C3 + i];
        }
    }
    for (; t < T; ++t) {
        const float* src = qkv + t * C3 + off;
        for (std::size_t i = 0; i < hs; ++i) dst[i * Tp + t] = src[i];
    }
    for (std::size_t t = T; t < Tp; ++t)
        for (std::size_t i = 0; i < hs; ++i) dst[i * Tp + t] = 0.0f;
}

// out[t2 .. t2 + NB·W) = Σ_i q[i]·mt[i, t2 .. t2 + NB·W)   (mt row stride Tp), in NB registers.
template <std::size_t NB>
inline void scores_block(float* out, const float* q, const float* mt, std::size_t hs, std::size_t Tp, std::size_t t2,
                         vf scale) {
    vf acc[NB];
    for (std::size_t v = 0; v < NB; ++v) acc[v] = vf(0.0f);
    const float* m = mt + t2;
    for (std::size_t i = 0; i < hs; ++i, m += Tp) {
        const vf qi(q[i]);
        for (std::size_t v = 0; v < NB; ++v) acc[v] = acc[v] + qi * vf::load_unaligned(m + v * W);
    }
    for (std::size_t v = 0; v < NB; ++v) (acc[v] * scale).store_unaligned(out + t2 + v * W);
}

// out[0..nt) (nt a multiple of W) = scale · Σ_i q[i]·mt[i, 0..nt)   (mt row stride Tp). Four vectors of
// scores at a time: one accumulator alone would wait on each add's latency (hs adds in a chain);
// four independent chains keep the adder busy. Each score still sums over i in order.
LAB_OUT_OF_LINE void scores(float* out, const float* q, const float* mt, std::size_t hs, std::size_t Tp,
                            std::size_t nt, vf scale) {
    std::size_t t2 = 0;
    for (; t2 + 4 * W <= nt; t2 += 4 * W) scores_block<4>(out, q, mt, hs, Tp, t2, scale);
    switch ((nt - t2) / W) {  // the last 1–3 vectors, as many chains
        case 3: return scores_block<3>(out, q, mt, hs, Tp, t2, scale);
        case 2: return scores_block<2>(out, q, mt, hs, Tp, t2, scale);
        case 1: return scores_block<1>(out, q, mt, hs, Tp, t2, scale);
        default: return;
    }
}

// Rows of queries go four at a time (kRows): where their rows of scores have the same number of
// vectors (the causal rows t0 .. t0+3, t0 a multiple of 4, always do), the four share each load
// of the keys, and their softmaxes run side by side.
constexpr std::size_t kRows = 4;

// out[r·ldo + t2 .. + NB·W) = Σ_i q[r·qs + i]·mt[i, t2 .. + NB·W) for the kRows queries r, in
// kRows·NB registers (the GEMM micro-kernel's 4×2 tile: 2 loads of keys and 4 broadcasts feed
// 16 multiply-adds). Each score sums over i in order, as scores() does.
template <std::size_t NB>
inline void scores_rows_block(float* out, std::size_t ldo, const float* q, std::size_t qs, const float* mt,
                              std::size_t hs, std::size_t Tp, std::size_t t2, vf scale) {
    vf acc[kRows][NB];
    for (std::size_t r = 0; r < kRows; ++r)
        for (std::size_t v = 0; v < NB; ++v) acc[r][v] = vf(0.0f);
    const float* m = mt + t2;
    for (std::size_t i = 0; i < hs; ++i, m += Tp) {
        vf k[NB];
        for (std::size_t v = 0; v < NB; ++v) k[v] = vf::load_unaligned(m + v * W);
        for (std::size_t r = 0; r < kRows; ++r) {
            const vf qr(q[r * qs + i]);
            for (std::size_t v = 0; v < NB; ++v) acc[r][v] = acc[r][v] + qr * k[v];
        }
    }
    for (std::size_t r = 0; r < kRows; ++r)
        for (std::size_t v = 0; v < NB; ++v) (acc[r][v] * scale).store_unaligned(out + r * ldo + t2 + v * W);
}

// scores() for kRows queries (row r at q + r·qs) into the rows of out (stride ldo), nt each.
LAB_OUT_OF_LINE void scores_rows(float* out, std::size_t ldo, const float* q, std::size_t qs, const float* mt,
                                 std::size_t hs, std::size_t Tp, std::size_t nt, vf scale) {
    std::size_t t2 = 0;
    for (; t2 + 2 * W <= nt; t2 += 2 * W) scores_rows_block<2>(out, ldo, q, qs, mt, hs, Tp, t2, scale);
    if (t2 < nt) scores_rows_block<1>(out, ldo, q, qs, mt, hs, Tp, t2, scale);
}

// y[0..hs) = Σ_{j in [begin,end)} coef[j·cs] · rows[j·rs .. j·rs+hs), accumulated in NV registers
// (written: every y these kernels produce is one such sum).
template <std::size_t NV>
LAB_OUT_OF_LINE void weighted_rows(float* y, const float* coef, std::size_t cs, const float* rows, std::size_t rs,
                                   std::size_t begin, std::size_t end) {
    vf acc[NV];
    for (std::size_t v = 0; v < NV; ++v) acc[v] = vf(0.0f);
    const float* c = coef + begin * cs;
    const float* r = rows + begin * rs;
    for (std::size_t j = begin; j < end; ++j, c += cs, r += rs) {
        for (std::size_t v = 0; v < NV; ++v) acc[v] = acc[v] + vf(*c) * vf::load_unaligned(r + v * W);
    }
    for (std::size_t v = 0; v < NV; ++v) acc[v].store_unaligned(y + v * W);
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
            for (std::size_t i = 0; i < hs; ++i) y[i] = 0.0f;
            for (std::size_t j = begin; j < end; ++j) {
                const float c = coef[j * cs];
                const float* r = rows + j * rs;
                for (std::size_t i = 0; i < hs; ++i) y[i] += c * r[i];
            }
    }
}

// Two such sums over the same rows at once, y0 with coef0 and y1 with coef1: each row is loaded
// once for both (with hs ≤ 4·W a single sum spends as many loads as multiplies). Each y sums over
// j in the same order as weighted_rows.
template <std::size_t NV>
LAB_OUT_OF_LINE void weighted_rows_pair(float* y0, float* y1, const float* coef0, const float* coef1, std::size_t cs,
                                        const float* rows, std::size_t rs, std::size_t begin, std::size_t end) {
    vf a0[NV], a1[NV];
    for (std::size_t v = 0; v < NV; ++v) a0[v] = a1[v] = vf(0.0f);
    const float *c0 = coef0 + begin * cs, *c1 = coef1 + begin * cs;
    const float* r = rows + begin * rs;
    for (std::size_t j = begin; j < end; ++j, c0 += cs, c1 += cs, r += rs) {
        const vf v0(*c0), v1(*c1);
        for (std::size_t v = 0; v < NV; ++v) {
            const vf x = vf::load_unaligned(r + v * W);
            a0[v] = a0[v] + v0 * x;
            a1[v] = a1[v] + v1 * x;
        }
    }
    for (std::size_t v = 0; v < NV; ++v) {
        a0[v].store_unaligned(y0 + v * W);
        a1[v].store_unaligned(y1 + v * W);
    }
}

// Two rows × up to 4 vectors of sums fill 8 of the 16 registers; wider heads go in blocks of 4
// vectors (a head of 32 floats is 2 blocks with 4 lanes), each walking the rows again. Each y
// element still sums over j in order, so the results are those of weighted_rows.
void weighted_rows_any_pair(float* y0, float* y1, const float* coef0, const float* coef1, std::size_t cs,
                            const float* rows, std::size_t rs, std::size_t begin, std::size_t end, std::size_t hs) {
    if (hs % W != 0) {
        weighted_rows_any(y0, coef0, cs, rows, rs, begin, end, hs);
        weighted_rows_any(y1, coef1, cs, rows, rs, begin, end, hs);
        return;
    }
    for (std::size_t c = 0; c < hs; c += 4 * W) {
        float *z0 = y0 + c, *z1 = y1 + c;
        const float* r = rows + c;
        switch ((hs - c < 4 * W ? hs - c : 4 * W) / W) {
            case 1: weighted_rows_pair<1>(z0, z1, coef0, coef1, cs, r, rs, begin, end); break;
            case 2: weighted_rows_pair<2>(z0, z1, coef0, coef1, cs, r, rs, begin, end); break;
            case 3: weighted_rows_pair<3>(z0, z1, coef0, coef1, cs, r, rs, begin, end); break;
            default: weighted_rows_pair<4>(z0, z1, coef0, coef1, cs, r, rs, begin, end); break;
        }
    }
}

// Lanes t2 .. t2+W-1 of a row that are < n (the causal prefix).
inline xsimd::batch_bool<float> lanes_below(std::size_t t2, std::size_t n) {
    alignas(16 * sizeof(float)) float idx[W];
    for (std::size_t j = 0; j < W; ++j) idx[j] = static_cast<float>(t2 + j);
    return vf::load_aligned(idx) < vf(static_cast<float>(n));
}

// arow[0..n) = exp(row − max) / Σ, stable; arow[n..T) = 0. row holds nt = whole_vectors(n)
// scores (its padding lanes are ignored); it is overwritten with the exponentials.
void softmax_row(float* arow, float* row, std::size_t n, std::size_t T) {
    const std::size_t full = n / W * W, nt = whole_vectors(n);
    vf vmax(kScoreMaxStart);
    for (std::size_t t2 = 0; t2 < full; t2 += W) vmax = xsimd::max(vmax, vf::load_unaligned(row + t2));
    float maxv = max_of_lanes(vmax);  // ≥ kScoreMaxStart, vmax's start
    for (std::size_t t2 = full; t2 < n; ++t2) maxv = row[t2] > maxv ? row[t2] : maxv;
    const vf vm(maxv);
    vf vsum(0.0f);
    for (std::size_t t2 = 0; t2 < nt; t2 += W) {
        vf e = exp_nonpositive(vf::load_unaligned(row + t2) - vm);
        if (t2 + W > n) e = xsimd::select(lanes_below(t2, n), e, vf(0.0f));
        e.store_unaligned(row + t2);
        vsum = vsum + e;
    }
    const vf inv(1.0f / xsimd::hadd(vsum));
    std::size_t t2 = 0;
    for (; t2 < full; t2 += W) (vf::load_unaligned(row + t2) * inv).store_unaligned(arow + t2);
    for (; t2 < n; ++t2) arow[t2] = row[t2] * inv.get(0);
    for (; t2 + W <= T; t2 += W) vf(0.0f).store_unaligned(arow + t2);  // the masked part: Σ T²/2 per head
    for (; t2 < T; ++t2) arow[t2] = 0.0f;
}

// softmax_row() for the kRows causal rows t0 .. t0+kRows−1 at once: row r of rows (stride ldr)
// holds nt = whole_vectors(t0 + kRows) ≤ T scores, the first n0 + r (n0 = t0 + 1) of them real;
// row r of arows (stride T) gets its softmax, then zeros. Side by side, the rows' maxima, sums
// and exponentials are independent chains: one short row alone waits on every step's latency.
// Per row the same operations in the same order as softmax_row (the same bits).
LAB_OUT_OF_LINE void softmax_rows(float* arows, float* rows, std::size_t ldr, std::size_t n0, std::size_t nt,
                                  std::size_t T) {
    // The lanes past each row's end become kScoreMaxStart: they leave the maximum as it is, and
    // their exponential is exactly 0 (as softmax_row's masked lanes are).
    for (std::size_t r = 0; r < kRows; ++r)
        for (std::size_t t2 = n0 + r; t2 < nt; ++t2) rows[r * ldr + t2] = kScoreMaxStart;
    vf vmax[kRows], vsum[kRows];
    for (std::size_t r = 0; r < kRows; ++r) vmax[r] = vf(kScoreMaxStart);
    for (std::size_t t2 = 0; t2 < nt; t2 += W)
        for (std::size_t r = 0; r < kRows; ++r) vmax[r] = xsimd::max(vmax[r], vf::load_unaligned(rows + r * ldr + t2));
    for (std::size_t r = 0; r < kRows; ++r) {
        vmax[r] = vf(max_of_lanes(vmax[r]));
        vsum[r] = vf(0.0f);
    }
    for (std::size_t t2 = 0; t2 < nt; t2 += W)
        for (std::size_t r = 0; r < kRows; ++r) {
            float* x = rows + r * ldr + t2;
            const vf e = exp_nonpositive(vf::load_unaligned(x) - vmax[r]);
            e.store_unaligned(x);
            vsum[r] = vsum[r] + e;
        }
    for (std::size_t r = 0; r < kRows; ++r) {
        const vf inv(1.0f / xsimd::hadd(vsum[r]));
        const float* x = rows + r * ldr;
        float* a = arows + r * T;
        std::size_t t2 = 0;
        for (; t2 < nt; t2 += W) (vf::load_unaligned(x + t2) * inv).store_unaligned(a + t2);
        for (; t2 + W <= T; t2 += W) vf(0.0f).store_unaligned(a + t2);
        for (; t2 < T; ++t2) a[t2] = 0.0f;
    }
}
}  // namespace

void f32_attention_forward(float* out, float* att, float* scratch, const float* qkv,
                           std::size_t B, std::size_t T, std::size_t C, std::size_t NH) {
    const std::size_t C3 = 3 * C, hs = C / NH, Tp = whole_vectors(T);
    const float scale = 1.0f / std::sqrt(static_cast<float>(hs));
    const vf vscale(scale);
    float* kt = scratch;             // [hs, Tp]
    float* row = scratch + hs * Tp;  // [kRows, Tp] scores of kRows queries
    for (std::size_t b = 0; b < B; ++b) {
        const float* base = qkv + b * T * C3;
        for (std::size_t h = 0; h < NH; ++h) {
            pack_transposed(kt, base, T, Tp, C3, C + h * hs, hs);
            std::size_t t = 0;
            for (; t + kRows <= T && whole_vectors(t + kRows) <= T; t += kRows) {
                const std::size_t nt = whole_vectors(t + kRows);
                scores_rows(row, Tp, base + t * C3 + h * hs, C3, kt, hs, Tp, nt, vscale);
                softmax_rows(att + ((b * NH + h) * T + t) * T, row, Tp, t + 1, nt, T);
            }
            for (; t < T; ++t) {  // the last rows, when T is not a multiple of W
                const float* q = base + t * C3 + h * hs;
                float* arow = att + ((b * NH + h) * T + t) * T;
                const std::size_t n = t + 1, nt = whole_vectors(n);
                scores(row, q, kt, hs, Tp, nt, vscale);
                softmax_row(arow, row, n, T);
            }
            // out = Σ att·v, two rows at a time: row t's att is 0 at t + 1, so both sum over [0, t + 2).
            const float* A = att + (b * NH + h) * T * T;
            const float* v = base + 2 * C + h * hs;
            float* o = out + b * T * C + h * hs;
            for (std::size_t t = 0; t < T; t += 2) {
                if (t + 1 < T)
                    weighted_rows_any_pair(o + t * C, o + (t + 1) * C, A + t * T, A + (t + 1) * T, 1, v, C3, 0, t + 2, hs);
                else
                    weighted_rows_any(o + t * C, A + t * T, 1, v, C3, 0, t + 1, hs);
            }
        }
    }
}

void f32_attention_backward(float* dqkv, float* scratch, const float* dout, const float* qkv,
                            const float* att, std::size_t B, std::size_t T, std::size_t C,
                            std::size_t NH) {
    const std::size_t C3 = 3 * C, hs = C / NH, Tp = whole_vectors(T);
    const float scale = 1.0f / std::sqrt(static_cast<float>(hs));
    const vf vscale(scale);
    float* vt = scratch;                    // [hs, Tp]
    float* datt = scratch + hs * Tp;        // [kRows, Tp]
    float* dpre = datt + kRows * Tp;        // [T, T] d(loss)/d(scaled score), row = query
    for (std::size_t b = 0; b < B; ++b) {
        const float* base = qkv + b * T * C3;
        float* dbase = dqkv + b * T * C3;
        const float* dob = dout + b * T * C;
        for (std::size_t h = 0; h < NH; ++h) {
            const float* A = att + (b * NH + h) * T * T;
            pack_transposed(vt, base, T, Tp, C3, 2 * C + h * hs, hs);
            // datt[t, t2] = d[t]·v[t2];  att = softmax(pre) → dpre = att·(datt − Σ att·datt)·scale
            // datt is computed for kRows rows at once where the group t0 .. t0+kRows−1 fits in T
            // (row t's is at datt + (t − t0)·Tp), one row at a time for the rows after the last group.
            for (std::size_t t = 0; t < T; ++t) {
                const float* arow = A + t * T;
                const std::size_t n = t + 1, t0 = t / kRows * kRows;
                float* datt_t = datt + (t - t0) * Tp;
                if (t0 + kRows > T)
                    scores(datt_t, dob + t * C + h * hs, vt, hs, Tp, whole_vectors(n), vf(1.0f));
                else if (t == t0)
                    scores_rows(datt, Tp, dob + t * C + h * hs, C, vt, hs, Tp, whole_vectors(t + kRows), vf(1.0f));
                const std::size_t full = n / W * W;
                vf vdot(0.0f);
                for (std::size_t t2 = 0; t2 < full; t2 += W)
                    vdot = vdot + vf::load_unaligned(arow + t2) * vf::load_unaligned(datt_t + t2);
                float dot = xsimd::hadd(vdot);
                for (std::size_t t2 = full; t2 < n; ++t2) dot += arow[t2] * datt_t[t2];
                float* drow = dpre + t * T;
                const vf vd(dot);
                std::size_t t2 = 0;
                for (; t2 < full; t2 += W)
                    (vf::load_unaligned(arow + t2) * (vf::load_unaligned(datt_t + t2) - vd) * vscale).store_unaligned(drow + t2);
                for (; t2 < n; ++t2) drow[t2] = arow[t2] * (datt_t[t2] - dot) * scale;
                if (n < T) drow[n] = 0.0f;  // read by the pairs below (as att's 0 there is)
            }
            // dq[t] = Σ_{t2 ≤ t} dpre[t,t2]·k[t2];  dk[t] = Σ_{t' ≥ t} dpre[t',t]·q[t'];
            // dv[t] = Σ_{t' ≥ t} att[t',t]·d[t']. Rows t and t + 1 at a time: dpre and att are 0 at
            // [t, t + 1], so both rows of a pair sum over the same range.
            const float* k = base + C + h * hs;
            const float* q = base + h * hs;
            const float* d = dob + h * hs;
            float* dq = dbase + h * hs;
            float* dk = dbase + C + h * hs;
            float* dv = dbase + 2 * C + h * hs;
            for (std::size_t t = 0; t < T; t += 2) {
                if (t + 1 < T) {
                    const std::size_t u = t + 1;
                    weighted_rows_any_pair(dq + t * C3, dq + u * C3, dpre + t * T, dpre + u * T, 1, k, C3, 0, t + 2, hs);
                    weighted_rows_any_pair(dk + t * C3, dk + u * C3, dpre + t, dpre + u, T, q, C3, t, T, hs);
                    weighted_rows_any_pair(dv + t * C3, dv + u * C3, A + t, A + u, T, d, C, t, T, hs);
                } else {
                    weighted_rows_any(dq + t * C3, dpre + t * T, 1, k, C3, 0, t + 1, hs);
                    weighted_rows_any(dk + t * C3, dpre + t, T, q, C3, t, T, hs);
                    weighted_rows_any(dv + t * C3, A + t, T, d, C, t, T, hs);
                }
            }
        }
    }
}

}  // namespace lab::simd

namespace lab {

// The xsimd versions' layout (the scalar twins use a prefix of it): kᵀ or vᵀ [hs, Tp], kRows
// rows of scores [kRows, Tp], dpre [T, T]. Rows are padded to Tp because scores() writes whole
// vectors: with T < W, sizing by T instead wrote past the end of the scratch.
std::size_t f32_attention_scratch_floats(std::size_t T, std::size_t C, std::size_t NH) {
    const std::size_t Tp = simd::whole_vectors(T);
    return (C / NH) * Tp + simd::kRows * Tp + T * T;
}

}  // namespace lab
