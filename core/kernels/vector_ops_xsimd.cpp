// xsimd versions of the element-wise kernels. AdamW, axpy and scale use the scalar twins'
// formulas in the same operation order (bit-identical results); sum of squares adds float lanes
// per block of 256, then in double; GELU's backward reads σ from the forward's output (below);
// GELU uses the same function written with a sigmoid,
// 0.5(1 + tanh u) = 1/(1 + exp(-2u)), which is cheaper than xsimd::tanh (no polynomial branch,
// no select) and agrees with the std::tanh twin to a few float ulps (absolute ~1e-7·|x|).
// Tails shorter than a vector: AdamW, axpy, scale and sum of squares finish with the scalar
// formula; GELU copies the tail into a padded vector so every element takes the same path.
#include <cmath>

#include "kernels/simd.hpp"
#include "kernels/vector_ops.hpp"

namespace lab::simd {
namespace {
// −2u = −2·s·(x + c·x³) = x·(−2s − 2sc·x²) (s = kGeluScale, c = kGeluCube): 4 operations.
inline vf minus_2u(vf x) {
    return x * (vf(-2.0f * kGeluScale) + vf(-2.0f * kGeluScale * kGeluCube) * (x * x));
}

// 0.5·(1 + tanh u) = σ(2u) = 1 / (1 + exp(-2u)): one exp and one division, no cancellation in
// 1 + tanh u for negative x. Where exp(-2u) would exceed kExpCoreMax (x < -10.6) σ is 0 (as
// std::exp's +inf gives) instead of a subnormal 1/(1 + 2e38); where it would be below
// kExpCoreMin (x > 10.5) it is clamped there, and 1 + 1.2e-38 rounds to 1: σ = 1.
inline vf sigmoid_2u(vf x) {
    const vf z = minus_2u(x);
    const vf s = vf(1.0f) / (vf(1.0f) + exp_core(max_keep_nan(z, kExpCoreMin)));
    return zero_where(z > vf(kExpCoreMax), s);
}

// x·σ(2u), as x / (1 + exp(-2u)): the same ranges as sigmoid_2u, one operation fewer.
inline vf gelu_forward(vf x) {
    const vf z = minus_2u(x);
    const vf y = x / (vf(1.0f) + exp_core(max_keep_nan(z, kExpCoreMin)));
    return zero_where(z > vf(kExpCoreMax), y);
}

// Below this |x| the sigmoid is read as 0.5 instead of out/x (σ(2u) = 0.5 + O(x): off by < 1e-20).
constexpr float kGeluTinyInput = 1e-20f;
// Above this x, σ > 0.99 and 1 − σ would be read from out/x with the forward's rounding of out
// magnified (measured: 3.5e-6 at x = 4.7, against 5.6e-7 for the twin): those lanes compute σ.
constexpr float kGeluSigmoidFromOutputMax = 2.5f;

// 0.5(1+t) + 0.5x(1-t²)·s(1+3c x²) with t = tanh u = 2σ-1: σ + xσ(1-σ)·(2s + 6sc x²). σ is read
// back from the forward's output y = x·σ (a division instead of an exponential and a division;
// two roundings, as exact as computing σ again) except where σ is close to 1 (see above), which
// pre-activations rarely are: a vector computes the exponential only if one of its lanes is.
inline vf gelu_local_grad(vf x, vf y) {
    vf sg = xsimd::select(xsimd::abs(x) < vf(kGeluTinyInput), vf(0.5f), y / x);
    const auto near_one = x > vf(kGeluSigmoidFromOutputMax);
    if (xsimd::any(near_one)) sg = xsimd::select(near_one, sigmoid_2u(x), sg);
    return sg + x * sg * (vf(1.0f) - sg) * (vf(2.0f * kGeluScale) + vf(6.0f * kGeluScale * kGeluCube) * (x * x));
}
}  // namespace

void f32_adamw_update(float* params_out, float* m_out, float* v_out, const float* params,
                      const float* m, const float* v, const float* grads, std::size_t n,
                      float lr, float beta1, float beta2, float beta1_correction,
                      float beta2_correction, float eps, float weight_decay) {
    const vf b1(beta1), b2(beta2), omb1(1.0f - beta1), omb2(1.0f - beta2);
    const vf bc1(beta1_correction), bc2(beta2_correction), vlr(lr), veps(eps), wd(weight_decay);
    std::size_t i = 0;
    for (; i + W <= n; i += W) {
        const vf g = vf::load_unaligned(grads + i);
        const vf p = vf::load_unaligned(params + i);
        const vf mi = b1 * vf::load_unaligned(m + i) + omb1 * g;
        const vf vi = b2 * vf::load_unaligned(v + i) + omb2 * g * g;
        const vf mhat = mi / bc1;
        const vf vhat = vi / bc2;
        mi.store_unaligned(m_out + i);
        vi.store_unaligned(v_out + i);
        (p - vlr * (mhat / (xsimd::sqrt(vhat) + veps) + wd * p)).store_unaligned(params_out + i);
    }
    if (i < n)
        scalar::f32_adamw_update(params_out + i, m_out + i, v_out + i, params + i, m + i, v + i, grads + i,
                                 n - i, lr, beta1, beta2, beta1_correction, beta2_correction, eps,
                                 weight_decay);
}

void f32_gelu_forward(float* out, const float* inp, std::size_t n) {
    std::size_t i = 0;
    for (; i + W <= n; i += W) gelu_forward(vf::load_unaligned(inp + i)).store_unaligned(out + i);
    if (i < n) {
        float x[W] = {}, y[W];
        for (std::size_t j = 0; j < n - i; ++j) x[j] = inp[i + j];
        gelu_forward(vf::load_unaligned(x)).store_unaligned(y);
        for (std::size_t j = 0; j < n - i; ++j) out[i + j] = y[j];
    }
}

void f32_gelu_backward(float* dinp, const float* inp, const float* out, const float* dout, std::size_t n) {
    std::size_t i = 0;
    for (; i + W <= n; i += W) {
        const vf d = gelu_local_grad(vf::load_unaligned(inp + i), vf::load_unaligned(out + i)) *
                     vf::load_unaligned(dout + i);
        d.store_unaligned(dinp + i);
    }
    if (i < n) {
        float x[W] = {}, y[W] = {}, g[W] = {}, d[W];
        for (std::size_t j = 0; j < n - i; ++j) {
            x[j] = inp[i + j];
            y[j] = out[i + j];
            g[j] = dout[i + j];
        }
        (gelu_local_grad(vf::load_unaligned(x), vf::load_unaligned(y)) * vf::load_unaligned(g)).store_unaligned(d);
        for (std::size_t j = 0; j < n - i; ++j) dinp[i + j] = d[j];
    }
}

// A row's max and sum go through vector lanes (the sum's order differs from the twin's); the
// last partial vector is padded with a value whose exponential is exactly 0, so every element
// takes the same path.
void f32_softmax_rows(float* probs, const float* logits, std::size_t N, std::size_t V) {
    const std::size_t full = V / W * W;
    for (std::size_t n = 0; n < N; ++n) {
        const float* x = logits + n * V;
        float* p = probs + n * V;
        float tail[W];
        for (std::size_t j = 0; j < W; ++j) tail[j] = full + j < V ? x[full + j] : -HUGE_VALF;
        vf vmax = vf::load_unaligned(tail);
        for (std::size_t i = 0; i < full; i += W) vmax = xsimd::max(vmax, vf::load_unaligned(x + i));
        const vf m(max_of_lanes(vmax));
        vf vsum(0.0f);
        for (std::size_t i = 0; i < full; i += W) {
            const vf e = exp_nonpositive(vf::load_unaligned(x + i) - m);
            e.store_unaligned(p + i);
            vsum = vsum + e;
        }
        const vf et = exp_nonpositive(vf::load_unaligned(tail) - m);
        vsum = vsum + et;
        const vf inv(1.0f / xsimd::hadd(vsum));
        for (std::size_t i = 0; i < full; i += W) (vf::load_unaligned(p + i) * inv).store_unaligned(p + i);
        (et * inv).store_unaligned(tail);
        for (std::size_t j = 0; full + j < V; ++j) p[full + j] = tail[j];
    }
}

// Blocks of 256 elements are summed in float lanes (64 squares per lane), then added in double.
double f32_sum_squares(const float* x, std::size_t n) {
    constexpr std::size_t kBlock = 256;
    static_assert(kBlock % (4 * W) == 0, "block is a whole number of 4-vector steps");
    double total = 0.0;
    std::size_t i = 0;
    for (; i + kBlock <= n; i += kBlock) {
        vf s0(0.0f), s1(0.0f), s2(0.0f), s3(0.0f);
        for (std::size_t j = i; j < i + kBlock; j += 4 * W) {
            const vf a = vf::load_unaligned(x + j), b = vf::load_unaligned(x + j + W);
            const vf c = vf::load_unaligned(x + j + 2 * W), d = vf::load_unaligned(x + j + 3 * W);
            s0 = s0 + a * a;
            s1 = s1 + b * b;
            s2 = s2 + c * c;
            s3 = s3 + d * d;
        }
        total += static_cast<double>(xsimd::hadd((s0 + s1) + (s2 + s3)));
    }
    vf s(0.0f);
    for (; i + W <= n; i += W) {
        const vf a = vf::load_unaligned(x + i);
        s = s + a * a;
    }
    total += static_cast<double>(xsimd::hadd(s));
    return total + scalar::f32_sum_squares(x + i, n - i);
}

void f32_axpy(float* y, float a, const float* x, std::size_t n) {
    const vf va(a);
    std::size_t i = 0;
    for (; i + W <= n; i += W)
        (vf::load_unaligned(y + i) + va * vf::load_unaligned(x + i)).store_unaligned(y + i);
    scalar::f32_axpy(y + i, a, x + i, n - i);
}

void f32_scale(float* x, float a, std::size_t n) {
    const vf va(a);
    std::size_t i = 0;
    for (; i + W <= n; i += W) (vf::load_unaligned(x + i) * va).store_unaligned(x + i);
    scalar::f32_scale(x + i, a, n - i);
}

}  // namespace lab::simd
