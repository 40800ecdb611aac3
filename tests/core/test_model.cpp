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

// Every parameter's analytic gradient against central differences, for a batch of B×T tokens.
static void check_whole_gradient(std::size_t B, std::size_t T, bool bias = true) {
    GPTConfig c{7, 4, 2, 2, 4, bias};
    GPT m(c, 2);
    m.init_weights(42);
    // Larger random weights than the init so every path carries signal.
    lab::Rng rng(9);
    for (float& p : m.params()) p += static_cast<float>(rng.normal()) * 0.3f;
    const std::vector<std::int32_t> stream = {1, 5, 2, 6, 0, 3, 3, 4, 1};
    std::vector<std::int32_t> in, tg;
    for (std::size_t b = 0; b < B; ++b)
        for (std::size_t t = 0; t < T; ++t) {
            in.push_back(stream[b * T + t]);
            tg.push_back(stream[b * T + t + 1]);
        }
    m.zero_grad();
    m.forward(in.data(), tg.data(), B, T);
    m.backward();
    std::vector<float> analytic = m.grads();
    auto loss = [&] { return static_cast<double>(m.forward(in.data(), tg.data(), B, T)); };
    // Small enough for the curvature at these weights (1e-2 is too coarse for the bias-free model),
    // large enough that float32 rounding of the loss stays far below the tolerance.
    const float h = 5e-3f;
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
    }
    // The comparison means something only if gradients flow: every tensor kind gets some.
    for (const ParamSlot& s : m.layout().slots) {
        if (!s.present) continue;
        double sum = 0.0;
        for (std::size_t i = 0; i < s.size; ++i) sum += std::fabs(analytic[s.offset + i]);
        EXPECT_GT(sum, 1e-4) << "no gradient reaches " << s.name;
    }
}

class ModelGradient : public ::testing::TestWithParam<bool> {};

TEST_P(ModelGradient, WholeGradientMatchesFiniteDifferences) { check_whole_gradient(2, 4, GetParam()); }

// T = 1 (attention over a single position) and T shorter than a SIMD vector.
TEST(Model, WholeGradientAtShortSequences) {
    for (std::size_t T : {1, 2, 3}) {
        SCOPED_TRACE("T = " + std::to_string(T));
        check_whole_gradient(2, T, true);
        check_whole_gradient(2, T, false);
    }
}

