// Every xsimd kernel against its scalar twin (the oracle), at sizes W, k·W, < W and W + tail
// (W = lanes per vector), odd shapes, shapes that cross the matmul's K and M blocks, with and
// without bias, and backward accumulation into non-zero gradients.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "kernels/attention.hpp"
#include "kernels/layernorm.hpp"
#include "kernels/matmul.hpp"
#include "kernels/simd.hpp"
#include "kernels/vector_ops.hpp"
#include "util/rng.hpp"

namespace lab {
namespace {

constexpr std::size_t W = simd::W;

std::vector<float> random_vec(std::size_t n, Rng& rng, float lo = -1.0f, float hi = 1.0f) {
    std::vector<float> v(n);
    for (auto& x : v) x = lo + (hi - lo) * rng.uniform();
    return v;
}

// |got - want| <= tol * max(1, |want|), element by element; reports the first few mismatches.
void expect_close(const std::vector<float>& got, const std::vector<float>& want, float tol,
                  const std::string& what) {
    ASSERT_EQ(got.size(), want.size()) << what;
    int reported = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
        const float bound = tol * std::max(1.0f, std::fabs(want[i]));
        if (!(std::fabs(got[i] - want[i]) <= bound) && reported++ < 5)
            ADD_FAILURE() << what << "[" << i << "]: got " << got[i] << ", want " << want[i]
                          << " (tol " << bound << ")";
    }
}

struct Shape {
    std::size_t BT, C, OC;
};

std::string name(const Shape& s, bool with_bias) {
    return "BT=" + std::to_string(s.BT) + " C=" + std::to_string(s.C) +
           " OC=" + std::to_string(s.OC) + (with_bias ? " bias" : " no bias");
}

// The matmuls add each element's products in the twin's order, in every tile and K block: the
// same bits (tolerance 0).
void check_forward(const Shape& s, bool with_bias, Rng& rng) {
    const auto inp = random_vec(s.BT * s.C, rng);
    const auto weight = random_vec(s.OC * s.C, rng);
    const auto bias = random_vec(s.OC, rng);
    // Forward overwrites: start from NaN so any element left unwritten fails.
    std::vector<float> want(s.BT * s.OC, std::numeric_limits<float>::quiet_NaN());
    std::vector<float> got = want;
    const float* b = with_bias ? bias.data() : nullptr;
    scalar::f32_matmul_forward(want.data(), inp.data(), weight.data(), b, s.BT, s.C, s.OC);
    simd::f32_matmul_forward(got.data(), inp.data(), weight.data(), b, s.BT, s.C, s.OC);
    expect_close(got, want, 0.0f, "forward out " + name(s, with_bias));
}

void check_backward(const Shape& s, bool with_bias, Rng& rng) {
    const auto inp = random_vec(s.BT * s.C, rng);
    const auto weight = random_vec(s.OC * s.C, rng);
    const auto dout = random_vec(s.BT * s.OC, rng);
    // dweight and dbias accumulate: start from non-zero gradients; dinp is written (its old
    // contents, NaN here, must not matter).
    const std::vector<float> dinp0(s.BT * s.C, std::numeric_limits<float>::quiet_NaN());
    const auto dweight0 = random_vec(s.OC * s.C, rng, -2.0f, 2.0f);
    const auto dbias0 = random_vec(s.OC, rng, -2.0f, 2.0f);
    auto dinp_want = dinp0, dweight_want = dweight0, dbias_want = dbias0;
    auto dinp_got = dinp0, dweight_got = dweight0, dbias_got = dbias0;
    scalar::f32_matmul_backward(dinp_want.data(), dweight_want.data(),
                                with_bias ? dbias_want.data() : nullptr, dout.data(), inp.data(),
                                weight.data(), s.BT, s.C, s.OC);
    simd::f32_matmul_backward(dinp_got.data(), dweight_got.data(),
                              with_bias ? dbias_got.data() : nullptr, dout.data(), inp.data(),
                              weight.data(), s.BT, s.C, s.OC);
    expect_close(dinp_got, dinp_want, 0.0f, "dinp " + name(s, with_bias));
    expect_close(dweight_got, dweight_want, 0.0f, "dweight " + name(s, with_bias));
    expect_close(dbias_got, dbias_want, 0.0f, "dbias " + name(s, with_bias));
    if (!with_bias) {
        EXPECT_EQ(dbias_got, dbias0) << "dbias untouched when nullptr";
    }
}

// Every combination of W-related sizes for the three dimensions.
std::vector<Shape> lane_shapes() {
    const std::size_t dims[] = {1, W - 1, W, W + 1, 2 * W, 3 * W + 2, 5 * W};
    std::vector<Shape> shapes;
    for (std::size_t bt : dims)
        for (std::size_t c : dims)
            for (std::size_t oc : dims) shapes.push_back({bt, c, oc});
    return shapes;
}

// Odd model-like shapes, and shapes crossing the K block (256) and M block (128) of the GEMM.
const Shape kOddShapes[] = {
    {3, 5, 7},     {37, 64, 195},  {128, 130, 65}, {64, 64, 256},  {130, 17, 33},
    {300, 600, 70}, {1030, 20, 37}, {257, 513, 9},  {2, 1000, 3},   {129, 2, 257},
};

TEST(KernelMatmul, ForwardLaneSizes) {
    Rng rng(1);
    for (const Shape& s : lane_shapes()) {
        check_forward(s, true, rng);
        check_forward(s, false, rng);
    }
}

TEST(KernelMatmul, BackwardLaneSizes) {
    Rng rng(2);
    for (const Shape& s : lane_shapes()) {
        check_backward(s, true, rng);
        check_backward(s, false, rng);
    }
}

TEST(KernelMatmul, ForwardOddShapes) {
    Rng rng(3);
    for (const Shape& s : kOddShapes) {
        check_forward(s, true, rng);
        check_forward(s, false, rng);
    }
}

TEST(KernelMatmul, BackwardOddShapes) {
    Rng rng(4);
    for (const Shape& s : kOddShapes) {
        check_backward(s, true, rng);
        check_backward(s, false, rng);
    }
}

TEST(KernelMatmul, DispatchMatchesXsimd) {
    Rng rng(5);
    const Shape s{37, 64, 195};
    const auto inp = random_vec(s.BT * s.C, rng), weight = random_vec(s.OC * s.C, rng);
    const auto bias = random_vec(s.OC, rng), dout = random_vec(s.BT * s.OC, rng);
    std::vector<float> a(s.BT * s.OC), b(s.BT * s.OC);
    f32_matmul_forward(a.data(), inp.data(), weight.data(), bias.data(), s.BT, s.C, s.OC);
    simd::f32_matmul_forward(b.data(), inp.data(), weight.data(), bias.data(), s.BT, s.C, s.OC);
    EXPECT_EQ(a, b);
    std::vector<float> dx1(s.BT * s.C), dw1(s.OC * s.C), db1(s.OC);
    auto dx2 = dx1, dw2 = dw1, db2 = db1;
    f32_matmul_backward(dx1.data(), dw1.data(), db1.data(), dout.data(), inp.data(), weight.data(),
                        s.BT, s.C, s.OC);
    simd::f32_matmul_backward(dx2.data(), dw2.data(), db2.data(), dout.data(), inp.data(),
                              weight.data(), s.BT, s.C, s.OC);
    EXPECT_EQ(dx1, dx2);
    EXPECT_EQ(dw1, dw2);
    EXPECT_EQ(db1, db2);
}

// ---- element-wise kernels ----

std::vector<std::size_t> vector_sizes() {
    return {1, W - 1, W, W + 1, 2 * W, 5 * W, 3 * W + 2, 255, 256, 257, 1000, 1027, 4099};
}

TEST(KernelVectorOps, AdamwUpdate) {
    Rng rng(10);
    const int steps[] = {1, 2, 10, 1000};
    for (std::size_t n : vector_sizes()) {
        for (int t : steps) {
            const float b1 = 0.9f, b2 = 0.95f;
            const float bc1 = 1.0f - std::pow(b1, static_cast<float>(t));
            const float bc2 = 1.0f - std::pow(b2, static_cast<float>(t));
            const auto p0 = random_vec(n, rng), g = random_vec(n, rng, -0.1f, 0.1f);
            const auto m0 = random_vec(n, rng, -0.05f, 0.05f), v0 = random_vec(n, rng, 0.0f, 1e-3f);
            auto p1 = p0, m1 = m0, v1 = v0, p2 = p0, m2 = m0, v2 = v0;
            scalar::f32_adamw_update(p1.data(), m1.data(), v1.data(), p1.data(), m1.data(), v1.data(),
                                     g.data(), n, 1e-3f, b1, b2, bc1, bc2, 1e-8f, 0.1f);
            simd::f32_adamw_update(p2.data(), m2.data(), v2.data(), p2.data(), m2.data(), v2.data(),
                                   g.data(), n, 1e-3f, b1, b2, bc1, bc2, 1e-8f, 0.1f);
            const std::string what = "adamw n=" + std::to_string(n) + " t=" + std::to_string(t);
            expect_close(p2, p1, 1e-6f, what + " params");
            expect_close(m2, m1, 1e-6f, what + " m");
            expect_close(v2, v1, 1e-6f, what + " v");
        }
    }
}

// Out of place (the trainer's rollback keeps the step before that way): the same bits as in place,
// and the inputs are left as they were — in both the scalar twin and the xsimd version.
TEST(KernelVectorOps, AdamwUpdateOutOfPlaceEqualsInPlace) {
    Rng rng(17);
    for (std::size_t n : vector_sizes()) {
        const auto p0 = random_vec(n, rng), g = random_vec(n, rng, -0.1f, 0.1f);
        const auto m0 = random_vec(n, rng, -0.05f, 0.05f), v0 = random_vec(n, rng, 0.0f, 1e-3f);
        for (auto* f : {&scalar::f32_adamw_update, &simd::f32_adamw_update}) {
            auto p1 = p0, m1 = m0, v1 = v0;
            f(p1.data(), m1.data(), v1.data(), p1.data(), m1.data(), v1.data(), g.data(), n, 1e-3f,
              0.9f, 0.95f, 0.1f, 0.05f, 1e-8f, 0.1f);
            std::vector<float> p2(n, -1.0f), m2(n, -1.0f), v2(n, -1.0f);
            const auto pin = p0, min = m0, vin = v0;
            f(p2.data(), m2.data(), v2.data(), pin.data(), min.data(), vin.data(), g.data(), n, 1e-3f,
              0.9f, 0.95f, 0.1f, 0.05f, 1e-8f, 0.1f);
            EXPECT_EQ(p2, p1) << "n=" << n;
            EXPECT_EQ(m2, m1) << "n=" << n;
            EXPECT_EQ(v2, v1) << "n=" << n;
            EXPECT_EQ(pin, p0);
            EXPECT_EQ(min, m0);
            EXPECT_EQ(vin, v0);
        }
    }
}

// exp_core(): within its range, the float exp to ~1 ulp (xsimd's polynomial) and a normal number.
TEST(SimdExp, CoreMatchesStdExpInItsRange) {
    const std::size_t n = 1 << 18;
    std::vector<float> x(n);
    for (std::size_t i = 0; i < n; ++i)
        x[i] = simd::kExpCoreMin + (simd::kExpCoreMax - simd::kExpCoreMin) * static_cast<float>(i) / static_cast<float>(n - 1);
    x[1] = -0.0f;
    x[2] = 0.5f * 0.69314718f;  // near halfway between k = 0 and k = 1
    std::vector<float> got(n);
    for (std::size_t i = 0; i < n; i += W) simd::exp_core(simd::vf::load_unaligned(x.data() + i)).store_unaligned(got.data() + i);
    double worst = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double want = std::exp(static_cast<double>(x[i]));
        ASSERT_TRUE(std::isnormal(got[i])) << "x=" << x[i] << " gives " << got[i];
        worst = std::max(worst, std::fabs(got[i] - want) / want);
    }
    EXPECT_LT(worst, 3e-7) << "worst relative error";
}

