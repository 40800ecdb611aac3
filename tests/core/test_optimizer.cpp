// Optimizer maths against values worked out by hand: SGD, momentum, AdamW's bias correction,
// weight decay on 2-D weight matrices only, clipping by global norm, and the lr schedule.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "model/params.hpp"
#include "optim/optimizer.hpp"
#include "util/error.hpp"

using namespace lab;

namespace {

// The smallest model: every tensor has a handful of floats.
const GPTConfig kTiny{2, 1, 1, 1, 1};

// Kinds that are 2-D weight matrices (nanoGPT decays exactly these): embeddings and the four
// linear weights; never biases or LayerNorm parameters. Written out here, not read from the layout.
bool decays(std::size_t kind) {
    return kind == P_WTE || kind == P_WPE || kind == P_QKVW || kind == P_ATTPROJW || kind == P_FCW || kind == P_FCPROJW;
}

OptimizerSettings settings(OptimizerKind kind, float lr, float wd = 0.0f) {
    OptimizerSettings s;
    s.kind = kind;
    s.lr = lr;
    s.weight_decay = wd;
    s.grad_clip = 0.0f;  // off unless a test turns it on
    return s;
}

// Expects every parameter of kind k to equal want(k) (tolerance for float rounding).
template <typename F>
void expect_all(const ParamLayout& layout, const std::vector<float>& p, F want, const char* what) {
    for (std::size_t k = 0; k < NUM_PARAM_KINDS; ++k) {
        const ParamSlot& s = layout.slots[k];
        for (std::size_t i = 0; i < s.size; ++i)
            ASSERT_NEAR(p[s.offset + i], want(k), 1e-6) << what << ": " << s.name << "[" << i << "]";
    }
}

}  // namespace

TEST(Optimizer, SgdIsWeightMinusLrTimesGradient) {
    const ParamLayout layout(kTiny);
    std::vector<float> p(layout.total, 0.5f), g(layout.total, 0.2f);
    Optimizer opt(layout, settings(OptimizerKind::Sgd, 0.01f));
    opt.update(p.data(), g.data(), 1, 0.01f);
    expect_all(layout, p, [](std::size_t) { return 0.498f; }, "0.5 - 0.01 * 0.2");
    // The lr argument (the schedule's) is the one used, not settings.lr.
    opt.update(p.data(), g.data(), 2, 0.1f);
    expect_all(layout, p, [](std::size_t) { return 0.478f; }, "0.498 - 0.1 * 0.2");
}

TEST(Optimizer, SgdWeightDecayOnlyOnMatrices) {
    const ParamLayout layout(kTiny);
    std::vector<float> p(layout.total, 0.5f), g(layout.total, 0.2f);
    Optimizer opt(layout, settings(OptimizerKind::Sgd, 0.01f, 0.1f));
    opt.update(p.data(), g.data(), 1, 0.01f);
    // matrices: 0.5 - 0.01·(0.2 + 0.1·0.5) = 0.4975; the rest: 0.498
    expect_all(layout, p, [](std::size_t k) { return decays(k) ? 0.4975f : 0.498f; }, "sgd + wd");
}

TEST(Optimizer, MomentumAccumulatesVelocity) {
    const ParamLayout layout(kTiny);
    std::vector<float> p(layout.total, 0.5f), g(layout.total, 0.2f);
    OptimizerSettings s = settings(OptimizerKind::Momentum, 0.01f);
    s.momentum = 0.9f;
    Optimizer opt(layout, s);
    opt.update(p.data(), g.data(), 1, 0.01f);  // buf = 0.2;              p = 0.5 - 0.002
    expect_all(layout, p, [](std::size_t) { return 0.498f; }, "step 1");
    opt.update(p.data(), g.data(), 2, 0.01f);  // buf = 0.9·0.2 + 0.2 = 0.38; p = 0.498 - 0.0038
    expect_all(layout, p, [](std::size_t) { return 0.4942f; }, "step 2");
    EXPECT_NEAR(opt.m()[0], 0.38f, 1e-7);
    opt.reset_state();
    EXPECT_EQ(opt.m()[0], 0.0f);
}

