// Sampling: greedy, temperature, top-k and top-p, with the seeded RNG (so counts are exact
// reproducible numbers, not flaky statistics).
#include <gtest/gtest.h>

#include <vector>

#include "sample/sampler.hpp"
#include "util/error.hpp"
#include "util/rng.hpp"

using namespace lab;

namespace {
const std::vector<float> kProbs = {0.07f, 0.3f, 0.03f, 0.25f, 0.15f, 0.2f};  // order: 1, 3, 5, 4, 0, 2

// Frequencies of each token over n draws.
std::vector<double> frequencies(const std::vector<float>& probs, const SamplingSettings& s, int n = 20000) {
    Rng rng(3);
    std::vector<int> count(probs.size(), 0);
    for (int i = 0; i < n; ++i) ++count[static_cast<std::size_t>(sample_token(probs.data(), probs.size(), s, rng))];
    std::vector<double> f;
    for (int c : count) f.push_back(static_cast<double>(c) / n);
    return f;
}
}  // namespace

TEST(Sampler, GreedyTakesTheMostLikelyLowestIdOnTies) {
    SamplingSettings s;
    s.greedy = true;
    Rng rng(1);
    EXPECT_EQ(sample_token(kProbs.data(), kProbs.size(), s, rng), 1);
    const std::vector<float> tie = {0.1f, 0.45f, 0.45f};
    EXPECT_EQ(sample_token(tie.data(), tie.size(), s, rng), 1);
}

TEST(Sampler, TemperatureOneDrawsTheDistribution) {
    const auto f = frequencies(kProbs, SamplingSettings{});
    for (std::size_t i = 0; i < kProbs.size(); ++i) EXPECT_NEAR(f[i], kProbs[i], 0.015) << "token " << i;
}

TEST(Sampler, TemperatureSharpensOrFlattens) {
    const std::vector<float> two = {0.8f, 0.2f};
    SamplingSettings s;
    s.temperature = 2.0f;  // p^(1/2): √0.8 : √0.2 = 2 : 1
    EXPECT_NEAR(frequencies(two, s)[1], 1.0 / 3.0, 0.015);
    s.temperature = 0.5f;  // p²: 0.64 : 0.04 = 16 : 1
    EXPECT_NEAR(frequencies(two, s)[1], 1.0 / 17.0, 0.01);
    s.temperature = 0.05f;  // (1/4)^20: never in 20,000 draws
    EXPECT_EQ(frequencies(two, s)[1], 0.0);
}

TEST(Sampler, TopKNeverDrawsOutsideTheKMostLikely) {
    SamplingSettings s;
    s.top_k = 3;  // tokens 1, 3, 5 (0.3, 0.25, 0.2), renormalised over 0.75
    const auto f = frequencies(kProbs, s);
    EXPECT_EQ(f[0], 0.0);
    EXPECT_EQ(f[2], 0.0);
    EXPECT_EQ(f[4], 0.0);
    EXPECT_NEAR(f[1], 0.3 / 0.75, 0.015);
    EXPECT_NEAR(f[3], 0.25 / 0.75, 0.015);
    EXPECT_NEAR(f[5], 0.2 / 0.75, 0.015);
    s.top_k = 1;
    EXPECT_EQ(frequencies(kProbs, s)[1], 1.0);
}

TEST(Sampler, TopPKeepsTheSmallestPrefixReachingP) {
    SamplingSettings s;
    s.top_p = 0.5f;  // 0.3 < 0.5, 0.3 + 0.25 ≥ 0.5: tokens 1 and 3
    auto f = frequencies(kProbs, s);
    EXPECT_NEAR(f[1], 0.3 / 0.55, 0.015);
    EXPECT_NEAR(f[3], 0.25 / 0.55, 0.015);
    EXPECT_NEAR(f[1] + f[3], 1.0, 1e-9);
    s.top_p = 0.9f;  // 0.3 + 0.25 + 0.2 + 0.15 = 0.9: tokens 1, 3, 5, 4; never 0 or 2
    f = frequencies(kProbs, s);
    EXPECT_EQ(f[0], 0.0);
    EXPECT_EQ(f[2], 0.0);
    EXPECT_GT(f[4], 0.1);
    s.top_p = 0.2f;  // the single most likely token already reaches it
    EXPECT_EQ(frequencies(kProbs, s)[1], 1.0);
    // top-k first, then top-p over what is left: k = 2 leaves 1 and 3 (mass 0.3/0.55 = 0.545 ≥ 0.5).
    s.top_k = 2;
    s.top_p = 0.5f;
    EXPECT_EQ(frequencies(kProbs, s)[1], 1.0);
}

TEST(Sampler, SameSeedSameTokensAndInvalidSettingsAreRefused) {
    Rng a(42), b(42);
    const SamplingSettings s;
    for (int i = 0; i < 100; ++i)
        EXPECT_EQ(sample_token(kProbs.data(), kProbs.size(), s, a), sample_token(kProbs.data(), kProbs.size(), s, b));
    SamplingSettings bad;
    bad.temperature = 0.0f;
    EXPECT_THROW(sample_token(kProbs.data(), kProbs.size(), bad, a), Error);
    bad = SamplingSettings{};
    bad.top_p = 1.5f;
    EXPECT_THROW(sample_token(kProbs.data(), kProbs.size(), bad, a), Error);
}
