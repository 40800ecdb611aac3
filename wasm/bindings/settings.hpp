// The settings schema at the JS boundary: settings objects are read strictly (unknown keys, wrong
// types and values outside core/model/limits.hpp are refused with a one-line message naming the
// key and its range), and written back with the same keys.
#pragma once
#include <emscripten/val.h>

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "sample/sampler.hpp"
#include "train/trainer.hpp"

namespace lab::js {

using emscripten::val;

// `s` with the keys of JS object `o` applied (undefined/null: `s` unchanged), validated.
TrainerSettings apply_settings(TrainerSettings s, const val& o);
// The settings as the JS object apply_settings() reads (floats shown as typed: 0.01, not 0.009999…).
val settings_to_js(const TrainerSettings& s);
// The limits table as {vocabSize: {min, max, integer, minOpen, maxOpen, range}, …, maxModelBytes}.
val limits_to_js();

// evaluate()'s options {windows}: how many windows of each split (default kEvalWindows).
std::size_t eval_windows_from_js(const val& opts);
// generate()'s options {greedy, temperature, topK, topP, seed}; the seed goes to `seed` (default 1).
SamplingSettings sampling_from_js(const val& opts, std::uint64_t& seed);

// `x` (the argument called `name`) when it is a whole number in [min, max], else an Error
// "<name> must be a whole number ≥ <min>, got <x>" (max only guards the conversion to a size).
double whole_number(double x, const char* name, double min, double max = HUGE_VAL);

}  // namespace lab::js
