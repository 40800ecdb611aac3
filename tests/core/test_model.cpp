// The whole model: gradient vs finite differences (with and without biases), first loss ≈ ln V,
// memorising a sentence, determinism, divergence guard, memory refusal, the bias-free model.
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/gpt.hpp"
#include "model/tensor_names.hpp"
#include "train/trainer.hpp"
#include "util/error.hpp"
#include "util/rng.hpp"

using namespace lab;

class ModelGradient : public ::testing::TestWithParam<bool> {};

TEST_P(ModelGradient, WholeGradientMatchesFiniteDifferences) {
    GPTConfig c{7, 4, 2, 2, 4, /*bias=*/GetParam()};
    GPT m(c, 2);
    m.init_weights(42);
    // Larger random weights than the init so every path carries signal.
    lab::Rng rng(9);
    for (float& p : m.params()) p += static_cast<float>(rng.normal()) * 0.3f;
    std::vector<std::int32_t> in = {1, 5, 2, 6, 0, 3, 3, 4}, tg = {5, 2, 6, 0, 3, 3, 4, 1};
    m.zero_grad();
    m.forward(in.data(), tg.data(), 2, 4);
    m.backward();
    std::vector<float> analytic = m.grads();
    auto loss = [&] { return static_cast<double>(m.forward(in.data(), tg.data(), 2, 4)); };
    // Small enough for the curvature at these weights (1e-2 is too coarse for the bias-free model),
    // large enough that float32 rounding of the loss stays far below the tolerance.
    const float h = 5e-3f;
    std::size_t checked = 0;
    for (std::size_t i = 0; i < m.params().size(); ++i) {
        float& p = m.params()[i];
        const float orig = p;
        p = orig + h;
        const double lp = loss();
        p = orig - h;
        const double lm = loss();
        p = orig;
        const double num = (lp - lm) / (2.0 * h);
        ASSERT_NEAR(num, analytic[i], 2e-3 + 5e-2 * std::fabs(num)) << "parameter " << i;
        ++checked;
    }
    EXPECT_EQ(checked, m.num_params());
}

INSTANTIATE_TEST_SUITE_P(Bias, ModelGradient, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "WithBias" : "WithoutBias"; });

// nanoGPT's bias=False model is the biased model with every bias fixed at 0: same initial weights
// (biases draw no random numbers), the same loss bit for bit, the same weight gradients.
TEST(Model, BiasFreeModelIsTheBiasedModelWithZeroBiases) {
    GPTConfig with{7, 4, 2, 2, 4};
    GPTConfig without = with;
    without.bias = false;
    GPT a(with, 2), b(without, 2);
    a.init_weights(42);
    b.init_weights(42);
    EXPECT_EQ(a.num_params() - b.num_params(), 2 * (4 + 12 + 4 + 4 + 16 + 4) + 4) << "exactly the biases are gone";
    const auto ta = named_tensors(a.layout(), with), tb = named_tensors(b.layout(), without);
    ASSERT_EQ(tb.size(), 2u + 6u * 2u + 1u);
    auto find = [&](const std::string& name) -> const NamedTensor& {
        for (const NamedTensor& t : ta)
            if (t.name == name) return t;
        throw std::runtime_error("no tensor " + name);
    };
    // Larger random weights (the same in both) so every path carries signal.
    lab::Rng rng(9);
    for (const NamedTensor& t : tb) {
        const NamedTensor& u = find(t.name);
        for (std::size_t i = 0; i < t.size; ++i) {
            ASSERT_EQ(a.params()[u.offset + i], b.params()[t.offset + i]) << t.name << " [" << i << "]";
            const float delta = static_cast<float>(rng.normal()) * 0.3f;
            a.params()[u.offset + i] += delta;
            b.params()[t.offset + i] += delta;
        }
    }
    std::vector<std::int32_t> in = {1, 5, 2, 6, 0, 3, 3, 4}, tg = {5, 2, 6, 0, 3, 3, 4, 1};
    a.zero_grad();
    b.zero_grad();
    EXPECT_EQ(a.forward(in.data(), tg.data(), 2, 4), b.forward(in.data(), tg.data(), 2, 4));
    a.backward();
    b.backward();
    for (const NamedTensor& t : tb) {
        const NamedTensor& u = find(t.name);
        for (std::size_t i = 0; i < t.size; ++i)
            ASSERT_EQ(a.grads()[u.offset + i], b.grads()[t.offset + i]) << t.name << " [" << i << "]";
    }
}