// exp_nonpositive(): exactly 0 below kExpCoreMin (no subnormals, no garbage from out-of-range
// lanes), 1 at 0, and NaN stays NaN (a diverging model must not look finite).
TEST(SimdExp, NonpositiveZeroBelowRangeAndNaNKept) {
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    const std::vector<float> x = {-inf, -1e30f, -1000.0f, -103.0f, -88.0f, -87.31f, -0.0f, 0.0f, nan, -1.0f, -20.0f, -87.29f, -50.0f, -1e-30f, -5.5f, -0.25f};
    for (std::size_t i0 = 0; i0 + W <= x.size(); i0 += W) {
        std::vector<float> got(W);
        simd::exp_nonpositive(simd::vf::load_unaligned(x.data() + i0)).store_unaligned(got.data());
        for (std::size_t j = 0; j < W; ++j) {
            const float xi = x[i0 + j];
            if (std::isnan(xi)) { EXPECT_TRUE(std::isnan(got[j])); continue; }
            if (xi < simd::kExpCoreMin) { EXPECT_EQ(got[j], 0.0f) << "x=" << xi; continue; }
            EXPECT_NEAR(got[j], std::exp(xi), 3e-7f * std::exp(xi)) << "x=" << xi;
        }
    }
}

// GELU passes NaN on (forward and backward), as the scalar twin does.
TEST(KernelVectorOps, GeluKeepsNaN) {
    const std::size_t n = 2 * W + 1;
    std::vector<float> x(n, 0.5f), y(n), d(n), ones(n, 1.0f);
    x[1] = x[W + 2] = x[n - 1] = std::numeric_limits<float>::quiet_NaN();
    simd::f32_gelu_forward(y.data(), x.data(), n);
    simd::f32_gelu_backward(d.data(), x.data(), y.data(), ones.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
        EXPECT_EQ(std::isnan(y[i]), std::isnan(x[i])) << i;
        EXPECT_EQ(std::isnan(d[i]), std::isnan(x[i])) << i;
    }
}

