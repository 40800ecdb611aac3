// Errors: every bad input is reported as one readable line naming the value and what is allowed.
// We throw lab::Error (a std::invalid_argument) so the wasm bindings can turn it into a JS Error.
// (Built with snprintf, not <sstream>: iostreams would add ~40 KB to the .wasm.)
#pragma once
#include <cstdio>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace lab {

struct Error : std::invalid_argument {
    explicit Error(const std::string& what) : std::invalid_argument(what) {}
};

namespace detail {
inline void append(std::string& s, const std::string& v) { s += v; }
inline void append(std::string& s, const char* v) { s += v; }
inline void append(std::string& s, char v) { s += v; }
template <typename T>
void append(std::string& s, T v) {
    static_assert(std::is_arithmetic<T>::value, "fail() takes strings and numbers");
    char buf[32];
    if constexpr (std::is_floating_point<T>::value) std::snprintf(buf, sizeof buf, "%g", static_cast<double>(v));
    else if constexpr (std::is_signed<T>::value) std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
    else std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(v));
    s += buf;
}
}  // namespace detail

// Concatenates its arguments: cat("got ", 3, " of ", 4.5).
template <typename... Args>
std::string cat(const Args&... args) {
    std::string s;
    (detail::append(s, args), ...);
    return s;
}

// fail("n_head must be between 1 and ", 64, ", got ", n) — throws lab::Error with that line.
template <typename... Args>
[[noreturn]] void fail(const Args&... args) {
    throw Error(cat(args...));
}

}  // namespace lab
