// Embind bindings: a coarse API (a training chunk, not a matmul) over lab::Trainer.
// Every entry point catches C++ exceptions and rethrows them as a JS Error carrying the one-line
// message, so bad input never aborts the module and a model being trained survives it.
// Results are plain JS objects and fresh typed-array copies: nothing keeps a view into wasm memory.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "model/limits.hpp"
#include "model/tensor_names.hpp"
#include "train/trainer.hpp"
#include "util/error.hpp"

using emscripten::val;
using namespace lab;

namespace {

[[noreturn]] void throw_js(const std::string& message) {
    val::global("Error").new_(message).throw_();
    __builtin_unreachable();
}

template <typename F>
auto guarded(F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const std::bad_alloc&) {
        throw_js("out of memory: use a smaller model, batch or text");
    } catch (const std::exception& e) {
        throw_js(e.what());
    }
}

// ---- reading settings from a JS object, strictly ----
bool has(const val& o, const char* key) {
    return o.hasOwnProperty(key) && !o[key].isUndefined() && !o[key].isNull();
}
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

TrainerSettings apply_settings(TrainerSettings s, const val& o) {
    if (o.isUndefined() || o.isNull()) return s;
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
    if (has(o, "seed")) s.seed = static_cast<std::uint64_t>(limited(o, limits::seed));
    if (has(o, "valFraction")) s.val_fraction = limited_float(o, limits::val_fraction);
    validate(s);
    return s;
}

// Floats shown to people as typed (0.01, not 0.009999999776): shortest round trip of the float.
double nice(float x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.7g", static_cast<double>(x));
    return std::strtod(buf, nullptr);
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

template <typename T>
val typed_copy(const char* ctor, const T* data, std::size_t n) {
    return val::global(ctor).new_(emscripten::typed_memory_view(n, data)).template call<val>("slice");
}

std::vector<std::uint8_t> bytes_from_js(const val& arr) {
    if (!arr.instanceof(val::global("Uint8Array"))) fail("checkpoint must be a Uint8Array of .safetensors bytes");
    const std::size_t n = arr["length"].as<std::size_t>();
    std::vector<std::uint8_t> out(n);
    val(emscripten::typed_memory_view(n, out.data())).call<void>("set", arr);
    return out;
}

val token_probs(const std::vector<TokenProb>& v) {
    val a = val::array();
    for (std::size_t i = 0; i < v.size(); ++i) {
        val o = val::object();
        o.set("token", v[i].token);
        o.set("id", v[i].id);
        o.set("prob", v[i].prob);
        a.set(i, o);
    }
    return a;
}

val tensor_norms(const std::vector<TensorNorm>& v) {
    val a = val::array();
    for (std::size_t i = 0; i < v.size(); ++i) {
        val o = val::object();
        o.set("name", v[i].name);
        o.set("norm", v[i].norm);
        a.set(i, o);
    }
    return a;
}

// null, or {message, step} of a step that diverged.
val diverged_of(const StepStats& st) {
    if (!st.diverged) return val::null();
    val d = val::object();
    d.set("message", st.message);
    d.set("step", st.step);
    return d;
}

val step_stats(const StepStats& st) {
    val o = val::object();
    o.set("step", st.step);
    o.set("loss", st.loss);
    o.set("lr", st.lr);
    o.set("gradNorm", st.grad_norm);
    o.set("diverged", diverged_of(st));
    return o;
}

val tokens_of(const Tokenizer& tok, const std::vector<std::int32_t>& ids) {
    val a = val::array();
    for (std::size_t i = 0; i < ids.size(); ++i) {
        val o = val::object();
        o.set("id", ids[i]);
        o.set("text", tok.token_text(ids[i]));
        a.set(i, o);
    }
    return a;
}

}  // namespace

// The bound object. Owns one Trainer; every method is guarded.
class LabTrainer {
public:
    LabTrainer(const std::string& txt, const val& settings)
        : t_(guarded([&] { return std::make_unique<Trainer>(txt, apply_settings(TrainerSettings{}, settings)); })) {}
    LabTrainer(const val& bytes, const std::string& txt, const val& settings)
        : t_(guarded([&] {
              const std::vector<std::uint8_t> b = bytes_from_js(bytes);
              return std::make_unique<Trainer>(b.data(), b.size(), txt, apply_settings(TrainerSettings{}, settings));
          })) {}