TEST(KernelVectorOps, SoftmaxRowsMatchesScalarTwin) {
    Rng rng(31);
    for (std::size_t V : {std::size_t{1}, std::size_t{2}, W - 1, W, W + 1, 3 * W, std::size_t{65}, std::size_t{257}}) {
        const std::size_t N = 5;
        auto x = random_vec(N * V, rng, -8.0f, 8.0f);
        if (V > 2) { x[V] = 200.0f; x[V + 1] = -200.0f; }  // row 1: a peaked row, exponentials that underflow
        std::vector<float> want(N * V, std::numeric_limits<float>::quiet_NaN()), got = want;
        scalar::f32_softmax_rows(want.data(), x.data(), N, V);
        simd::f32_softmax_rows(got.data(), x.data(), N, V);
        expect_close(got, want, 1e-6f, "softmax V=" + std::to_string(V));
        for (std::size_t n = 0; n < N; ++n) {
            double sum = 0;
            for (std::size_t i = 0; i < V; ++i) sum += got[n * V + i];
            EXPECT_NEAR(sum, 1.0, 1e-6) << "V=" << V << " row " << n;
        }
    }
}

// Inputs spanning GELU's interesting range, tanh saturation, zero and exact lane boundaries.
std::vector<float> gelu_inputs(std::size_t n, Rng& rng) {
    auto x = random_vec(n, rng, -6.0f, 6.0f);
    const float special[] = {0.0f, -0.0f, 1e-6f, -1e-6f, 10.0f, -10.0f, 30.0f, -30.0f, 100.0f};
    for (std::size_t i = 0; i < std::min(n, std::size(special)); ++i) x[n - 1 - i] = special[i];
    return x;
}

