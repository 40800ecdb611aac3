// Choosing the next token from a probability distribution: greedy, or temperature + top-k + top-p
// with the project's seeded RNG. Sampling reads the distribution only; it never touches a weight.
#pragma once
#include <cstddef>
#include <cstdint>

#include "util/rng.hpp"

namespace lab {

// A probability below this (one that underflowed to 0) is read as this, about the smallest
// positive float (1.4e-45), so its log is finite (≈ −103.6).
inline constexpr double kSampleMinProb = 1e-45;
// Where the running maximum of the rescaled log-probabilities starts: below any of them, since
// ln(kSampleMinProb) / temperature > −1e48 for every temperature the settings allow (> 1e-45).
inline constexpr double kSampleLogStart = -1e300;

struct SamplingSettings {
    bool greedy = false;
    float temperature = 1.0f;  // > 0
    std::size_t top_k = 0;     // 0 here means "all" (the API maps an omitted top-k to 0; an explicit 0 is refused there)
    float top_p = 1.0f;        // (0, 1]
};

void validate(const SamplingSettings& s);

// probs[V] is a softmax at temperature 1; returns the chosen token id.
std::int32_t sample_token(const float* probs, std::size_t V, const SamplingSettings& s, Rng& rng);

}  // namespace lab