    val info() const {
        return guarded([&] {
            const Trainer& t = *t_;
            val o = val::object();
            o.set("params", t.num_params());
            o.set("flopsPerStep", const_cast<Trainer&>(t).flops_per_step());
            o.set("tokensPerStep", t.settings().batch_size * t.seq_len());
            o.set("seqLen", t.seq_len());
            o.set("vocabSize", t.config().vocab_size);
            val c = val::object();
            c.set("vocab_size", t.config().vocab_size);
            c.set("block_size", t.config().block_size);
            c.set("n_layer", t.config().n_layer);
            c.set("n_head", t.config().n_head);
            c.set("n_embd", t.config().n_embd);
            c.set("bias", t.config().bias);
            o.set("config", c);
            o.set("tokenizer", t.tokenizer().type());
            o.set("step", t.step());
            o.set("trainTokens", t.train_token_count());
            o.set("valTokens", t.val_token_count());
            o.set("tokenizerSampleBytes", t.tokenizer_sample_bytes());
            o.set("hasValidation", t.has_val());
            o.set("settings", settings_to_js(t.settings()));
            o.set("sliceRows", t.slice_rows());
            o.set("memoryBytes", t.memory_bytes(t.slice_rows()));
            o.set("memoryBytesPerRow", t.memory_bytes(1) - t.memory_bytes(0));
            return o;
        });
    }

    // Runs up to n steps (stops early on divergence) and reports them.
    val train(double n_steps) {
        return guarded([&] {
            check(limits::train_steps, n_steps, "number of steps");
            const std::size_t n = static_cast<std::size_t>(n_steps);
            std::vector<float> losses;
            losses.reserve(n);
            StepStats last;
            last.step = t_->step();
            const auto t0 = std::chrono::steady_clock::now();
            for (std::size_t i = 0; i < n; ++i) {
                last = t_->train_step();
                if (last.diverged) break;
                losses.push_back(last.loss);
            }
            const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            const double tokens = static_cast<double>(losses.size()) * static_cast<double>(t_->settings().batch_size * t_->seq_len());
            val o = val::object();
            o.set("step", t_->step());
            o.set("loss", losses.empty() ? val::null() : val(losses.back()));
            o.set("losses", typed_copy("Float32Array", losses.data(), losses.size()));
            o.set("lr", last.lr);
            o.set("gradNorm", last.grad_norm);
            o.set("seconds", secs);
            o.set("tokensPerSecond", secs > 0 ? tokens / secs : 0.0);
            o.set("diverged", diverged_of(last));
            return o;
        });
    }

    // Data parallelism: the gradient of rows [rowStart, rowStart + rowCount) of this step's batch
    // (Trainer::slice_gradients), copied into `out` when it is a Float32Array of the right length
    // (a replica reuses one buffer), else into a new one. → {step, lossSum, grads}
    val gradientsFor(double row_start, double row_count, const val& out) {
        return guarded([&] {
            if (!(row_start >= 0) || row_start != std::floor(row_start) || row_start > 1e6)
                fail("rowStart must be a whole number ≥ 0, got ", row_start);
            if (!(row_count >= 1) || row_count != std::floor(row_count) || row_count > 1e6)
                fail("rowCount must be a whole number ≥ 1, got ", row_count);
            const double loss_sum = t_->slice_gradients(static_cast<std::size_t>(row_start), static_cast<std::size_t>(row_count));
            const std::vector<float>& g = t_->model().grads();
            val grads = out;
            if (!out.instanceof(val::global("Float32Array")) || out["length"].as<std::size_t>() != g.size())
                grads = val::global("Float32Array").new_(g.size());
            grads.call<void>("set", val(emscripten::typed_memory_view(g.size(), g.data())));
            val o = val::object();
            o.set("step", t_->step());
            o.set("lossSum", loss_sum);
            o.set("grads", grads);
            return o;
        });
    }
    // The rest of the step on a summed gradient (Trainer::apply_gradients). → {step, loss, lr, gradNorm, diverged}
    val applyGradients(const val& grads, double loss_sum) {
        return guarded([&] {
            std::vector<float>& g = t_->model().grads();
            if (!grads.instanceof(val::global("Float32Array")) || grads["length"].as<std::size_t>() != g.size())
                fail("gradients must be a Float32Array of ", g.size(), " numbers (one per parameter)");
            val(emscripten::typed_memory_view(g.size(), g.data())).call<void>("set", grads);
            return step_stats(t_->apply_gradients(loss_sum));
        });
    }

