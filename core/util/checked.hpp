// Size arithmetic that cannot wrap around. In wasm32 std::size_t is 32 bits, and the memory a
// large (but valid) config needs is far beyond 4 G floats: estimates are computed in 64 bits with
// these, so a too-big config is refused with its real size instead of a wrapped, small one.
#pragma once
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>

#include "util/error.hpp"

namespace lab {

inline std::uint64_t checked_add(std::uint64_t a, std::uint64_t b) {
    if (b > std::numeric_limits<std::uint64_t>::max() - a) fail("size overflows 64 bits: ", a, " + ", b);
    return a + b;
}

inline std::uint64_t checked_mul(std::uint64_t a, std::uint64_t b) {
    if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a) fail("size overflows 64 bits: ", a, " × ", b);
    return a * b;
}

inline std::uint64_t checked_product(std::initializer_list<std::uint64_t> factors) {
    std::uint64_t p = 1;
    for (std::uint64_t f : factors) p = checked_mul(p, f);
    return p;
}

// n as a std::size_t, or lab::Error naming what when this build's address space can't hold it.
inline std::size_t to_size(std::uint64_t n, const char* what) {
    if (n > std::numeric_limits<std::size_t>::max()) fail(what, " (", n, ") does not fit this build's address space");
    return static_cast<std::size_t>(n);
}

}  // namespace lab
