// LayerNorm with xsimd. The row sums (mean, variance; in backward, Σ dnorm and Σ dnorm·norm) run
// in two vectors of lanes, added up at the end of the row; the scalar twin sums in order, one
// running sum whose add latency bounds it. Element-wise parts use the twin's formulas in the same
// operation order. Rows whose length C is not a multiple of the lanes finish with scalar tails.
#include <cmath>

#include "kernels/layernorm.hpp"
#include "kernels/simd.hpp"

namespace lab::simd {

namespace {
// Σ_i f(i) over a row of C: two accumulators over 2W-blocks, one W-block, then a scalar tail.
// fv(i) gives the vector term at i, fs(i) the scalar one.
template <typename FV, typename FS>
inline float row_sum(std::size_t C, FV fv, FS fs) {
    vf a0(0.0f), a1(0.0f);
    std::size_t i = 0;
    for (; i + 2 * W <= C; i += 2 * W) {
        a0 = a0 + fv(i);
        a1 = a1 + fv(i + W);
    }
    if (i + W <= C) {
        a0 = a0 + fv(i);
        i += W;
    }
    float s = xsimd::hadd(a0 + a1);
    for (; i < C; ++i) s += fs(i);
    return s;
}

// One row of the forward, given its mean m (the callers sum the row as they read it). Not inlined:
// one copy for both callers (engine size); a call per row is small next to the row's three passes.
LAB_OUT_OF_LINE void layernorm_row(float* o, float* mean, float* rstd, const float* x, float m,
                                   const float* weight, const float* bias, std::size_t C, float eps) {
    const vf vm(m);
    const float v = row_sum(C,
                            [&](std::size_t i) {
                                const vf d = vf::load_unaligned(x + i) - vm;
                                return d * d;
                            },
                            [&](std::size_t i) {
                                const float d = x[i] - m;
                                return d * d;
                            }) / static_cast<float>(C);
    const float s = 1.0f / std::sqrt(v + eps);
    const vf vs(s);
    std::size_t i = 0;
    for (; i + W <= C; i += W) {
        const vf y = (vf::load_unaligned(x + i) - vm) * vs * vf::load_unaligned(weight + i);
        (bias ? y + vf::load_unaligned(bias + i) : y).store_unaligned(o + i);
    }
    for (; i < C; ++i) o[i] = bias ? (x[i] - m) * s * weight[i] + bias[i] : (x[i] - m) * s * weight[i];
    *mean = m;
    *rstd = s;
}
}  // namespace

void f32_layernorm_forward(float* out, float* mean, float* rstd, const float* inp, const float* weight,
                           const float* bias, std::size_t N, std::size_t C, float eps) {
    for (std::size_t n = 0; n < N; ++n) {
        const float* x = inp + n * C;
        const float m = row_sum(C, [&](std::size_t i) { return vf::load_unaligned(x + i); },
                                [&](std::size_t i) { return x[i]; }) / static_cast<float>(C);
        layernorm_row(out + n * C, mean + n, rstd + n, x, m, weight, bias, C, eps);
    }
}

// The row of a + b is written as the mean's sum reads it: the forward then reads it from L1.
void f32_add_layernorm_forward(float* sum, float* out, float* mean, float* rstd, const float* a, const float* b,
                               const float* weight, const float* bias, std::size_t N, std::size_t C, float eps) {
    for (std::size_t n = 0; n < N; ++n) {
        const float *an = a + n * C, *bn = b + n * C;
        float* x = sum + n * C;
        const float m = row_sum(C,
                                [&](std::size_t i) {
                                    const vf r = vf::load_unaligned(an + i) + vf::load_unaligned(bn + i);
                                    r.store_unaligned(x + i);
                                    return r;
                                },
                                [&](std::size_t i) { return x[i] = an[i] + bn[i]; }) / static_cast<float>(C);
        layernorm_row(out + n * C, mean + n, rstd + n, x, m, weight, bias, C, eps);
    }
}

void f32_layernorm_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                            const float* weight, const float* mean, const float* rstd, std::size_t N,
                            std::size_t C) {
    for (std::size_t n = 0; n < N; ++n) {
        const float* d = dout + n * C;
        const float* x = inp + n * C;
        float* dx = dinp + n * C;
        const float m = mean[n], s = rstd[n];
        const vf vm(m), vs(s);
        auto norm_v = [&](std::size_t i) { return (vf::load_unaligned(x + i) - vm) * vs; };
        auto dnorm_v = [&](std::size_t i) { return vf::load_unaligned(weight + i) * vf::load_unaligned(d + i); };
        const float dnorm_mean = row_sum(C, dnorm_v, [&](std::size_t i) { return weight[i] * d[i]; }) / static_cast<float>(C);
        const float dnorm_norm_mean = row_sum(C, [&](std::size_t i) { return dnorm_v(i) * norm_v(i); },
                                              [&](std::size_t i) { return weight[i] * d[i] * ((x[i] - m) * s); }) /
                                      static_cast<float>(C);
        const vf vdm(dnorm_mean), vdnm(dnorm_norm_mean);
        std::size_t i = 0;
        for (; i + W <= C; i += W) {
            const vf norm = norm_v(i), dnorm = dnorm_v(i), g = vf::load_unaligned(d + i);
            if (dbias) (vf::load_unaligned(dbias + i) + g).store_unaligned(dbias + i);
            (vf::load_unaligned(dweight + i) + norm * g).store_unaligned(dweight + i);
            (vf::load_unaligned(dx + i) + (dnorm - vdm - norm * vdnm) * vs).store_unaligned(dx + i);
        }
        for (; i < C; ++i) {
            const float norm = (x[i] - m) * s;
            const float dnorm = weight[i] * d[i];
            if (dbias) dbias[i] += d[i];
            dweight[i] += norm * d[i];
            dx[i] += (dnorm - dnorm_mean - norm * dnorm_norm_mean) * s;
        }
    }
}

}  // namespace lab::simd