TEST(KernelVectorOps, GeluForward) {
    Rng rng(11);
    for (std::size_t n : vector_sizes()) {
        const auto x = gelu_inputs(n, rng);
        std::vector<float> want(n, std::numeric_limits<float>::quiet_NaN()), got = want;
        scalar::f32_gelu_forward(want.data(), x.data(), n);
        simd::f32_gelu_forward(got.data(), x.data(), n);
        expect_close(got, want, 2e-6f, "gelu forward n=" + std::to_string(n));
    }
}

TEST(KernelVectorOps, GeluBackwardWrites) {
    Rng rng(12);
    for (std::size_t n : vector_sizes()) {
        const auto x = gelu_inputs(n, rng), dout = random_vec(n, rng);
        // Written, not accumulated: what was in dinp (NaN) must not matter.
        std::vector<float> want(n, std::numeric_limits<float>::quiet_NaN()), got = want;
        std::vector<float> y(n);  // the forward's output, which the xsimd version reads σ from
        simd::f32_gelu_forward(y.data(), x.data(), n);
        scalar::f32_gelu_backward(want.data(), x.data(), y.data(), dout.data(), n);
        simd::f32_gelu_backward(got.data(), x.data(), y.data(), dout.data(), n);
        expect_close(got, want, 2e-6f, "gelu backward n=" + std::to_string(n));
    }
}

