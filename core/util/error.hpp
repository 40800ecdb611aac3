// Errors: every bad input is reported as one readable line naming the value and what is allowed.
// We throw lab::Error (a std::invalid_argument) so the wasm bindings can turn it into a JS Error.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>

namespace lab {

struct Error : std::invalid_argument {
    explicit Error(const std::string& what) : std::invalid_argument(what) {}
};

// fail("n_head must be between 1 and ", 64, ", got ", n) — concatenates its arguments.
template <typename... Args>
[[noreturn]] void fail(const Args&... args) {
    std::ostringstream s;
    (s << ... << args);
    throw Error(s.str());
}

}  // namespace lab