    // opts.windows: how many windows of each split to evaluate (default kEvalWindows).
    val evaluate(const val& opts) {
        return guarded([&] {
            std::size_t windows = kEvalWindows;
            if (!opts.isUndefined() && !opts.isNull() && has(opts, "windows")) windows = limited_size(opts, limits::eval_windows, "windows");
            val o = val::object();
            o.set("trainLoss", t_->train_loss(windows));
            o.set("valLoss", t_->has_val() ? val(t_->val_loss(windows)) : val::null());
            return o;
        });
    }

    double evalText(const std::string& txt) {
        return guarded([&] { return static_cast<double>(t_->evaluate_tokens(t_->tokenizer().encode(txt))); });
    }
    double stepOnText(const std::string& txt) {
        return guarded([&] { return static_cast<double>(t_->step_on_windows(t_->tokenizer().encode(txt))); });
    }
    double countTokens(const std::string& txt) {
        return guarded([&] { return static_cast<double>(t_->tokenizer().encode(txt).size()); });
    }

    val inspectStep(double position, const std::string& tensor, double index) {
        return guarded([&] {
            if (!(position >= 0) || position != std::floor(position)) fail("position must be a whole number ≥ 0, got ", position);
            if (!(index >= 0) || index != std::floor(index)) fail("index must be a whole number ≥ 0, got ", index);
            InspectResult r = t_->inspect_step(static_cast<std::size_t>(position), tensor, static_cast<std::size_t>(index));
            val o = val::object();
            o.set("step", r.stats.step);
            o.set("input", tokens_of(t_->tokenizer(), r.input));
            o.set("target", tokens_of(t_->tokenizer(), r.target));
            o.set("position", r.position);
            o.set("distribution", token_probs(r.distribution));
            o.set("targetProb", r.target_prob);
            o.set("positionLoss", r.position_loss);
            o.set("batchLoss", r.stats.loss);
            o.set("gradNorms", tensor_norms(r.grad_norms));
            o.set("gradNormTotal", r.grad_norm_total);
            val w = val::object();
            w.set("tensor", r.weight.tensor);
            w.set("index", r.weight.index);
            w.set("value", r.weight.value);
            w.set("grad", r.weight.grad);
            w.set("rawGrad", r.weight.raw_grad);
            w.set("lr", r.weight.lr);
            w.set("update", r.weight.update);
            w.set("newValue", r.weight.new_value);
            w.set("optimizer", r.weight.optimizer);
            w.set("clipScale", r.weight.clip_scale);
            w.set("weightDecay", r.weight.weight_decay);
            w.set("momentum", r.weight.momentum);
            w.set("beta1", r.weight.beta1);
            w.set("beta2", r.weight.beta2);
            w.set("eps", r.weight.eps);
            w.set("t", r.weight.t);
            w.set("bias1", r.weight.bias1);
            w.set("bias2", r.weight.bias2);
            w.set("mBefore", r.weight.m_before);
            w.set("mAfter", r.weight.m_after);
            w.set("vBefore", r.weight.v_before);
            w.set("vAfter", r.weight.v_after);
            o.set("weight", w);
            o.set("diverged", r.stats.diverged ? val(r.stats.message) : val::null());
            return o;
        });
    }

    val predict(const std::string& prompt, double top_k) {
        return guarded([&] {
            if (!(top_k >= 1) || top_k != std::floor(top_k)) fail("top-k must be a whole number ≥ 1, got ", top_k);
            return token_probs(t_->predict(prompt, static_cast<std::size_t>(std::min(top_k, 1e6))));
        });
    }

    std::string generate(const std::string& prompt, double n_tokens, const val& opts) {
        return guarded([&] {
            check(limits::generate_tokens, n_tokens, "number of tokens");
            SamplingSettings s;
            std::uint64_t seed = 1;
            if (!opts.isUndefined() && !opts.isNull()) {
                if (has(opts, "greedy")) s.greedy = opts["greedy"].as<bool>();
                if (has(opts, "temperature")) s.temperature = limited_float(opts, limits::temperature);
                if (has(opts, "topK")) s.top_k = limited_size(opts, limits::top_k);
                if (has(opts, "topP")) s.top_p = limited_float(opts, limits::top_p);
                if (has(opts, "seed")) seed = static_cast<std::uint64_t>(limited(opts, limits::seed));
            }
            if (!s.greedy) validate(s);
            return t_->generate(prompt, static_cast<std::size_t>(n_tokens), s, seed);
        });
    }

