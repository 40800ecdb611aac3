// Reading and writing settings objects; see settings.hpp.
#include "settings.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "marshal.hpp"
#include "model/limits.hpp"
#include "util/error.hpp"

namespace lab::js {
namespace {

bool has(const val& o, const char* key) {
    return o.hasOwnProperty(key) && !o[key].isUndefined() && !o[key].isNull();
}
bool absent(const val& o) { return o.isUndefined() || o.isNull(); }
double number(const val& o, const char* key) {
    const val v = o[key];
    if (v.typeOf().as<std::string>() != "number") fail(key, " must be a number, got ", v.typeOf().as<std::string>());
    return v.as<double>();  // NaN and ±Infinity are refused by the range check, naming the range
}
// A number the limits table allows (model/limits.hpp), refused with its JS name (l.key unless
// key is given) and its range. Seeds go up to 2^53 − 1 and reach C++ as 64 bits, never through a
// 32-bit std::size_t (converting a larger double to it is undefined: seeds 2^32 and 2^40 became 0).
double limited(const val& o, const Limit& l, const char* key = nullptr) {
    const char* name = key ? key : l.key;
    const double d = number(o, name);
    check(l, d, name);
    return d;
}
std::size_t limited_size(const val& o, const Limit& l, const char* key = nullptr) {
    return static_cast<std::size_t>(limited(o, l, key));
}
float limited_float(const val& o, const Limit& l) { return static_cast<float>(limited(o, l)); }
std::uint64_t limited_seed(const val& o) { return static_cast<std::uint64_t>(limited(o, limits::seed)); }
bool boolean(const val& o, const char* key) {
    const val v = o[key];
    if (!v.isTrue() && !v.isFalse()) fail(key, " must be true or false, got ", v.typeOf().as<std::string>());
    return v.isTrue();
}
std::string text(const val& o, const char* key) {
    const val v = o[key];
    if (!v.isString()) fail(key, " must be a string, got ", v.typeOf().as<std::string>());
    return v.as<std::string>();
}

const char* const kSettingKeys[] = {"tokenizer", "vocabSize", "nLayer", "nHead", "nEmbd", "blockSize", "bias", "batchSize",
                                    "sliceRows", "optimizer", "lr", "momentum", "beta1", "beta2", "weightDecay", "gradClip",
                                    "schedule", "warmupSteps", "maxSteps", "minLrRatio", "seed", "valFraction"};

// Floats shown to people as typed (0.01, not 0.009999999776): shortest round trip of the float.
double nice(float x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.7g", static_cast<double>(x));
    return std::strtod(buf, nullptr);
}

}  // namespace

TrainerSettings apply_settings(TrainerSettings s, const val& o) {
    if (absent(o)) return s;
    if (o.typeOf().as<std::string>() != "object") fail("settings must be an object");
    const val keys = val::global("Object").call<val>("keys", o);
    const std::size_t n = keys["length"].as<std::size_t>();
    for (std::size_t i = 0; i < n; ++i) {
        const std::string k = keys[i].as<std::string>();
        bool known = false;
        for (const char* kk : kSettingKeys) known = known || k == kk;
        if (!known) {
            std::string allowed;
            for (const char* kk : kSettingKeys) allowed += std::string(allowed.empty() ? "" : ", ") + kk;
            fail("unknown setting \"", k, "\"; allowed: ", allowed);
        }
    }
    if (has(o, "tokenizer")) s.tokenizer = text(o, "tokenizer");
    if (has(o, "vocabSize")) s.vocab_size = limited_size(o, limits::vocab_size);
    if (has(o, "nLayer")) s.n_layer = limited_size(o, limits::n_layer);
    if (has(o, "nHead")) s.n_head = limited_size(o, limits::n_head);
    if (has(o, "nEmbd")) s.n_embd = limited_size(o, limits::n_embd);
    if (has(o, "blockSize")) s.block_size = limited_size(o, limits::block_size);
    if (has(o, "bias")) s.bias = boolean(o, "bias");
    if (has(o, "batchSize")) s.batch_size = limited_size(o, limits::batch_size);
    if (has(o, "sliceRows")) s.slice_rows = limited_size(o, limits::slice_rows);
    if (has(o, "optimizer")) s.optim.kind = optimizer_from_name(text(o, "optimizer"));
    if (has(o, "lr")) s.optim.lr = limited_float(o, limits::lr);
    if (has(o, "momentum")) s.optim.momentum = limited_float(o, limits::momentum);
    if (has(o, "beta1")) s.optim.beta1 = limited_float(o, limits::beta1);
    if (has(o, "beta2")) s.optim.beta2 = limited_float(o, limits::beta2);
    if (has(o, "weightDecay")) s.optim.weight_decay = limited_float(o, limits::weight_decay);
    if (has(o, "gradClip")) s.optim.grad_clip = limited_float(o, limits::grad_clip);
    if (has(o, "schedule")) s.optim.schedule = schedule_from_name(text(o, "schedule"));
    if (has(o, "warmupSteps")) s.optim.warmup_steps = limited_size(o, limits::warmup_steps);
    if (has(o, "maxSteps")) s.optim.max_steps = limited_size(o, limits::max_steps);
    if (has(o, "minLrRatio")) s.optim.min_lr_ratio = limited_float(o, limits::min_lr_ratio);
    if (has(o, "seed")) s.seed = limited_seed(o);
    if (has(o, "valFraction")) s.val_fraction = limited_float(o, limits::val_fraction);
    validate(s);
    return s;
}

val settings_to_js(const TrainerSettings& s) {
    val o = val::object();
    o.set("tokenizer", s.tokenizer);
    o.set("vocabSize", s.vocab_size);
    o.set("nLayer", s.n_layer);
    o.set("nHead", s.n_head);
    o.set("nEmbd", s.n_embd);
    o.set("blockSize", s.block_size);
    o.set("bias", s.bias);
    o.set("batchSize", s.batch_size);
    o.set("sliceRows", s.slice_rows);
    o.set("optimizer", std::string(optimizer_name(s.optim.kind)));
    o.set("lr", nice(s.optim.lr));
    o.set("momentum", nice(s.optim.momentum));
    o.set("beta1", nice(s.optim.beta1));
    o.set("beta2", nice(s.optim.beta2));
    o.set("weightDecay", nice(s.optim.weight_decay));
    o.set("gradClip", nice(s.optim.grad_clip));
    o.set("schedule", std::string(schedule_name(s.optim.schedule)));
    o.set("warmupSteps", s.optim.warmup_steps);
    o.set("maxSteps", s.optim.max_steps);
    o.set("minLrRatio", nice(s.optim.min_lr_ratio));
    o.set("seed", static_cast<double>(s.seed));
    o.set("valFraction", nice(s.val_fraction));
    return o;
}

val limits_to_js() {
    val o = val::object();
    for (const Limit* l : kLimits) o.set(l->key, to_js(*l));
    o.set("maxModelBytes", static_cast<double>(kMaxModelBytes));
    return o;
}

std::size_t eval_windows_from_js(const val& opts) {
    if (absent(opts) || !has(opts, "windows")) return kEvalWindows;
    return limited_size(opts, limits::eval_windows, "windows");
}

SamplingSettings sampling_from_js(const val& opts, std::uint64_t& seed) {
    SamplingSettings s;
    seed = 1;
    if (!absent(opts)) {
        if (has(opts, "greedy")) s.greedy = opts["greedy"].as<bool>();
        if (has(opts, "temperature")) s.temperature = limited_float(opts, limits::temperature);
        if (has(opts, "topK")) s.top_k = limited_size(opts, limits::top_k);
        if (has(opts, "topP")) s.top_p = limited_float(opts, limits::top_p);
        if (has(opts, "seed")) seed = limited_seed(opts);
    }
    if (!s.greedy) validate(s);
    return s;
}

double whole_number(double x, const char* name, double min, double max) {
    if (!(x >= min) || x != std::floor(x) || x > max) fail(name, " must be a whole number ≥ ", min, ", got ", x);
    return x;
}

}  // namespace lab::js
