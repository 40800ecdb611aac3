// Size arithmetic: checked 64-bit helpers, and memory estimates of configs whose sizes exceed 32
// bits (std::size_t in wasm32). The trainer's refusal of such a config is in test_model.cpp.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "model/gpt.hpp"
#include "util/checked.hpp"
#include "util/error.hpp"

using namespace lab;

TEST(Sizes, CheckedArithmeticThrowsInsteadOfWrapping) {
    const std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
    EXPECT_EQ(checked_mul(1u << 20, 1u << 20), std::uint64_t{1} << 40);
    EXPECT_EQ(checked_mul(0, max), 0u);
    EXPECT_EQ(checked_add(max - 1, 1), max);
    EXPECT_EQ(checked_product({16, 64, 2048, 2048}), std::uint64_t{1} << 32);
    EXPECT_THROW(checked_mul(std::uint64_t{1} << 32, std::uint64_t{1} << 32), Error);
    EXPECT_THROW(checked_add(max, 1), Error);
    EXPECT_THROW(checked_product({1u << 31, 1u << 31, 1u << 31}), Error);
    EXPECT_EQ(to_size(12345, "n"), 12345u);
    if (sizeof(std::size_t) < 8) EXPECT_THROW(to_size(std::uint64_t{1} << 32, "n"), Error);
}

// {n_layer 1, n_head 64, n_embd 64, block_size 2048, batch 16}: the attention maps alone are
// B·NH·T² = 2^32 floats (16 GiB), which is exactly 0 in 32-bit arithmetic.
TEST(Sizes, EstimateCountsPast32Bits) {
    const GPTConfig c{65, 2048, 1, 64, 64};
    const std::uint64_t att = std::uint64_t{16} * 64 * 2048 * 2048;
    const std::uint64_t floats = GPT::estimate_floats(c, 16);
    EXPECT_GT(floats, att);  // the maps, plus everything else (small next to them)
    EXPECT_LT(floats, att + att / 8);
    // The largest config the limits allow still has an exact estimate (no 64-bit overflow).
    const GPTConfig top{65536, 2048, 48, 64, 4096};
    EXPECT_GT(GPT::estimate_floats(top, 4096), std::uint64_t{48} * 4096 * 64 * 2048 * 2048);
}