    val pairs(double n) {
        return guarded([&] {
            if (!(n >= 0) || n != std::floor(n)) fail("number of pairs must be a whole number ≥ 0, got ", n);
            const auto v = t_->pairs(static_cast<std::size_t>(std::min(n, 4096.0)));
            val a = val::array();
            for (std::size_t i = 0; i < v.size(); ++i) {
                val o = val::object();
                o.set("context", v[i].context);
                o.set("target", v[i].target);
                o.set("targetId", v[i].target_id);
                o.set("prob", v[i].prob);
                o.set("surprise", v[i].surprise);
                a.set(i, o);
            }
            return a;
        });
    }

    val surprise(const std::string& txt) {
        return guarded([&] {
            const auto v = t_->surprise(txt);
            val a = val::array();
            for (std::size_t i = 0; i < v.size(); ++i) {
                val o = val::object();
                o.set("token", v[i].token);
                o.set("id", v[i].id);
                o.set("loss", v[i].predicted ? val(v[i].loss) : val::null());
                a.set(i, o);
            }
            return a;
        });
    }

    val attention(const std::string& prompt, double layer, double head) {
        return guarded([&] {
            if (!(layer >= 0) || layer != std::floor(layer)) fail("layer must be a whole number ≥ 0, got ", layer);
            if (!(head >= 0) || head != std::floor(head)) fail("head must be a whole number ≥ 0, got ", head);
            std::vector<std::string> toks;
            const std::vector<float> w = t_->attention(prompt, static_cast<std::size_t>(std::min(layer, 1e6)),
                                                       static_cast<std::size_t>(std::min(head, 1e6)), toks);
            val o = val::object();
            val ta = val::array();
            for (std::size_t i = 0; i < toks.size(); ++i) ta.set(i, toks[i]);
            o.set("tokens", ta);
            o.set("weights", typed_copy("Float32Array", w.data(), w.size()));
            return o;
        });
    }

    double weight(const std::string& tensor, double index) const {
        return guarded([&] {
            if (!(index >= 0) || index != std::floor(index)) fail("index must be a whole number ≥ 0, got ", index);
            return static_cast<double>(t_->weight_value(tensor, static_cast<std::size_t>(std::min(index, 1e15))));
        });
    }
    val tensors() const {
        return guarded([&] {
            val a = val::array();
            const auto ts = named_tensors(t_->model().layout(), t_->config());
            for (std::size_t i = 0; i < ts.size(); ++i) {
                val o = val::object();
                o.set("name", ts[i].name);
                val shape = val::array();
                for (std::size_t d = 0; d < ts[i].shape.size(); ++d) shape.set(d, ts[i].shape[d]);
                o.set("shape", shape);
                o.set("size", ts[i].size);
                a.set(i, o);
            }
            return a;
        });
    }
    val gradNorms() const { return guarded([&] { return tensor_norms(t_->grad_norms()); }); }
    std::string fingerprint() const { return guarded([&] { return t_->fingerprint(); }); }
    val exportCheckpoint(bool with_optimizer) const {
        return guarded([&] {
            const std::vector<std::uint8_t> b = t_->save_checkpoint(with_optimizer);
            return typed_copy("Uint8Array", b.data(), b.size());
        });
    }
    void reset(double seed) {
        guarded([&] {
            check(limits::seed, seed);
            t_->reset(static_cast<std::uint64_t>(seed));
            return 0;
        });
    }
    void setSettings(const val& o) {
        guarded([&] {
            // Only optimizer settings can change on a live model; shape changes need a new trainer.
            const TrainerSettings next = apply_settings(t_->settings(), o);
            const TrainerSettings& cur = t_->settings();
            if (next.tokenizer != cur.tokenizer || next.n_layer != cur.n_layer || next.n_head != cur.n_head ||
                next.n_embd != cur.n_embd || next.block_size != cur.block_size || next.bias != cur.bias ||
                next.batch_size != cur.batch_size || next.slice_rows != cur.slice_rows ||
                next.vocab_size != cur.vocab_size || next.val_fraction != cur.val_fraction)
                fail("model shape, batch, tokenizer and validation split can't change on a live model: create a new trainer");
            t_->set_optimizer(next.optim);
            if (next.seed != cur.seed) t_->reset(next.seed);
            return 0;
        });
    }
    val vocab() const {
        return guarded([&] {
            val a = val::array();
            for (std::size_t i = 0; i < t_->tokenizer().vocab_size(); ++i) a.set(i, t_->tokenizer().token_text(static_cast<std::int32_t>(i)));
            return a;
        });
    }
    val tokens(const std::string& txt) const {
        return guarded([&] { return tokens_of(t_->tokenizer(), t_->tokenizer().encode(txt)); });
    }

private:
    std::unique_ptr<Trainer> t_;
};

