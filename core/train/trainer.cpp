// Trainer: construction, the training step with its divergence guard, evaluation, checkpoints.
// The read-only lesson views (predict, generate, surprise, attention, pairs) are in inspect.cpp.
#include "train/trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "data/windows.hpp"
#include "kernels/vector_ops.hpp"
#include "model/checkpoint.hpp"
#include "model/tensor_names.hpp"
#include "tokenizer/bpe_sample.hpp"
#include "util/error.hpp"

namespace lab {

namespace {
constexpr std::uint64_t kDataSeedSalt = 0x5eed0da7a5a17ULL;  // data order independent of init stream

GPTConfig config_of(const TrainerSettings& s, std::size_t vocab) {
    GPTConfig c;
    c.vocab_size = vocab;
    c.block_size = s.block_size;
    c.n_layer = s.n_layer;
    c.n_head = s.n_head;
    c.n_embd = s.n_embd;
    c.bias = s.bias;
    return c;
}

// Rows of a batch the model holds activations for: the slice, or the whole batch.
std::size_t slice_rows_of(const TrainerSettings& s) { return s.slice_rows ? s.slice_rows : s.batch_size; }

// A slice of the batch is computed in passes of at most this many tokens (whole rows, at least
// one, as equal in size as whole rows allow): each pass runs forward and backward over its rows,
// adding into the parameter gradients. One pass over a whole batch of 1024 tokens touches ~16 MB
// of activations, and every layer reads what the one before it wrote from beyond the cache; a
// pass of 256 keeps a small model's layer within a core's L2. Measured on a 2-core Xeon (node 20,
// wasm; README "Speed"): bench-small (T 64, C 64, B 16) 7 % faster per step; nanoGPT's CPU config
// and bench-medium (C 128) unchanged, a row of theirs is already 1–2.4 MB per layer; smaller
// passes cost them (each reads every weight again). Packing each weight once per step instead of
// once per pass was 1–3 % slower: the packed copies then come from memory, not from cache.
// Passes change no bit of the losses or of the gradients but one: every kernel computes a row the
// same way alone or in a batch and adds each gradient in row order; only the tied token
// embedding's two parts (from the logits and from the lookup) are added pass by pass.
// inspect_step runs the same passes.
constexpr std::size_t kTokensPerPass = 256;

void check_memory(const GPTConfig& c, std::size_t batch) {
    const double bytes = 4.0 * static_cast<double>(GPT::estimate_floats(c, batch));
    if (bytes > static_cast<double>(kMaxModelBytes))
        fail("this model would need about ", static_cast<long long>(bytes / static_cast<double>(kBytesPerMiB)), " MB of memory; the limit is ",
             kMaxModelBytes / kBytesPerMiB, " MB: use fewer layers, a smaller width, context or batch");
}
}  // namespace

Tokenizer make_tokenizer(const std::string& text, const TrainerSettings& s) {
    if (s.tokenizer != "bpe") return Tokenizer::train_char(text);
    return bpe_sample_bytes(text.size()) ? Tokenizer::train_bpe(bpe_sample(text), s.vocab_size) : Tokenizer::train_bpe(text, s.vocab_size);
}

void validate(const TrainerSettings& s) {
    if (s.tokenizer != "char" && s.tokenizer != "bpe")
        fail("tokenizer must be char or bpe; got \"", s.tokenizer, "\"");
    if (s.tokenizer == "bpe") check(limits::vocab_size, static_cast<double>(s.vocab_size));
    check(limits::batch_size, static_cast<double>(s.batch_size));
    check(limits::slice_rows, static_cast<double>(s.slice_rows));
    if (s.slice_rows > s.batch_size)
        fail("slice_rows must be between 0 (the whole batch) and batch_size ", s.batch_size, ", got ", s.slice_rows);
    check(limits::seed, static_cast<double>(s.seed));
    check(limits::val_fraction, s.val_fraction);
    validate(config_of(s, 2));  // shape checks that don't depend on the vocabulary
    validate(s.optim);
}

Trainer::Trainer(const std::string& text, const TrainerSettings& settings) : settings_(settings) {
    validate(settings_);
    tokenizer_ = make_tokenizer(text, settings_);
    tokenizer_sample_bytes_ = settings_.tokenizer == "bpe" ? bpe_sample_bytes(text.size()) : 0;
    if (tokenizer_.vocab_size() < 2)
        fail("the text has only ", tokenizer_.vocab_size(), " distinct character; a language model needs at least 2");
    const GPTConfig c = config_of(settings_, tokenizer_.vocab_size());
    check_memory(c, slice_rows_of(settings_));
    set_text(text);
    build_model(c);
    reset(settings_.seed);
}

Trainer::Trainer(const std::uint8_t* bytes, std::size_t n, const std::string& text, const TrainerSettings& settings)
    : settings_(settings) {
    Checkpoint ck = checkpoint_read(bytes, n);
    tokenizer_ = Tokenizer::from_json(ck.tokenizer_json);
    if (tokenizer_.vocab_size() != ck.config.vocab_size)
        fail("checkpoint tokenizer has ", tokenizer_.vocab_size(), " tokens but the model's vocab_size is ", ck.config.vocab_size);
    settings_.tokenizer = tokenizer_.type();
    settings_.vocab_size = tokenizer_.vocab_size();
    settings_.n_layer = ck.config.n_layer;
    settings_.n_head = ck.config.n_head;
    settings_.n_embd = ck.config.n_embd;
    settings_.block_size = ck.config.block_size;
    settings_.bias = ck.config.bias;
    validate(settings_);
    check_memory(ck.config, slice_rows_of(settings_));
    if (!text.empty()) set_text(text);
    build_model(ck.config);
    reset(settings_.seed);
    model_->params() = std::move(ck.params);
    if (ck.has_moments) {
        optim_->m() = std::move(ck.m);
        optim_->v() = std::move(ck.v);
    }
    auto seed_it = ck.training.find("seed");
    if (seed_it != ck.training.end()) {
        char* end = nullptr;
        const unsigned long long s = std::strtoull(seed_it->second.c_str(), &end, 10);
        if (end && *end == '\0') settings_.seed = s;
    }
    auto it = ck.training.find("step");
    if (it != ck.training.end()) {
        char* end = nullptr;
        const unsigned long long s = std::strtoull(it->second.c_str(), &end, 10);
        if (end && *end == '\0' && s < 1000000000ULL) step_ = static_cast<std::size_t>(s);
    }
}

void Trainer::build_model(const GPTConfig& c) {
    model_ = std::make_unique<GPT>(c, slice_rows_of(settings_));
    optim_ = std::make_unique<Optimizer>(model_->layout(), settings_.optim);
    tensors_ = named_tensors(model_->layout(), c);
    batch_in_.assign(settings_.batch_size * c.block_size, 0);
    batch_tg_.assign(settings_.batch_size * c.block_size, 0);
}

void Trainer::set_text(const std::string& text) {
    std::vector<std::int32_t> ids = tokenizer_.encode(text);
    if (ids.size() < 2) fail("the text is too short: it has ", ids.size(), " token; at least 2 are needed");
    std::size_t n_val = 0;
    if (ids.size() >= 20 && settings_.val_fraction > 0.0f)
        n_val = std::max<std::size_t>(2, static_cast<std::size_t>(static_cast<double>(ids.size()) * settings_.val_fraction));
    // The ids become the training split in place (no second copy of a book's tokens: wasm memory
    // never shrinks, so the peak during this is what a 50 MB text costs for good).
    val_tokens_.assign(ids.end() - static_cast<std::ptrdiff_t>(n_val), ids.end());
    ids.resize(ids.size() - n_val);
    train_tokens_ = std::move(ids);
}

std::size_t Trainer::seq_len() const {
    if (train_tokens_.size() < 2) return config().block_size;
    return std::min(config().block_size, train_tokens_.size() - 1);
}

void Trainer::reset(std::uint64_t seed) {
    settings_.seed = seed;
    model_->init_weights(seed);
    model_->zero_grad();
    optim_->reset_state();
    step_ = 0;
    first_loss_ = 0.0f;
    last_good_params_.clear();
    have_last_good_ = false;
    last_sumsq_.clear();
}

void Trainer::set_optimizer(const OptimizerSettings& s) {
    optim_->set_settings(s);
    settings_.optim = s;
}

bool Trainer::apply_update(StepStats& st) {
    const std::size_t V = config().vocab_size;
    const float explode = kDivergedLossFactor * std::log(static_cast<float>(V)) + kDivergedLossMargin;
    if (!std::isfinite(st.loss) || st.loss > explode) {
        st.diverged = true;
        if (have_last_good_) {  // weights of the last step whose loss was fine
            model_->params() = last_good_params_;
            optim_->restore_previous();
            if (step_ > 0) --step_;
        }
        st.message = cat("training diverged at step ", step_ + 1, ": the loss became ",
                         std::isfinite(st.loss) ? cat("too large (", st.loss, ")") : std::string("not a number"),
                         " with learning rate ", st.lr, "; the weights of the last good step were kept. Try a smaller learning rate.");
        st.step = step_;
        return false;
    }
    // The global norm from per-tensor sums of squares (one pass): grad_norms() shows them, so the
    // gradient itself need not be kept once the optimizer has clipped it.
    const std::vector<float>& g = model_->grads();
    step_sumsq_.resize(tensors_.size());
    double total = 0.0;
    for (std::size_t k = 0; k < tensors_.size(); ++k) {
        step_sumsq_[k] = f32_sum_squares(g.data() + tensors_[k].offset, tensors_[k].size);
        total += step_sumsq_[k];
    }
    st.grad_norm = std::sqrt(total);
    if (!std::isfinite(st.grad_norm)) {
        st.diverged = true;
        st.message = cat("training diverged at step ", step_ + 1, ": the gradient is not finite with learning rate ", st.lr,
                         "; the update was skipped. Try a smaller learning rate.");
        st.step = step_;
        return false;
    }
    // These weights produced a finite loss: keep them in case the update breaks the model. The
    // update writes the new weights (and moments) to the spare buffers, which then swap in: the
    // buffers before the update are the last good ones, with no copy per step.
    last_sumsq_.swap(step_sumsq_);
    if (step_ == 0) first_loss_ = st.loss;
    std::vector<float>& params = model_->params();
    last_good_params_.resize(params.size());
    optim_->update_keeping_previous(last_good_params_.data(), params.data(), model_->grads().data(), step_ + 1,
                                    st.lr, st.grad_norm);
    params.swap(last_good_params_);
    have_last_good_ = true;
    ++step_;
    st.step = step_;
    return true;
}

void Trainer::fill_batch(std::size_t B, std::size_t T) {
    // The batch of step k depends only on (seed, k): a resumed checkpoint continues identically.
    Rng rng(settings_.seed ^ kDataSeedSalt ^ (static_cast<std::uint64_t>(step_) * 0x9e3779b97f4a7c15ULL));
    random_batch(batch_in_.data(), batch_tg_.data(), train_tokens_, B, T, rng);
}

StepStats Trainer::train_step() { return apply_gradients(slice_gradients(0, settings_.batch_size)); }

double Trainer::slice_gradients(std::size_t row_start, std::size_t row_count) {
    if (train_tokens_.size() < 2) fail("this model has no training text: load or paste a text to train on");
    const std::size_t B = settings_.batch_size, T = seq_len();
    if (row_count < 1 || row_start >= B || row_count > B - row_start)
        fail("a slice of the batch must lie within its ", B, " rows, got rows ", row_start, " to ", row_start + row_count);
    if (row_count > model_->max_batch())
        fail("this trainer computes at most ", model_->max_batch(), " rows of a batch (slice_rows), got ", row_count);
    fill_batch(B, T);  // the whole batch, so that every slice is cut from the same one
    model_->zero_grad();
    // The loss sum in the order forward() sums for its mean: one slice of the whole batch gives
    // exactly forward()'s mean back in apply_gradients.
    double loss_sum = 0.0;
    // As few passes as kTokensPerPass allows, as equal as whole rows allow: 6 rows of 64 tokens go
    // as 3 + 3, not 4 + 2 (a short pass runs its GEMMs at a worse shape).
    const std::size_t most = std::max<std::size_t>(1, kTokensPerPass / T);
    const std::size_t passes = (row_count + most - 1) / most;
    for (std::size_t p = 0; p < passes; ++p) {
        const std::size_t r0 = row_start + p * row_count / passes;
        const std::size_t n = row_start + (p + 1) * row_count / passes - r0;
        model_->forward(batch_in_.data() + r0 * T, batch_tg_.data() + r0 * T, n, T);
        const float* losses = model_->losses();
        for (std::size_t i = 0; i < n * T; ++i) loss_sum += losses[i];
        if (std::isfinite(loss_sum)) model_->backward(1.0f / static_cast<float>(B * T));  // of the whole batch's mean
    }
    if (!std::isfinite(loss_sum)) model_->zero_grad();  // a step that is not applied has no gradient
    return loss_sum;
}

StepStats Trainer::apply_gradients(double loss_sum) {
    if (train_tokens_.size() < 2) fail("this model has no training text: load or paste a text to train on");
    StepStats st;
    st.lr = learning_rate_at(settings_.optim, step_);
    st.loss = static_cast<float>(loss_sum / static_cast<double>(settings_.batch_size * seq_len()));
    apply_update(st);
    return st;
}

std::size_t Trainer::memory_bytes(std::size_t rows) const {
    const std::size_t n = model_->num_params();
    // estimate_floats counts params, grads, two moments and the activations; the rollback keeps
    // three more copies (params, moments).
    return sizeof(float) * (GPT::estimate_floats(config(), rows) + 3 * n) +
           2 * sizeof(std::int32_t) * settings_.batch_size * config().block_size;
}

template <typename F>
std::size_t Trainer::for_each_window_batch(const std::vector<std::int32_t>& tokens, F&& run) {
    const std::vector<Window> windows = text_windows(tokens.size(), config().block_size);
    if (windows.empty()) fail("the text is too short: it has ", tokens.size(), " token; at least 2 are needed");
    std::size_t total = 0;
    for (const Window& w : windows) total += w.length - 1;
    const std::size_t maxB = model_->max_batch();
    for (std::size_t i = 0; i < windows.size();) {
        // Windows of equal length go in one batch: all full ones, then the short last one.
        const std::size_t T = windows[i].length - 1;
        std::size_t B = 0;
        while (i + B < windows.size() && B < maxB && windows[i + B].length - 1 == T) ++B;
        for (std::size_t b = 0; b < B; ++b)
            for (std::size_t t = 0; t < T; ++t) {
                batch_in_[b * T + t] = tokens[windows[i + b].begin + t];
                batch_tg_[b * T + t] = tokens[windows[i + b].begin + t + 1];
            }
        run(B, T, total);
        i += B;
    }
    return total;
}

float Trainer::step_on_windows(const std::vector<std::int32_t>& tokens) {
    model_->zero_grad();
    double loss_sum = 0.0;
    const std::size_t total = for_each_window_batch(tokens, [&](std::size_t B, std::size_t T, std::size_t all) {
        loss_sum += static_cast<double>(model_->forward(batch_in_.data(), batch_tg_.data(), B, T)) * static_cast<double>(B * T);
        model_->backward(1.0f / static_cast<float>(all));  // gradient of the mean over every window
    });
    StepStats st;
    st.loss = static_cast<float>(loss_sum / static_cast<double>(total));
    st.lr = learning_rate_at(settings_.optim, step_);
    if (!apply_update(st)) fail(st.message);
    return st.loss;
}

float Trainer::evaluate_tokens(const std::vector<std::int32_t>& tokens) {
    double loss_sum = 0.0;
    const std::size_t total = for_each_window_batch(tokens, [&](std::size_t B, std::size_t T, std::size_t) {
        model_->forward(batch_in_.data(), batch_tg_.data(), B, T);
        const float* losses = model_->losses();
        for (std::size_t k = 0; k < B * T; ++k) loss_sum += losses[k];
    });
    return static_cast<float>(loss_sum / static_cast<double>(total));
}

float Trainer::evaluate_head(const std::vector<std::int32_t>& tokens, std::size_t max_windows) {
    if (max_windows < 1) fail("the number of evaluation windows must be at least 1, got ", max_windows);
    const std::size_t limit = std::min(max_windows, tokens.size()) * config().block_size + 1;
    if (tokens.size() <= limit) return evaluate_tokens(tokens);
    return evaluate_tokens(std::vector<std::int32_t>(tokens.begin(), tokens.begin() + static_cast<std::ptrdiff_t>(limit)));
}

float Trainer::train_loss(std::size_t max_windows) {
    if (train_tokens_.size() < 2) fail("this model has no training text");
    return evaluate_head(train_tokens_, max_windows);
}

float Trainer::val_loss(std::size_t max_windows) {
    if (!has_val()) fail("there is no validation text (the text is too short, or val_fraction is 0)");
    return evaluate_head(val_tokens_, max_windows);
}

std::vector<TensorNorm> Trainer::grad_norms() const {
    std::vector<TensorNorm> out;
    for (std::size_t k = 0; k < tensors_.size(); ++k)
        out.push_back({tensors_[k].name, last_sumsq_.empty() ? 0.0 : std::sqrt(last_sumsq_[k])});
    return out;
}

float Trainer::weight_value(const std::string& tensor, std::size_t index) const {
    for (const NamedTensor& t : named_tensors(model_->layout(), config())) {
        if (t.name != tensor) continue;
        if (index >= t.size) fail("index must be between 0 and ", t.size - 1, " for ", t.name, ", got ", index);
        return model_->params()[t.offset + index];
    }
    fail("unknown tensor \"", tensor, "\": use a nanoGPT name such as transformer.h.0.attn.c_attn.weight");
}

std::string Trainer::fingerprint() const {
    // FNV-1a's 64-bit prime, multiplied in after each byte. The start value is one digit short of
    // FNV's offset basis (14695981039346656037); it is kept so fingerprints stay the ones printed
    // before (any fixed start separates buffers alike).
    constexpr std::uint64_t kFnvPrime = 1099511628211ULL, kFingerprintStart = 1469598103934665603ULL;
    std::uint64_t h = kFingerprintStart;
    const auto* p = reinterpret_cast<const unsigned char*>(model_->params().data());
    const std::size_t n = model_->params().size() * sizeof(float);
    for (std::size_t i = 0; i < n; ++i) {
        h ^= p[i];
        h *= kFnvPrime;
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

std::vector<std::uint8_t> Trainer::save_checkpoint(bool with_optimizer_state) const {
    Checkpoint ck;
    ck.config = config();
    ck.tokenizer_json = tokenizer_.to_json();
    ck.params = model_->params();
    ck.training["step"] = std::to_string(step_);
    ck.training["seed"] = std::to_string(settings_.seed);
    ck.training["optimizer"] = optimizer_name(settings_.optim.kind);
    ck.training["lr"] = std::to_string(settings_.optim.lr);
    if (with_optimizer_state) {
        ck.has_moments = true;
        ck.m = optim_->m();
        ck.v = optim_->v();
    }
    return checkpoint_write(ck);
}

}  // namespace lab
