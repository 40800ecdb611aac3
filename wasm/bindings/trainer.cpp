// Embind bindings: a coarse API (a training chunk, not a matmul) over lab::Trainer, bound as the
// JS class Trainer plus a few free functions. Every entry point is guarded (marshal.hpp): a C++
// exception reaches JS as an Error with the one-line message. Settings are read in settings.cpp,
// plain result structs are converted by the value_objects of marshal.cpp.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "kernels/vector_ops.hpp"
#include "marshal.hpp"
#include "model/limits.hpp"
#include "model/tensor_names.hpp"
#include "settings.hpp"
#include "train/trainer.hpp"
#include "util/error.hpp"

using emscripten::val;
using namespace lab;
using namespace lab::js;

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
            o.set("config", to_js(t.config()));
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
            whole_number(row_start, "rowStart", 0, 1e6);
            whole_number(row_count, "rowCount", 1, 1e6);
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
    // The rest of the step on the sum of every slice's gradient (Trainer::apply_gradients).
    // terms: the slices' gradients in replica order (Float32Arrays); one of the first two may be
    // null: this replica's own, still in the model's gradient buffer from gradientsFor. The sum is
    // ((g0 + g1) + g2) + …, in float32, the same bits in every replica (g1 + g0 = g0 + g1 exactly).
    // → {step, loss, lr, gradNorm, diverged}
    val applyGradientTerms(const val& terms, double loss_sum) {
        return guarded([&] {
            std::vector<float>& g = t_->model().grads();
            const std::size_t n = g.size();
            if (!terms.isArray()) fail("the gradient terms must be an array");
            const std::size_t N = terms["length"].as<std::size_t>();
            if (N < 1 || N > 16) fail("the gradient terms must be 1 to 16 arrays, got ", N);
            std::size_t own = N;  // none
            for (std::size_t k = 0; k < N; ++k) {
                const val t = terms[k];
                if (t.isNull()) {
                    if (own != N || k > 1) fail("only term 0 or 1 of the gradient sum may be null (this replica's own)");
                    own = k;
                } else if (!t.instanceof(val::global("Float32Array")) || t["length"].as<std::size_t>() != n) {
                    fail("gradient term ", k, " must be a Float32Array of ", n, " numbers (one per parameter)");
                }
            }
            // Floats [i, i + m) of term k into dst.
            const auto copy_in = [&](std::size_t k, std::size_t i, std::size_t m, float* dst) {
                val(emscripten::typed_memory_view(m, dst)).call<void>("set", terms[k].call<val>("subarray", i, i + m));
            };
            std::size_t k = 0;
            if (own == N) copy_in(k++, 0, n, g.data());
            for (; k < N; ++k) {
                if (k == own) continue;
                // In chunks through a small buffer that stays in cache: the term is read once
                // from JS and g once, instead of through a cold copy as large as the model.
                term_.resize(std::min(n, kTermChunk));
                for (std::size_t i = 0; i < n; i += kTermChunk) {
                    const std::size_t m = std::min(kTermChunk, n - i);
                    copy_in(k, i, m, term_.data());
                    f32_axpy(g.data() + i, 1.0f, term_.data(), m);  // g + 1·x = g + x exactly
                }
            }
            return to_js(t_->apply_gradients(loss_sum));
        });
    }

    // opts.windows: how many windows of each split to evaluate (default kEvalWindows).
    val evaluate(const val& opts) {
        return guarded([&] {
            const std::size_t windows = eval_windows_from_js(opts);
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
            whole_number(position, "position", 0);
            whole_number(index, "index", 0);
            const InspectResult r = t_->inspect_step(static_cast<std::size_t>(position), tensor, static_cast<std::size_t>(index));
            val o = val::object();
            o.set("step", r.stats.step);
            o.set("input", tokens_of(t_->tokenizer(), r.input));
            o.set("target", tokens_of(t_->tokenizer(), r.target));
            o.set("position", r.position);
            o.set("distribution", array_of(r.distribution));
            o.set("targetProb", r.target_prob);
            o.set("positionLoss", r.position_loss);
            o.set("batchLoss", r.stats.loss);
            o.set("gradNorms", array_of(r.grad_norms));
            o.set("gradNormTotal", r.grad_norm_total);
            o.set("weight", to_js(r.weight));
            o.set("diverged", r.stats.diverged ? val(r.stats.message) : val::null());
            return o;
        });
    }

    val predict(const std::string& prompt, double top_k) {
        return guarded([&] {
            whole_number(top_k, "top-k", 1);
            return array_of(t_->predict(prompt, static_cast<std::size_t>(std::min(top_k, 1e6))));
        });
    }

    std::string generate(const std::string& prompt, double n_tokens, const val& opts) {
        return guarded([&] {
            check(limits::generate_tokens, n_tokens, "number of tokens");
            std::uint64_t seed = 1;
            const SamplingSettings s = sampling_from_js(opts, seed);
            return t_->generate(prompt, static_cast<std::size_t>(n_tokens), s, seed);
        });
    }

    val pairs(double n) {
        return guarded([&] {
            whole_number(n, "number of pairs", 0);
            return array_of(t_->pairs(static_cast<std::size_t>(std::min(n, 4096.0))));
        });
    }

    val surprise(const std::string& txt) {
        return guarded([&] { return array_of(t_->surprise(txt)); });
    }

    val attention(const std::string& prompt, double layer, double head) {
        return guarded([&] {
            whole_number(layer, "layer", 0);
            whole_number(head, "head", 0);
            std::vector<std::string> toks;
            const std::vector<float> w = t_->attention(prompt, static_cast<std::size_t>(std::min(layer, 1e6)),
                                                       static_cast<std::size_t>(std::min(head, 1e6)), toks);
            val o = val::object();
            o.set("tokens", array_of(toks));
            o.set("weights", typed_copy("Float32Array", w.data(), w.size()));
            return o;
        });
    }

    double weight(const std::string& tensor, double index) const {
        return guarded([&] {
            whole_number(index, "index", 0);
            return static_cast<double>(t_->weight_value(tensor, static_cast<std::size_t>(std::min(index, 1e15))));
        });
    }
    val tensors() const {
        return guarded([&] { return array_of(named_tensors(t_->model().layout(), t_->config())); });
    }
    val gradNorms() const { return guarded([&] { return array_of(t_->grad_norms()); }); }
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
        return guarded([&] { return vocab_of(t_->tokenizer()); });
    }
    val tokens(const std::string& txt) const {
        return guarded([&] { return tokens_of(t_->tokenizer(), t_->tokenizer().encode(txt)); });
    }

private:
    std::unique_ptr<Trainer> t_;
    // A chunk of a gradient term copied in from JS (applyGradientTerms): 32 K floats, 128 KB,
    // well within a core's L2.
    static constexpr std::size_t kTermChunk = 32 * 1024;
    std::vector<float> term_;
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
        o.set("vocab", vocab_of(tok));
        return o;
    });
}

val defaults() { return settings_to_js(TrainerSettings{}); }
double max_model_bytes() { return static_cast<double>(kMaxModelBytes); }

EMSCRIPTEN_BINDINGS(training_loop_lab) {
    emscripten::class_<LabTrainer>("Trainer")
        .constructor<std::string, val>()
        .constructor<val, std::string, val>()
        .function("info", &LabTrainer::info)
        .function("train", &LabTrainer::train)
        .function("gradientsFor", &LabTrainer::gradientsFor)
        .function("applyGradientTerms", &LabTrainer::applyGradientTerms)
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
