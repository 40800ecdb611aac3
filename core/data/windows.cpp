#include "data/windows.hpp"

#include "util/error.hpp"

namespace lab {

std::vector<Window> text_windows(std::size_t n, std::size_t block_size) {
    std::vector<Window> out;
    for (std::size_t begin = 0; begin + 1 < n; begin += block_size) {
        const std::size_t len = (n - begin < block_size + 1) ? n - begin : block_size + 1;
        if (len >= 2) out.push_back({begin, len});
    }
    return out;
}

void random_batch(std::int32_t* inputs, std::int32_t* targets, const std::vector<std::int32_t>& tokens,
                  std::size_t B, std::size_t T, Rng& rng) {
    if (tokens.size() < T + 1) fail("need at least ", T + 1, " tokens for a window of ", T, ", have ", tokens.size());
    const std::size_t starts = tokens.size() - T;  // valid start offsets: 0 .. n-T-1
    for (std::size_t b = 0; b < B; ++b) {
        const std::size_t s = static_cast<std::size_t>(rng.below(starts));
        for (std::size_t t = 0; t < T; ++t) {
            inputs[b * T + t] = tokens[s + t];
            targets[b * T + t] = tokens[s + t + 1];
        }
    }
}

}  // namespace lab