TEST(KernelVectorOps, GeluBackwardMatchesFiniteDifferences) {
    Rng rng(13);
    const std::size_t n = 3 * W + 2;
    const auto x = random_vec(n, rng, -4.0f, 4.0f);
    std::vector<float> grad(n, 0.0f), ones(n, 1.0f);
    std::vector<float> y(n);
    simd::f32_gelu_forward(y.data(), x.data(), n);
    simd::f32_gelu_backward(grad.data(), x.data(), y.data(), ones.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
        const double h = 1e-3, xi = x[i], k = 0.7978845608028654;
        auto gelu = [&](double z) {
            return 0.5 * z * (1.0 + std::tanh(k * (z + 0.044715 * z * z * z)));
        };
        const double fd = (gelu(xi + h) - gelu(xi - h)) / (2 * h);
        EXPECT_NEAR(grad[i], fd, 1e-4) << "x=" << xi;
    }
}

TEST(KernelVectorOps, SumSquares) {
    Rng rng(14);
    for (std::size_t n : vector_sizes()) {
        const auto x = random_vec(n, rng, -3.0f, 3.0f);
        const double want = scalar::f32_sum_squares(x.data(), n);
        const double got = simd::f32_sum_squares(x.data(), n);
        EXPECT_NEAR(got, want, 1e-6 * want) << "n=" << n;
    }
    EXPECT_EQ(simd::f32_sum_squares(nullptr, 0), 0.0);
}

TEST(KernelVectorOps, AxpyAndScale) {
    Rng rng(15);
    for (std::size_t n : vector_sizes()) {
        const auto x = random_vec(n, rng), y0 = random_vec(n, rng);
        auto want = y0, got = y0;
        scalar::f32_axpy(want.data(), -0.37f, x.data(), n);
        simd::f32_axpy(got.data(), -0.37f, x.data(), n);
        expect_close(got, want, 1e-7f, "axpy n=" + std::to_string(n));
        scalar::f32_scale(want.data(), 1.7f, n);
        simd::f32_scale(got.data(), 1.7f, n);
        expect_close(got, want, 1e-7f, "scale n=" + std::to_string(n));
    }
}

TEST(KernelVectorOps, DispatchMatchesXsimd) {
    Rng rng(16);
    const std::size_t n = 4 * W + 3;
    const auto x = gelu_inputs(n, rng);
    std::vector<float> a(n), b(n);
    f32_gelu_forward(a.data(), x.data(), n);
    simd::f32_gelu_forward(b.data(), x.data(), n);
    EXPECT_EQ(a, b);
    EXPECT_EQ(f32_sum_squares(x.data(), n), simd::f32_sum_squares(x.data(), n));
}

// The xsimd LayerNorm against its scalar twin, at row lengths around the lanes (tails included),
// with and without bias; backward accumulates into non-zero gradients. Rows of values far from 0
// (offset 3) make the mean matter.
TEST(KernelLayerNorm, XsimdMatchesScalarTwin) {
    Rng rng(21);
    const std::size_t N = 5;
    for (std::size_t C : {std::size_t{1}, W - 1, W, W + 1, 2 * W, 3 * W + 2, std::size_t{64}, std::size_t{128}, std::size_t{130}}) {
        for (bool with_bias : {true, false}) {
            const std::string what = "layernorm C=" + std::to_string(C) + (with_bias ? "" : " no bias");
            const auto x = random_vec(N * C, rng, 2.0f, 4.0f), w = random_vec(C, rng), b = random_vec(C, rng);
            const float* bias = with_bias ? b.data() : nullptr;
            std::vector<float> o1(N * C), o2(N * C), m1(N), m2(N), r1(N), r2(N);
            scalar::f32_layernorm_forward(o1.data(), m1.data(), r1.data(), x.data(), w.data(), bias, N, C, 1e-5f);
            simd::f32_layernorm_forward(o2.data(), m2.data(), r2.data(), x.data(), w.data(), bias, N, C, 1e-5f);
            expect_close(o2, o1, 2e-5f, what + " out");
            expect_close(m2, m1, 1e-6f, what + " mean");
            expect_close(r2, r1, 2e-5f, what + " rstd");

            const auto dout = random_vec(N * C, rng);
            const auto dx0 = random_vec(N * C, rng), dw0 = random_vec(C, rng), db0 = random_vec(C, rng);
            auto dx1 = dx0, dw1 = dw0, db1 = db0, dx2 = dx0, dw2 = dw0, db2 = db0;
            scalar::f32_layernorm_backward(dx1.data(), dw1.data(), with_bias ? db1.data() : nullptr, dout.data(),
                                           x.data(), w.data(), m1.data(), r1.data(), N, C);
            simd::f32_layernorm_backward(dx2.data(), dw2.data(), with_bias ? db2.data() : nullptr, dout.data(),
                                         x.data(), w.data(), m1.data(), r1.data(), N, C);
            expect_close(dx2, dx1, 2e-5f, what + " dinp");
            expect_close(dw2, dw1, 2e-5f, what + " dweight");
            expect_close(db2, db1, 2e-5f, what + " dbias");
            if (!with_bias) EXPECT_EQ(db2, db0) << what << ": dbias untouched when nullptr";
        }
    }
}

