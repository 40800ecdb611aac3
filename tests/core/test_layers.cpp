// Every layer's backward checked against central finite differences on small odd shapes.
// Method: pick a random upstream gradient G; the scalar f(x) = Σ G·layer(x) has gradient
// backward(G) with respect to every input and parameter; compare with (f(x+h) − f(x−h)) / 2h.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "kernels/matmul.hpp"
#include "layers/attention.hpp"
#include "layers/encoder.hpp"
#include "layers/gelu.hpp"
#include "layers/layernorm.hpp"
#include "layers/softmax_xent.hpp"
#include "util/rng.hpp"

using namespace lab;

namespace {

std::vector<float> randn(std::size_t n, lab::Rng& rng, float scale = 1.0f) {
    std::vector<float> v(n);
    for (auto& x : v) x = static_cast<float>(rng.normal()) * scale;
    return v;
}

// Compares analytic gradient `grad` of f with respect to `x` to central differences (in double
// accumulation of f to keep the check sharp).
void expect_grad_close(const std::function<double()>& f, std::vector<float>& x, const std::vector<float>& grad,
                       const char* what, float h = 1e-2f, float tol = 2e-2f) {
    ASSERT_EQ(x.size(), grad.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        const float orig = x[i];
        x[i] = orig + h;
        const double fp = f();
        x[i] = orig - h;
        const double fm = f();
        x[i] = orig;
        const double num = (fp - fm) / (2.0 * h);
        const double err = std::fabs(num - grad[i]);
        ASSERT_LE(err, tol * std::max(1.0, std::fabs(num))) << what << "[" << i << "] numeric " << num << " analytic " << grad[i];
    }
}

double dot(const std::vector<float>& a, const std::vector<float>& b) {
    double s = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) s += static_cast<double>(a[i]) * b[i];
    return s;
}

}  // namespace

TEST(LayerGrad, Matmul) {
    lab::Rng rng(1);
    const std::size_t BT = 5, C = 7, OC = 3;
    auto x = randn(BT * C, rng), w = randn(OC * C, rng), b = randn(OC, rng), G = randn(BT * OC, rng);
    std::vector<float> out(BT * OC);
    auto f = [&] { f32_matmul_forward(out.data(), x.data(), w.data(), b.data(), BT, C, OC); return dot(out, G); };
    std::vector<float> dx(BT * C, 0.f), dw(OC * C, 0.f), db(OC, 0.f);
    f32_matmul_backward(dx.data(), dw.data(), db.data(), G.data(), x.data(), w.data(), BT, C, OC);
    expect_grad_close(f, x, dx, "dinp");
    expect_grad_close(f, w, dw, "dweight");
    expect_grad_close(f, b, db, "dbias");
}

TEST(LayerGrad, LayerNorm) {
    lab::Rng rng(2);
    const std::size_t N = 3, C = 5;
    auto x = randn(N * C, rng), w = randn(C, rng), b = randn(C, rng), G = randn(N * C, rng);
    std::vector<float> out(N * C), mean(N), rstd(N);
    auto f = [&] { layernorm_forward(out.data(), mean.data(), rstd.data(), x.data(), w.data(), b.data(), N, C); return dot(out, G); };
    f();
    std::vector<float> dx(N * C, 0.f), dw(C, 0.f), db(C, 0.f);
    layernorm_backward(dx.data(), dw.data(), db.data(), G.data(), x.data(), w.data(), mean.data(), rstd.data(), N, C);
    expect_grad_close(f, x, dx, "dinp", 1e-2f, 3e-2f);
    expect_grad_close(f, w, dw, "dweight");
    expect_grad_close(f, b, db, "dbias");
}

TEST(LayerGrad, Gelu) {
    lab::Rng rng(3);
    const std::size_t n = 13;
    auto x = randn(n, rng, 2.0f), G = randn(n, rng);
    std::vector<float> out(n);
    auto f = [&] { gelu_forward(out.data(), x.data(), n); return dot(out, G); };
    std::vector<float> dx(n, 0.f), y(n);
    gelu_forward(y.data(), x.data(), n);
    gelu_backward(dx.data(), x.data(), y.data(), G.data(), n);
    expect_grad_close(f, x, dx, "dinp", 1e-3f);
}

// Attention's backward at sequence length T (B 2, C 6, 3 heads).
static void check_attention_grad(std::size_t T) {
    lab::Rng rng(4);
    const std::size_t B = 2, C = 6, NH = 3;
    auto qkv = randn(B * T * 3 * C, rng), G = randn(B * T * C, rng);
    std::vector<float> out(B * T * C), att(B * NH * T * T), scratch(attention_scratch_floats(T, C, NH));
    auto f = [&] { attention_forward(out.data(), att.data(), scratch.data(), qkv.data(), B, T, C, NH); return dot(out, G); };
    f();
    // causal: row t sums to 1 over columns ≤ t and is 0 after
    for (std::size_t r = 0; r < B * NH * T; ++r) {
        const std::size_t t = r % T;
        double s = 0.0;
        for (std::size_t c = 0; c < T; ++c) {
            if (c > t) EXPECT_EQ(att[r * T + c], 0.0f);
            s += att[r * T + c];
        }
        EXPECT_NEAR(s, 1.0, 1e-5);
    }
    std::vector<float> dqkv(qkv.size(), 0.f);
    attention_backward(dqkv.data(), scratch.data(), G.data(), qkv.data(), att.data(), B, T, C, NH);
    expect_grad_close(f, qkv, dqkv, "dqkv");
}

TEST(LayerGrad, Attention) {
    // T = 1..3 are shorter than one SIMD vector (the xsimd kernel pads its rows).
    for (const std::size_t T : {1, 2, 3, 5}) {
        SCOPED_TRACE("T = " + std::to_string(T));
        check_attention_grad(T);
    }
}

TEST(LayerGrad, Encoder) {
    lab::Rng rng(5);
    const std::size_t B = 2, T = 3, C = 4, V = 5;
    std::vector<std::int32_t> idx = {0, 4, 4, 2, 1, 0};
    auto wte = randn(V * C, rng), wpe = randn(T * C, rng), G = randn(B * T * C, rng);
    std::vector<float> out(B * T * C);
    auto f = [&] { encoder_forward(out.data(), idx.data(), wte.data(), wpe.data(), B, T, C); return dot(out, G); };
    std::vector<float> dwte(V * C, 0.f), dwpe(T * C, 0.f);
    encoder_backward(dwte.data(), dwpe.data(), G.data(), idx.data(), B, T, C);
    expect_grad_close(f, wte, dwte, "dwte");
    expect_grad_close(f, wpe, dwpe, "dwpe");
}

TEST(LayerGrad, SoftmaxCrossEntropy) {
    lab::Rng rng(6);
    const std::size_t N = 4, V = 7;
    auto logits = randn(N * V, rng);
    std::vector<std::int32_t> targets = {0, 6, 3, 3};
    std::vector<float> probs(N * V), losses(N);
    auto f = [&] {
        softmax_forward(probs.data(), logits.data(), N, V);
        crossentropy_forward(losses.data(), probs.data(), targets.data(), N, V);
        double s = 0.0;
        for (float l : losses) s += l;
        return s / N;
    };
    f();
    std::vector<float> dlogits(N * V);
    crossentropy_softmax_backward(dlogits.data(), probs.data(), targets.data(), 1.0f / N, N, V);
    expect_grad_close(f, logits, dlogits, "dlogits", 1e-3f);
}