TEST(Optimizer, AdamWBiasCorrectionAndDecoupledDecay) {
    const ParamLayout layout(kTiny);
    std::vector<float> p(layout.total, 0.5f), g(layout.total, 0.2f);
    OptimizerSettings s = settings(OptimizerKind::AdamW, 0.01f, 0.1f);
    s.beta1 = 0.9f;
    s.beta2 = 0.999f;
    Optimizer opt(layout, s);
    // Step 1: m = 0.02, v = 0.00004; bias-corrected m̂ = 0.2, v̂ = 0.04, so the step is lr·1
    // (uncorrected it would be lr·0.02/√0.00004 = lr·3.16).
    // p = 0.5 - 0.01·(0.2/0.2 + wd·0.5) → 0.4895 on matrices, 0.49 elsewhere.
    opt.update(p.data(), g.data(), 1, 0.01f);
    expect_all(layout, p, [](std::size_t k) { return decays(k) ? 0.4895f : 0.49f; }, "adamw step 1");
    EXPECT_NEAR(opt.m()[0], 0.02f, 1e-8);
    EXPECT_NEAR(opt.v()[0], 0.00004f, 2e-9);  // (1 − 0.999f) is 0.001 only to float precision
    // Step 2 with the gradient reversed: m = 0.9·0.02 − 0.02 = −0.002, v = 0.999·0.00004 + 0.00004;
    // m̂ = −0.002/0.19, v̂ = 0.00007996/0.001999 = 0.04 → step = −0.0105263/0.2 = −0.0526316.
    std::fill(g.begin(), g.end(), -0.2f);
    opt.update(p.data(), g.data(), 2, 0.01f);
    expect_all(layout, p, [](std::size_t k) {
        return decays(k) ? 0.4895f - 0.01f * (-0.0526316f + 0.1f * 0.4895f) : 0.49f + 0.01f * 0.0526316f;
    }, "adamw step 2");
}

TEST(Optimizer, ClipsByGlobalNormAndReturnsTheNormBefore) {
    const ParamLayout layout(kTiny);
    const float n = static_cast<float>(layout.total);
    std::vector<float> p(layout.total, 0.5f), g(layout.total, 1.0f);
    OptimizerSettings s = settings(OptimizerKind::Sgd, 0.01f);
    s.grad_clip = 1.0f;
    Optimizer opt(layout, s);
    const double norm = opt.update(p.data(), g.data(), 1, 0.01f);
    EXPECT_NEAR(norm, std::sqrt(n), 1e-5);                  // √(Σ 1²)
    EXPECT_NEAR(global_norm(g.data(), g.size()), 1.0, 1e-5);  // clipped in place to norm 1
    const float clipped = 1.0f / std::sqrt(n);
    expect_all(layout, p, [&](std::size_t) { return 0.5f - 0.01f * clipped; }, "clipped step");
    // A gradient already under the limit is left alone.
    std::vector<float> small(layout.total, 0.01f);
    opt.update(p.data(), small.data(), 2, 0.01f);
    EXPECT_EQ(small[0], 0.01f);
    // Clipping off (0): the full gradient is used.
    s.grad_clip = 0.0f;
    opt.set_settings(s);
    std::vector<float> q(layout.total, 0.5f);
    std::fill(g.begin(), g.end(), 1.0f);
    opt.update(q.data(), g.data(), 3, 0.01f);
    expect_all(layout, q, [](std::size_t) { return 0.49f; }, "unclipped step");
}

TEST(Optimizer, RejectsInvalidSettings) {
    OptimizerSettings s;
    s.lr = 0.0f;
    EXPECT_THROW(validate(s), Error);
    s = OptimizerSettings{};
    s.beta2 = 1.0f;
    EXPECT_THROW(validate(s), Error);
    s = OptimizerSettings{};
    s.grad_clip = -1.0f;
    EXPECT_THROW(validate(s), Error);
}

TEST(Schedule, ConstantIgnoresTheStep) {
    OptimizerSettings s;
    s.lr = 0.003f;
    for (std::size_t step : {0, 1, 1000, 100000000}) EXPECT_EQ(learning_rate_at(s, step), 0.003f);
}

TEST(Schedule, LinearWarmupThenCosineToMinLr) {
    OptimizerSettings s;
    s.lr = 1.0f;
    s.schedule = Schedule::Cosine;
    s.warmup_steps = 4;
    s.max_steps = 14;
    s.min_lr_ratio = 0.1f;
    // warmup: (step + 1)/4
    EXPECT_NEAR(learning_rate_at(s, 0), 0.25f, 1e-7);
    EXPECT_NEAR(learning_rate_at(s, 1), 0.5f, 1e-7);
    EXPECT_NEAR(learning_rate_at(s, 3), 1.0f, 1e-7);
    // cosine over steps 4..14: min + ½(1 + cos(π·progress))·(lr − min)
    EXPECT_NEAR(learning_rate_at(s, 4), 1.0f, 1e-6);
    EXPECT_NEAR(learning_rate_at(s, 6), 0.1f + 0.5f * (1.0f + std::cos(3.14159265f * 0.2f)) * 0.9f, 1e-6);  // 0.9140576
    EXPECT_NEAR(learning_rate_at(s, 9), 0.55f, 1e-6);                                                      // halfway
    EXPECT_NEAR(learning_rate_at(s, 14), 0.1f, 1e-6);
    EXPECT_NEAR(learning_rate_at(s, 1000), 0.1f, 1e-6);  // stays at the floor
    for (std::size_t step = 5; step <= 14; ++step)
        EXPECT_LT(learning_rate_at(s, step), learning_rate_at(s, step - 1)) << "decreasing at " << step;
    // Warmup also applies to the constant schedule.
    s.schedule = Schedule::Constant;
    EXPECT_NEAR(learning_rate_at(s, 1), 0.5f, 1e-7);
    EXPECT_EQ(learning_rate_at(s, 9), 1.0f);
}
