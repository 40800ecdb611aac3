#include "sample/sampler.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "model/limits.hpp"
#include "util/error.hpp"

namespace lab {

void validate(const SamplingSettings& s) {
    check(limits::temperature, s.temperature);
    check(limits::top_p, s.top_p);
}

std::int32_t sample_token(const float* probs, std::size_t V, const SamplingSettings& s, Rng& rng) {
    if (s.greedy) {
        std::size_t best = 0;
        for (std::size_t i = 1; i < V; ++i) if (probs[i] > probs[best]) best = i;
        return static_cast<std::int32_t>(best);
    }
    validate(s);
    // Temperature rescales log-probabilities: p_i^(1/τ), renormalised (done in double).
    std::vector<std::pair<double, std::size_t>> cand(V);
    double maxlog = -1e300;
    for (std::size_t i = 0; i < V; ++i) {
        const double lp = std::log(std::max(static_cast<double>(probs[i]), 1e-45)) / s.temperature;
        cand[i] = {lp, i};
        maxlog = std::max(maxlog, lp);
    }
    for (auto& c : cand) c.first = std::exp(c.first - maxlog);
    // Most likely first; ties by id so the order is deterministic.
    std::sort(cand.begin(), cand.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    std::size_t keep = (s.top_k == 0 || s.top_k > V) ? V : s.top_k;
    double total = 0.0;
    for (std::size_t i = 0; i < keep; ++i) total += cand[i].first;
    if (s.top_p < 1.0f) {  // smallest prefix whose mass reaches top_p
        double mass = 0.0;
        std::size_t n = 0;
        while (n < keep) {
            mass += cand[n].first / total;
            ++n;
            if (mass >= s.top_p) break;
        }
        keep = n;
        total = 0.0;
        for (std::size_t i = 0; i < keep; ++i) total += cand[i].first;
    }
    const double r = static_cast<double>(rng.uniform()) * total;
    double acc = 0.0;
    for (std::size_t i = 0; i < keep; ++i) {
        acc += cand[i].first;
        if (r < acc) return static_cast<std::int32_t>(cand[i].second);
    }
    return static_cast<std::int32_t>(cand[keep - 1].second);
}

}  // namespace lab
