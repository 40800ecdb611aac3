#include "model/limits.hpp"

#include <cmath>
#include <cstdio>

#include "util/error.hpp"

namespace lab {

namespace {
// Whole numbers in full (%g would show 2^53 − 1 as 9.0072e+15), others as %g.
std::string number_text(double v) {
    char buf[40];
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e18) std::snprintf(buf, sizeof buf, "%.0f", v);
    else std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}
}  // namespace

std::string range_text(const Limit& l) {
    const std::string lo = number_text(l.min), hi = number_text(l.max);
    if (!l.min_open && !l.max_open) return l.integer ? cat("between ", lo, " and ", hi) : cat("at least ", lo, " and at most ", hi);
    return cat(l.min_open ? "greater than " : "at least ", lo, " and ", l.max_open ? "below " : "at most ", hi);
}

bool within(const Limit& l, double v) {
    if (!std::isfinite(v) || (l.integer && v != std::floor(v))) return false;
    return (l.min_open ? v > l.min : v >= l.min) && (l.max_open ? v < l.max : v <= l.max);
}

void check(const Limit& l, double v, const char* shown) {
    if (within(l, v)) return;
    const char* name = shown ? shown : l.name;
    if (l.integer && std::isfinite(v) && v != std::floor(v)) fail(name, " must be a whole number, got ", number_text(v));
    fail(name, " must be ", range_text(l), ", got ", number_text(v));
}

}  // namespace lab