TEST(Model, BiasFreeTrainerTrainsSavesAndLoads) {
    TrainerSettings s;
    s.n_layer = 1; s.n_head = 2; s.n_embd = 16; s.block_size = 16; s.batch_size = 4;
    s.bias = false;
    const std::string text = "Twinkle, twinkle, little star, how I wonder what you are. Up above the world so high.";
    Trainer tr(text, s);
    const float first = tr.train_loss();
    for (int i = 0; i < 30; ++i) tr.train_step();
    EXPECT_LT(tr.train_loss(), first - 0.5f);
    const std::vector<std::uint8_t> bytes = tr.save_checkpoint(true);
    Trainer back(bytes.data(), bytes.size(), text, TrainerSettings{});
    EXPECT_FALSE(back.config().bias);
    EXPECT_FALSE(back.settings().bias);
    EXPECT_EQ(back.fingerprint(), tr.fingerprint());
    EXPECT_EQ(back.train_loss(), tr.train_loss());
    EXPECT_TRUE(std::isfinite(back.train_step().loss));
    EXPECT_NE(back.fingerprint(), tr.fingerprint()) << "the loaded model trains on";
}

TEST(Model, FirstLossIsAboutLnV) {
    TrainerSettings s;
    s.n_layer = 2; s.n_head = 2; s.n_embd = 32; s.block_size = 16; s.batch_size = 4;
    const std::string text = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ. 0123456789, the quick brown fox jumps over the lazy dog.";
    Trainer tr(text, s);
    const float ln_v = std::log(static_cast<float>(tr.config().vocab_size));
    EXPECT_NEAR(tr.train_loss(), ln_v, 0.1f);
    StepStats st = tr.train_step();
    EXPECT_NEAR(st.loss, ln_v, 0.1f);
}

TEST(Model, MemorisesTheCapitalOfFrance) {
    TrainerSettings s;
    s.n_layer = 2; s.n_head = 2; s.n_embd = 32; s.block_size = 32; s.batch_size = 8;
    s.val_fraction = 0.0f;
    s.optim.lr = 1e-2f;
    std::string text;
    for (int i = 0; i < 8; ++i) text += "The capital of France is Paris.\n";
    Trainer tr(text, s);
    for (int i = 0; i < 600; ++i) tr.train_step();
    EXPECT_LT(tr.train_loss(), 0.05f);
    SamplingSettings greedy;
    greedy.greedy = true;
    EXPECT_EQ(tr.generate("The capital of France is", 7, greedy, 1), " Paris.");
}

TEST(Model, SameSeedSameLossCurveBitForBit) {
    TrainerSettings s;
    s.n_layer = 1; s.n_head = 2; s.n_embd = 16; s.block_size = 16; s.batch_size = 4;
    const std::string text = "Twinkle, twinkle, little star, how I wonder what you are. Up above the world so high.";
    auto curve = [&] {
        Trainer tr(text, s);
        std::vector<float> losses;
        for (int i = 0; i < 20; ++i) losses.push_back(tr.train_step().loss);
        return losses;
    };
    const auto a = curve(), b = curve();
    for (std::size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i], b[i]) << "step " << i;
    s.seed = 7;
    const auto c = curve();
    EXPECT_NE(a[0], c[0]);
}

TEST(Model, DivergenceKeepsLastGoodWeights) {
    TrainerSettings s;
    s.n_layer = 1; s.n_head = 2; s.n_embd = 16; s.block_size = 16; s.batch_size = 4;
    s.optim.kind = OptimizerKind::Sgd;
    s.optim.grad_clip = 0.0f;
    s.optim.lr = 10.0f;
    const std::string text = "Twinkle, twinkle, little star, how I wonder what you are. Up above the world so high.";
    Trainer tr(text, s);
    bool diverged = false;
    std::string before;
    for (int i = 0; i < 200 && !diverged; ++i) {
        before = tr.fingerprint();
        StepStats st = tr.train_step();
        if (st.diverged) {
            diverged = true;
            EXPECT_NE(st.message.find("smaller learning rate"), std::string::npos) << st.message;
        }
    }
    ASSERT_TRUE(diverged);
    // Every weight is finite and the loss with these weights is finite.
    for (float p : tr.model().params()) ASSERT_TRUE(std::isfinite(p));
    EXPECT_TRUE(std::isfinite(tr.train_loss()));
    // Training continues with a smaller rate.
    OptimizerSettings o = tr.settings().optim;
    o.lr = 1e-3f;
    tr.set_optimizer(o);
    EXPECT_FALSE(tr.train_step().diverged);
}

TEST(Model, RefusesConfigsThatDoNotFit) {
    TrainerSettings s;
    s.n_layer = 48; s.n_head = 16; s.n_embd = 2048; s.block_size = 1024; s.batch_size = 64;
    try {
        Trainer tr("some text to train on", s);
        FAIL() << "expected an error";
    } catch (const lab::Error& e) {
        EXPECT_NE(std::string(e.what()).find("MB"), std::string::npos) << e.what();
    }
    s = TrainerSettings{};
    s.n_embd = 30; s.n_head = 4;
    EXPECT_THROW(Trainer("some text", s), lab::Error);
}