// The fused residual add + LayerNorm gives exactly the numbers of the add followed by the
// forward (xsimd and twin each), and the two versions agree as the plain forward does.
TEST(KernelLayerNorm, AddThenForwardIsFused) {
    Rng rng(41);
    for (std::size_t C : {std::size_t{1}, W - 1, W, 2 * W + 3, std::size_t{64}}) {
        for (const bool with_bias : {true, false}) {
            const std::size_t N = 3;
            const auto a = random_vec(N * C, rng, -2.0f, 2.0f), b = random_vec(N * C, rng), w = random_vec(C, rng);
            const auto bias = random_vec(C, rng);
            const float* bp = with_bias ? bias.data() : nullptr;
            std::vector<float> sum1(N * C), out1(N * C), m1(N), r1(N), sum2(N * C), out2(N * C), m2(N), r2(N);
            for (std::size_t i = 0; i < N * C; ++i) sum1[i] = a[i] + b[i];
            simd::f32_layernorm_forward(out1.data(), m1.data(), r1.data(), sum1.data(), w.data(), bp, N, C, 1e-5f);
            simd::f32_add_layernorm_forward(sum2.data(), out2.data(), m2.data(), r2.data(), a.data(), b.data(), w.data(), bp, N, C, 1e-5f);
            EXPECT_EQ(sum2, sum1);
            EXPECT_EQ(out2, out1);
            EXPECT_EQ(m2, m1);
            EXPECT_EQ(r2, r1);
            std::vector<float> sum3(N * C), out3(N * C), m3(N), r3(N);
            scalar::f32_add_layernorm_forward(sum3.data(), out3.data(), m3.data(), r3.data(), a.data(), b.data(), w.data(), bp, N, C, 1e-5f);
            EXPECT_EQ(sum3, sum1);
            expect_close(out2, out3, 1e-5f, "add+layernorm C=" + std::to_string(C));
        }
    }
}

TEST(KernelLayerNorm, DispatchMatchesXsimd) {
    Rng rng(22);
    const std::size_t N = 3, C = 3 * W + 1;
    const auto x = random_vec(N * C, rng), w = random_vec(C, rng), b = random_vec(C, rng);
    std::vector<float> o1(N * C), o2(N * C), m1(N), m2(N), r1(N), r2(N);
    f32_layernorm_forward(o1.data(), m1.data(), r1.data(), x.data(), w.data(), b.data(), N, C, 1e-5f);
    simd::f32_layernorm_forward(o2.data(), m2.data(), r2.data(), x.data(), w.data(), b.data(), N, C, 1e-5f);
    EXPECT_EQ(o1, o2);
    EXPECT_EQ(m1, m2);
    EXPECT_EQ(r1, r2);
}

// The forward of both versions on the same input: outputs o (scalar) / o2 (xsimd) and attention
// weights a / a2, with a scratch exactly f32_attention_scratch_floats long.
struct AttentionForwards {
    std::vector<float> scratch, o, o2, a, a2;
};
AttentionForwards attention_forwards(const std::vector<float>& qkv, std::size_t B, std::size_t T, std::size_t C,
                                     std::size_t NH) {
    AttentionForwards r{std::vector<float>(f32_attention_scratch_floats(T, C, NH)), std::vector<float>(B * T * C),
                        std::vector<float>(B * T * C), std::vector<float>(B * NH * T * T), std::vector<float>(B * NH * T * T)};
    scalar::f32_attention_forward(r.o.data(), r.a.data(), r.scratch.data(), qkv.data(), B, T, C, NH);
    simd::f32_attention_forward(r.o2.data(), r.a2.data(), r.scratch.data(), qkv.data(), B, T, C, NH);
    return r;
}