// Tokenize a text with a fresh tokenizer (the "text and tokens" view, before any model exists).
// The ids come as one Int32Array (lab.mjs pairs them with the vocabulary's texts): one object per
// token made through Embind costs ~30 µs each before V8 has optimised the module.
val tokenize(const std::string& txt, const val& opts) {
    return guarded([&] {
        const TrainerSettings s = apply_settings(TrainerSettings{}, opts);
        const Tokenizer tok = make_tokenizer(txt, s);
        val o = val::object();
        o.set("vocabSize", tok.vocab_size());
        const std::vector<std::int32_t> ids = tok.encode(txt);
        o.set("ids", typed_copy("Int32Array", ids.data(), ids.size()));
        val v = val::array();
        for (std::size_t i = 0; i < tok.vocab_size(); ++i) v.set(i, tok.token_text(static_cast<std::int32_t>(i)));
        o.set("vocab", v);
        return o;
    });
}

val defaults() { return settings_to_js(TrainerSettings{}); }

// The limits table as {vocabSize: {min, max, integer, minOpen, maxOpen, range}, …, maxModelBytes}.
val limits_to_js() {
    val o = val::object();
    for (const Limit* l : kLimits) {
        val e = val::object();
        e.set("min", l->min);
        e.set("max", l->max);
        e.set("integer", l->integer);
        e.set("minOpen", l->min_open);
        e.set("maxOpen", l->max_open);
        e.set("range", range_text(*l));
        o.set(l->key, e);
    }
    o.set("maxModelBytes", static_cast<double>(kMaxModelBytes));
    return o;
}
double max_model_bytes() { return static_cast<double>(kMaxModelBytes); }

EMSCRIPTEN_BINDINGS(training_loop_lab) {
    emscripten::class_<LabTrainer>("Trainer")
        .constructor<std::string, val>()
        .constructor<val, std::string, val>()
        .function("info", &LabTrainer::info)
        .function("train", &LabTrainer::train)
        .function("gradientsFor", &LabTrainer::gradientsFor)
        .function("applyGradients", &LabTrainer::applyGradients)
        .function("evaluate", &LabTrainer::evaluate)
        .function("evalText", &LabTrainer::evalText)
        .function("stepOnText", &LabTrainer::stepOnText)
        .function("countTokens", &LabTrainer::countTokens)
        .function("inspectStep", &LabTrainer::inspectStep)
        .function("predict", &LabTrainer::predict)
        .function("generate", &LabTrainer::generate)
        .function("pairs", &LabTrainer::pairs)
        .function("surprise", &LabTrainer::surprise)
        .function("attention", &LabTrainer::attention)
        .function("gradNorms", &LabTrainer::gradNorms)
        .function("weight", &LabTrainer::weight)
        .function("tensors", &LabTrainer::tensors)
        .function("fingerprint", &LabTrainer::fingerprint)
        .function("exportCheckpoint", &LabTrainer::exportCheckpoint)
        .function("reset", &LabTrainer::reset)
        .function("setSettings", &LabTrainer::setSettings)
        .function("vocab", &LabTrainer::vocab)
        .function("tokens", &LabTrainer::tokens);
    emscripten::function("tokenize", &tokenize);
    emscripten::function("defaults", &defaults);
    emscripten::function("maxModelBytes", &max_model_bytes);
    emscripten::function("limits", &limits_to_js);
}
