// How a token stream becomes (input, target) pairs.
//  - Evaluation windows (docs/contracts.md, Text windows): windows of block_size+1 tokens with stride
//    block_size, the last shorter one kept if it has ≥ 2 tokens; inputs = w[:-1], targets = w[1:].
//  - Training batches: B windows at seeded random offsets (nanoGPT's get_batch).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "util/rng.hpp"

namespace lab {

struct Window {
    std::size_t begin;   // index of the first token
    std::size_t length;  // tokens in the window (inputs + 1), ≥ 2
};

std::vector<Window> text_windows(std::size_t n_tokens, std::size_t block_size);

// Fills inputs[B,T] and targets[B,T] with B random windows of `tokens` (needs n ≥ T+1).
void random_batch(std::int32_t* inputs, std::int32_t* targets, const std::vector<std::int32_t>& tokens,
                  std::size_t B, std::size_t T, Rng& rng);

}  // namespace lab
