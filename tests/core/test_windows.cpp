// Text windows (block_size + 1 tokens, stride block_size, the last shorter window kept when it
// has ≥ 2 tokens) and random training batches.
#include <gtest/gtest.h>

#include <numeric>
#include <string>
#include <vector>

#include "data/windows.hpp"
#include "util/error.hpp"
#include "util/rng.hpp"

using namespace lab;

namespace {
std::vector<std::pair<std::size_t, std::size_t>> as_pairs(const std::vector<Window>& w) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    for (const Window& x : w) out.emplace_back(x.begin, x.length);
    return out;
}
using Pairs = std::vector<std::pair<std::size_t, std::size_t>>;
}  // namespace

TEST(Windows, StrideIsBlockSizeAndTheLastShortWindowIsKept) {
    EXPECT_EQ(as_pairs(text_windows(10, 4)), (Pairs{{0, 5}, {4, 5}, {8, 2}}));  // last: 2 tokens, kept
    EXPECT_EQ(as_pairs(text_windows(9, 4)), (Pairs{{0, 5}, {4, 5}}));          // last would be 1 token
    EXPECT_EQ(as_pairs(text_windows(11, 4)), (Pairs{{0, 5}, {4, 5}, {8, 3}}));
    EXPECT_EQ(as_pairs(text_windows(5, 4)), (Pairs{{0, 5}}));
    EXPECT_EQ(as_pairs(text_windows(3, 4)), (Pairs{{0, 3}}));  // shorter than one block
    EXPECT_EQ(as_pairs(text_windows(2, 1)), (Pairs{{0, 2}}));
    EXPECT_EQ(as_pairs(text_windows(4, 1)), (Pairs{{0, 2}, {1, 2}, {2, 2}}));
    EXPECT_TRUE(text_windows(1, 4).empty());
    EXPECT_TRUE(text_windows(0, 4).empty());
}

// Every token after the first is predicted exactly once, and windows hold at most T + 1 tokens.
TEST(Windows, EveryTargetIsPredictedExactlyOnce) {
    for (std::size_t n = 0; n <= 40; ++n)
        for (std::size_t T = 1; T <= 7; ++T) {
            std::vector<int> predicted(n, 0);
            for (const Window& w : text_windows(n, T)) {
                ASSERT_GE(w.length, 2u);
                ASSERT_LE(w.length, T + 1);
                ASSERT_LE(w.begin + w.length, n);
                for (std::size_t i = 1; i < w.length; ++i) ++predicted[w.begin + i];
            }
            for (std::size_t i = 0; i < n; ++i)
                ASSERT_EQ(predicted[i], i == 0 ? 0 : 1) << "n " << n << " T " << T << " token " << i;
        }
}

TEST(Batches, RowsAreContiguousSlicesWithTargetsShiftedByOne) {
    std::vector<std::int32_t> tokens(50);
    std::iota(tokens.begin(), tokens.end(), 100);  // token value = 100 + position
    const std::size_t B = 3, T = 7;
    std::vector<std::int32_t> in(B * T), tg(B * T);
    Rng rng(5);
    std::vector<int> starts(tokens.size(), 0);
    for (int round = 0; round < 400; ++round) {
        random_batch(in.data(), tg.data(), tokens, B, T, rng);
        for (std::size_t b = 0; b < B; ++b) {
            const std::int32_t s = in[b * T] - 100;
            ASSERT_GE(s, 0);
            ASSERT_LE(static_cast<std::size_t>(s), tokens.size() - T - 1);  // the target of the last input exists
            ++starts[static_cast<std::size_t>(s)];
            for (std::size_t t = 0; t < T; ++t) {
                ASSERT_EQ(in[b * T + t], 100 + s + static_cast<std::int32_t>(t));
                ASSERT_EQ(tg[b * T + t], in[b * T + t] + 1);
            }
        }
    }
    // Every valid start occurs, the first and the last included.
    for (std::size_t s = 0; s + T < tokens.size(); ++s) EXPECT_GT(starts[s], 0) << "start " << s;
}

TEST(Batches, SameSeedSameBatchAndShortTextsAreRefused) {
    std::vector<std::int32_t> tokens(30);
    std::iota(tokens.begin(), tokens.end(), 0);
    std::vector<std::int32_t> a(8), b(8), ta(8), tb(8);
    Rng r1(9), r2(9);
    random_batch(a.data(), ta.data(), tokens, 2, 4, r1);
    random_batch(b.data(), tb.data(), tokens, 2, 4, r2);
    EXPECT_EQ(a, b);
    // Exactly T + 1 tokens: one possible window.
    std::vector<std::int32_t> five = {1, 2, 3, 4, 5};
    random_batch(a.data(), ta.data(), five, 2, 4, r1);
    EXPECT_EQ(a, (std::vector<std::int32_t>{1, 2, 3, 4, 1, 2, 3, 4}));
    try {
        random_batch(a.data(), ta.data(), std::vector<std::int32_t>{1, 2, 3, 4}, 1, 4, r1);
        FAIL() << "4 tokens can't make a window of 4 inputs + 1 target";
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "need at least 5 tokens for a window of 4, have 4");
    }
}