// The xsimd attention against its scalar twin, at sequence lengths and head sizes W, k·W, < W and
// W + tail (W = lanes per vector); the paired weighted sums go in blocks of up to 4 vectors, so
// 3·W, 5·W, 7·W and 8·W end in a block of 3, 1, 3 and 4. The scratch is exactly
// f32_attention_scratch_floats long, so an ASan build catches a kernel writing past it (T < W
// once did).
TEST(KernelAttention, MatchesScalarTwin) {
    struct Head { std::size_t hs, NH; };
    for (const std::size_t T : {std::size_t{1}, std::size_t{2}, std::size_t{3}, W - 1, W, W + 1, 2 * W, 2 * W + 3, std::size_t{33}})
    for (const Head hd : {Head{1, 1}, Head{3, 2}, Head{W, 1}, Head{2 * W, 2}, Head{W + 1, 2}, Head{16, 4},
                          Head{3 * W, 2}, Head{4 * W, 2}, Head{5 * W, 1}, Head{7 * W, 1}, Head{8 * W, 1}})
    for (const std::size_t B : {1, 2}) {
        const std::size_t C = hd.hs * hd.NH, NH = hd.NH;
        SCOPED_TRACE("B " + std::to_string(B) + " T " + std::to_string(T) + " C " + std::to_string(C) + " NH " + std::to_string(NH));
        Rng rng(11);
        auto qkv = random_vec(B * T * 3 * C, rng, -2.0f, 2.0f), G = random_vec(B * T * C, rng);
        auto [scratch, o1, o2, a1, a2] = attention_forwards(qkv, B, T, C, NH);
        for (std::size_t i = 0; i < o1.size(); ++i) ASSERT_NEAR(o1[i], o2[i], 1e-5f * (1 + std::fabs(o1[i]))) << "out " << i;
        for (std::size_t i = 0; i < a1.size(); ++i) ASSERT_NEAR(a1[i], a2[i], 1e-6f) << "att " << i;
        // Backward writes dqkv: what was there (NaN) must not matter.
        std::vector<float> d1(qkv.size(), std::numeric_limits<float>::quiet_NaN()), d2 = d1;
        scalar::f32_attention_backward(d1.data(), scratch.data(), G.data(), qkv.data(), a1.data(), B, T, C, NH);
        // Scratch is not cleared between uses: stale values (NaN) must not reach the result.
        std::fill(scratch.begin(), scratch.end(), std::numeric_limits<float>::quiet_NaN());
        simd::f32_attention_backward(d2.data(), scratch.data(), G.data(), qkv.data(), a1.data(), B, T, C, NH);
        for (std::size_t i = 0; i < d1.size(); ++i) ASSERT_NEAR(d1[i], d2[i], 1e-5f * (1 + std::fabs(d1[i]))) << "dqkv " << i;
    }
}

// Scores far apart (differences of hundreds: a peaked or diverging model): the exponentials below
// exp's range are exactly 0 in both versions, and the rows still sum to 1.
TEST(KernelAttention, PeakedScoresMatchScalarTwin) {
    const std::size_t B = 1, T = 2 * W + 3, C = 32, NH = 2;
    Rng rng(21);
    const auto qkv = random_vec(B * T * 3 * C, rng, -30.0f, 30.0f);
    const auto [scratch, o1, o2, a1, a2] = attention_forwards(qkv, B, T, C, NH);
    std::size_t zeros = 0;
    for (std::size_t i = 0; i < a1.size(); ++i) {
        ASSERT_NEAR(a1[i], a2[i], 1e-6f) << "att " << i;
        zeros += a2[i] == 0.0f;
    }
    EXPECT_GT(zeros, a2.size() / 2 + T) << "the test needs scores whose exponentials underflow";
    for (std::size_t r = 0; r < B * NH * T; ++r) {
        double sum = 0;
        for (std::size_t t2 = 0; t2 < T; ++t2) sum += a2[r * T + t2];
        EXPECT_NEAR(sum, 1.0, 1e-6) << "row " << r;
    }
    for (std::size_t i = 0; i < o1.size(); ++i) ASSERT_NEAR(o1[i], o2[i], 1e-4f * (1 + std::fabs(o1[i]))) << "out " << i;
}

}  // namespace
}  // namespace lab
