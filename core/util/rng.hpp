// The project's own RNG, so one seed gives the same numbers natively (libstdc++) and in wasm
// (libc++): std:: distributions differ between the two standard libraries.
#pragma once
#include <cmath>
#include <cstdint>

namespace lab {

// xoshiro256** seeded through splitmix64; fast, small state, reproducible.
class Rng {
public:
    explicit Rng(std::uint64_t seed = 1337) { reseed(seed); }

    void reseed(std::uint64_t seed) {
        std::uint64_t z = seed;
        for (auto& s : state_) s = splitmix64(z);
        has_spare_ = false;
    }
    std::uint64_t next_u64() {
        // xoshiro256**
        const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return result;
    }
    // Uniform in [0, 1) with 24 bits, exactly representable as float.
    float uniform() { return static_cast<float>(next_u64() >> 40) * (1.0f / 16777216.0f); }
    // Uniform integer in [0, n).
    std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : next_u64() % n; }
    // Standard normal via Box–Muller in double precision (deterministic: only +,*,log,sqrt,cos,sin
    // which are correctly rounded enough to agree between our two builds for our purposes).
    double normal() {
        if (has_spare_) { has_spare_ = false; return spare_; }
        double u1 = (static_cast<double>(next_u64() >> 11) + 1.0) * (1.0 / 9007199254740992.0);
        double u2 = static_cast<double>(next_u64() >> 11) * (1.0 / 9007199254740992.0);
        double r = std::sqrt(-2.0 * std::log(u1));
        double th = 6.283185307179586 * u2;
        spare_ = r * std::sin(th);
        has_spare_ = true;
        return r * std::cos(th);
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    static std::uint64_t splitmix64(std::uint64_t& x) {
        std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    std::uint64_t state_[4];
    double spare_ = 0.0;
    bool has_spare_ = false;
};

}  // namespace lab