// block_size 1..3: the whole trainer (batches, forward, backward, AdamW) at contexts shorter than
// a SIMD vector. Under the ASan build this caught the attention scratch overflow.
TEST(Model, BlockSizesOneToThreeTrain) {
    for (std::size_t T : {1, 2, 3}) {
        SCOPED_TRACE("block_size " + std::to_string(T));
        TrainerSettings s;
        s.n_layer = 2; s.n_head = 2; s.n_embd = 32; s.block_size = T; s.batch_size = 3;
        Trainer tr("the quick brown fox jumps over the lazy dog, again and again.", s);
        const std::string before = tr.fingerprint();
        float first = 0.0f, last = 0.0f;
        for (int i = 0; i < 30; ++i) {
            const StepStats st = tr.train_step();
            ASSERT_FALSE(st.diverged) << st.message;
            ASSERT_TRUE(std::isfinite(st.loss));
            (i == 0 ? first : last) = st.loss;
        }
        EXPECT_NE(tr.fingerprint(), before);
        EXPECT_LT(last, first);
        EXPECT_TRUE(std::isfinite(tr.train_loss()));
    }
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

// The trainer computes a batch in passes of a few rows (Trainer::slice_gradients): every kernel
// computes a row the same way alone or in a batch and adds each gradient in row order, so the
// per-position losses and every gradient are the same bits, except the tied token embedding's:
// its two parts (from the logits, at the start of backward, and from the lookup, at its end) are
// added pass by pass. One pass against passes of 1, 2 and 3 rows, at shapes with partial GEMM
// tiles (T = 7 rows, V = 13 columns).
TEST(Model, PassesOfRowsGiveTheWholeBatchBitForBit) {
    GPTConfig c{13, 7, 2, 2, 16, true};
    const std::size_t B = 5, T = 7;
    GPT m(c, B);
    m.init_weights(3);
    lab::Rng rng(5);
    for (float& p : m.params()) p += static_cast<float>(rng.normal()) * 0.2f;
    std::vector<std::int32_t> in(B * T), tg(B * T);
    for (std::size_t i = 0; i < B * T; ++i) {
        in[i] = static_cast<std::int32_t>(rng.below(13));
        tg[i] = static_cast<std::int32_t>(rng.below(13));
    }
    const float dloss = 1.0f / static_cast<float>(B * T);
    m.zero_grad();
    m.forward(in.data(), tg.data(), B, T);
    const std::vector<float> losses(m.losses(), m.losses() + B * T);
    m.backward(dloss);
    const std::vector<float> grads = m.grads();
    for (std::size_t rows : {1, 2, 3}) {
        m.zero_grad();
        for (std::size_t r0 = 0; r0 < B; r0 += rows) {
            const std::size_t n = std::min(rows, B - r0);
            m.forward(in.data() + r0 * T, tg.data() + r0 * T, n, T);
            for (std::size_t i = 0; i < n * T; ++i) EXPECT_EQ(m.losses()[i], losses[r0 * T + i]) << rows << " rows, row " << r0;
            m.backward(dloss);
        }
        for (const NamedTensor& t : named_tensors(m.layout(), c)) {
            std::size_t differ = 0;
            for (std::size_t i = 0; i < t.size; ++i) {
                const float got = m.grads()[t.offset + i], want = grads[t.offset + i];
                if (t.name != "transformer.wte.weight") differ += got != want;
                else EXPECT_NEAR(got, want, 1e-6f * std::max(1.0f, std::fabs(want))) << t.name << "[" << i << "]";
            }
            EXPECT_EQ(differ, 0u) << t.name << ": gradients that differ, passes of " << rows << " rows";
        }
    }
}

// The inspected step is exactly the step training takes: the same passes (of at most 256 tokens,
// as equal as whole rows allow: here 40 rows of 16 go as 13 + 13 + 14), then example 0 again for
// its predictions.
TEST(Model, InspectedStepIsTheTrainingStepBitForBit) {
    TrainerSettings s;
    s.n_layer = 2; s.n_head = 2; s.n_embd = 16; s.block_size = 16; s.batch_size = 40;
    const std::string text = "Twinkle, twinkle, little star, how I wonder what you are. Up above the world so high.";
    Trainer a(text, s), b(text, s);
    for (int k = 0; k < 3; ++k) {
        const StepStats sa = a.train_step();
        const InspectResult rb = b.inspect_step(0, "", 0);
        EXPECT_EQ(sa.loss, rb.stats.loss) << "step " << k;
        EXPECT_EQ(sa.grad_norm, rb.stats.grad_norm) << "step " << k;
        EXPECT_EQ(a.fingerprint(), b.fingerprint()) << "step " << k;
    }
}

// Seeds are 64-bit all the way down (the JS API accepts up to 2^53): seeds that agree in their
// low 32 bits still start from different weights, and the same seed gives the same start.
TEST(Model, SeedsBeyond32BitsGiveDifferentStarts) {
    TrainerSettings s;
    s.n_layer = 1; s.n_head = 2; s.n_embd = 16; s.block_size = 8; s.batch_size = 2;
    const std::string text = "Twinkle, twinkle, little star, how I wonder what you are.";
    auto start = [&](std::uint64_t seed) {
        s.seed = seed;
        return Trainer(text, s).fingerprint();
    };
    const std::string a = start(0), b = start(std::uint64_t{1} << 32), c = start(std::uint64_t{1} << 40),
                      d = start((std::uint64_t{1} << 53) - 1);
    EXPECT_NE(a, b);
    EXPECT_NE(a, c);
    EXPECT_NE(b, c);
    EXPECT_NE(c, d);
    EXPECT_EQ(start(std::uint64_t{1} << 40), c);
    Trainer tr(text, s);
    tr.reset(std::uint64_t{1} << 32);
    EXPECT_EQ(tr.fingerprint(), b);
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

// The rollback brings back exactly the state the last applied update started from: the weights
// and, for AdamW, both moments (kept in swapped spare buffers, not copied each step), and the step
// counter; training then goes on from there. Run for SGD-with-momentum (m only) and AdamW (m, v).
TEST(Model, DivergenceRestoresTheWeightsAndMomentsTheLastUpdateStartedFrom) {
    for (const OptimizerKind kind : {OptimizerKind::Momentum, OptimizerKind::AdamW}) {
        SCOPED_TRACE(optimizer_name(kind));
        TrainerSettings s;
        s.n_layer = 1; s.n_head = 2; s.n_embd = 16; s.block_size = 16; s.batch_size = 4;
        s.optim.kind = kind;
        s.optim.grad_clip = 0.0f;
        s.optim.lr = kind == OptimizerKind::AdamW ? 3.0f : 10.0f;
        const std::string text = "Twinkle, twinkle, little star, how I wonder what you are. Up above the world so high.";
        Trainer tr(text, s);
        struct State { std::vector<float> p, m, v; std::size_t step; };
        auto state = [&] { return State{tr.model().params(), tr.optimizer().m(), tr.optimizer().v(), tr.step()}; };
        State two_before = state(), one_before = state();
        bool diverged = false;
        for (int i = 0; i < 200 && !diverged; ++i) {
            two_before = one_before;
            one_before = state();
            diverged = tr.train_step().diverged;
        }
        ASSERT_TRUE(diverged);
        ASSERT_GE(one_before.step, 1u) << "the first step diverged: nothing to roll back to";
        const State now = state();
        EXPECT_EQ(now.p, two_before.p);
        EXPECT_EQ(now.m, two_before.m);
        EXPECT_EQ(now.v, two_before.v);
        EXPECT_EQ(now.step, two_before.step);
        // Carrying on with a smaller rate (the page's offer) trains from the restored state.
        OptimizerSettings o = tr.settings().optim;
        o.lr = 1e-4f;
        tr.set_optimizer(o);
        const State from = state();
        EXPECT_FALSE(tr.train_step().diverged);
        EXPECT_EQ(tr.step(), from.step + 1);
    }
}

// The message a trainer with these settings is refused with ("" when it is accepted).
static std::string refusal(const TrainerSettings& s) {
    try {
        Trainer tr("some text to train on", s);
    } catch (const lab::Error& e) {
        return e.what();
    }
    return "";
}

TEST(Model, RefusesConfigsThatDoNotFit) {
    TrainerSettings s;
    s.n_layer = 48; s.n_head = 16; s.n_embd = 2048; s.block_size = 1024; s.batch_size = 64;
    const std::string head = "this model would need about ";
    std::string msg = refusal(s);
    EXPECT_EQ(msg.rfind(head, 0), 0u) << msg;
    EXPECT_NE(msg.find(" MB of memory; the limit is 640 MB"), std::string::npos) << msg;
    // Attention maps of B·NH·T² = 16·64·2048² = 2^32 floats (16 GiB): 0 in 32-bit arithmetic, so
    // wasm used to accept it. The message gives the real size.
    s = TrainerSettings{};
    s.n_layer = 1; s.n_head = 64; s.n_embd = 64; s.block_size = 2048; s.batch_size = 16;
    msg = refusal(s);
    ASSERT_EQ(msg.rfind(head, 0), 0u) << msg;
    EXPECT_GT(std::stoull(msg.substr(head.size())), 16384u) << msg;
    s = TrainerSettings{};
    s.n_embd = 30; s.n_head = 4;
    EXPECT_EQ(refusal(s), "n_embd (30) must be divisible by n_head (4)");
}
