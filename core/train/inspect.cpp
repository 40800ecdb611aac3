// The lesson's views of the real model: next-token distribution, generation, per-token surprise,
// input→target pairs, attention maps, and one training step taken phase by phase. Everything
// here except inspect_step leaves the weights untouched (the fingerprint proves it).
#include <algorithm>
#include <cmath>

#include "model/tensor_names.hpp"
#include "train/trainer.hpp"
#include "util/error.hpp"

namespace lab {

namespace {
std::vector<TokenProb> top_of(const float* probs, std::size_t V, std::size_t k, const Tokenizer& tok) {
    std::vector<std::int32_t> ids(V);
    for (std::size_t i = 0; i < V; ++i) ids[i] = static_cast<std::int32_t>(i);
    k = std::min(k, V);
    std::partial_sort(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(k), ids.end(),
                      [&](std::int32_t a, std::int32_t b) { return probs[a] != probs[b] ? probs[a] > probs[b] : a < b; });
    std::vector<TokenProb> out;
    for (std::size_t i = 0; i < k; ++i) out.push_back({tok.token_text(ids[i]), ids[i], probs[ids[i]]});
    return out;
}
}  // namespace

std::vector<std::int32_t> Trainer::encode_prompt(const std::string& prompt, bool allow_empty) const {
    std::vector<std::int32_t> ids = tokenizer_.encode(prompt);
    if (ids.empty()) {
        if (!allow_empty) fail("the prompt is empty: type at least one character");
        // Start from a newline when the vocabulary has one (texts start lines), else token 0.
        std::int32_t start = 0;
        for (std::size_t i = 0; i < tokenizer_.vocab_size(); ++i)
            if (tokenizer_.token_text(static_cast<std::int32_t>(i)) == "\n") start = static_cast<std::int32_t>(i);
        ids.push_back(start);
    }
    return ids;
}

std::size_t Trainer::forward_one(const std::vector<std::int32_t>& ids) {
    const std::size_t T = std::min(ids.size(), config().block_size);
    model_->forward(ids.data() + (ids.size() - T), nullptr, 1, T);
    return T;
}

std::vector<TokenProb> Trainer::predict(const std::string& prompt, std::size_t top_k) {
    if (top_k < 1) fail("top-k must be at least 1, got ", top_k);
    const std::vector<std::int32_t> ids = encode_prompt(prompt, false);
    const std::size_t T = forward_one(ids);
    const std::size_t V = config().vocab_size;
    return top_of(model_->probs() + (T - 1) * V, V, top_k, tokenizer_);
}

std::string Trainer::generate(const std::string& prompt, std::size_t n_tokens, const SamplingSettings& s,
                              std::uint64_t seed) {
    if (n_tokens > 10000) fail("number of tokens to generate must be at most 10000, got ", n_tokens);
    if (!s.greedy) validate(s);
    std::vector<std::int32_t> ids = encode_prompt(prompt, true);
    const std::size_t prompt_len = ids.size();  // the continuation starts after these
    Rng rng(seed);
    const std::size_t V = config().vocab_size;
    for (std::size_t i = 0; i < n_tokens; ++i) {
        const std::size_t T = forward_one(ids);
        ids.push_back(sample_token(model_->probs() + (T - 1) * V, V, s, rng));
    }
    return tokenizer_.decode(std::vector<std::int32_t>(ids.begin() + static_cast<std::ptrdiff_t>(prompt_len), ids.end()));
}

std::vector<TokenLoss> Trainer::surprise(const std::string& text) {
    const std::vector<std::int32_t> ids = tokenizer_.encode(text);
    if (ids.empty()) fail("the text is empty: type at least two characters");
    std::vector<TokenLoss> out;
    out.push_back({tokenizer_.token_text(ids[0]), ids[0], 0.0f, false});
    const std::size_t T = config().block_size;
    // Text windows (docs/contracts.md): every token after the first is predicted exactly once.
    for (std::size_t begin = 0; begin + 1 < ids.size(); begin += T) {
        const std::size_t n = std::min(T, ids.size() - 1 - begin);
        model_->forward(ids.data() + begin, ids.data() + begin + 1, 1, n);
        for (std::size_t t = 0; t < n; ++t) {
            const std::int32_t id = ids[begin + t + 1];
            out.push_back({tokenizer_.token_text(id), id, model_->losses()[t], true});
        }
    }
    return out;
}

std::vector<Pair> Trainer::pairs(std::size_t n) {
    if (train_tokens_.size() < 2) fail("this model has no training text");
    n = std::min({n, train_tokens_.size() - 1, config().block_size});
    std::vector<Pair> out;
    if (n == 0) return out;
    model_->forward(train_tokens_.data(), train_tokens_.data() + 1, 1, n);
    const std::size_t V = config().vocab_size;
    for (std::size_t t = 0; t < n; ++t) {
        std::vector<std::int32_t> ctx(train_tokens_.begin(), train_tokens_.begin() + static_cast<std::ptrdiff_t>(t + 1));
        const std::int32_t target = train_tokens_[t + 1];
        const float p = model_->probs()[t * V + static_cast<std::size_t>(target)];
        out.push_back({tokenizer_.decode(ctx), tokenizer_.token_text(target), target, p, model_->losses()[t]});
    }
    return out;
}

std::vector<float> Trainer::attention(const std::string& prompt, std::size_t layer, std::size_t head,
                                      std::vector<std::string>& tokens_out) {
    if (layer >= config().n_layer) fail("layer must be between 0 and ", config().n_layer - 1, ", got ", layer);
    if (head >= config().n_head) fail("head must be between 0 and ", config().n_head - 1, ", got ", head);
    const std::vector<std::int32_t> ids = encode_prompt(prompt, false);
    const std::size_t T = forward_one(ids);
    tokens_out.clear();
    for (std::size_t t = ids.size() - T; t < ids.size(); ++t) tokens_out.push_back(tokenizer_.token_text(ids[t]));
    const float* att = model_->attention(layer) + head * T * T;  // B = 1
    return std::vector<float>(att, att + T * T);
}

InspectResult Trainer::inspect_step(std::size_t position, const std::string& tensor, std::size_t index) {
    if (train_tokens_.size() < 2) fail("this model has no training text: load or paste a text to train on");
    const std::size_t T = seq_len(), V = config().vocab_size;
    if (position >= T) fail("position must be between 0 and ", T - 1, ", got ", position);
    const std::vector<NamedTensor> tensors = named_tensors(model_->layout(), config());
    InspectResult r;
    r.position = position;

    // Phases 1–3 — predict, loss (the mean surprise over the batch), backprop: exactly what
    // train_step computes now (the same batch, in the same passes).
    const std::size_t B = settings_.batch_size;
    StepStats st;
    st.lr = learning_rate_at(settings_.optim, step_);
    st.loss = static_cast<float>(slice_gradients(0, B) / static_cast<double>(B * T));
    r.input.assign(batch_in_.begin(), batch_in_.begin() + static_cast<std::ptrdiff_t>(T));
    r.target.assign(batch_tg_.begin(), batch_tg_.begin() + static_cast<std::ptrdiff_t>(T));
    // Example 0 at `position` (its forward again: a row's outputs are the same alone or in a batch).
    model_->forward(batch_in_.data(), batch_tg_.data(), 1, T);
    const float* probs = model_->probs() + position * V;
    r.distribution = top_of(probs, V, 10, tokenizer_);
    r.target_prob = probs[r.target[position]];
    r.position_loss = model_->losses()[position];
    double total_sq = 0.0;
    for (const NamedTensor& t : tensors) {
        double sq = 0.0;
        for (std::size_t i = 0; i < t.size; ++i) sq += static_cast<double>(model_->grads()[t.offset + i]) * model_->grads()[t.offset + i];
        r.grad_norms.push_back({t.name, std::sqrt(sq)});
        total_sq += sq;
    }
    r.grad_norm_total = std::sqrt(total_sq);

    // The probed weight (default: the embedding of the target token, which surely gets a gradient).
    const std::string want = tensor.empty() ? "transformer.wte.weight" : tensor;
    const NamedTensor* chosen = nullptr;
    for (const NamedTensor& t : tensors) if (t.name == want) chosen = &t;
    if (!chosen) fail("unknown tensor \"", want, "\": use a nanoGPT name such as transformer.h.0.attn.c_attn.weight");
    std::size_t idx = index;
    if (tensor.empty()) idx = static_cast<std::size_t>(r.target[position]) * config().n_embd;
    if (idx >= chosen->size) fail("index must be between 0 and ", chosen->size - 1, " for ", chosen->name, ", got ", idx);
    const std::size_t at = chosen->offset + idx;
    r.weight.tensor = chosen->name;
    r.weight.index = idx;
    r.weight.value = model_->params()[at];
    r.weight.raw_grad = model_->grads()[at];
    const float clip = settings_.optim.grad_clip;
    const float scale = (clip > 0.0f && r.grad_norm_total > clip) ? static_cast<float>(clip / r.grad_norm_total) : 1.0f;
    r.weight.grad = r.weight.raw_grad * scale;
    r.weight.lr = st.lr;
    const OptimizerSettings& os = optim_->settings();
    WeightProbe& w = r.weight;
    w.optimizer = optimizer_name(os.kind);
    w.clip_scale = scale;
    for (const ParamSlot& slot : model_->layout().slots)
        if (at >= slot.offset && at < slot.offset + slot.size) w.weight_decay = slot.is_matrix ? os.weight_decay : 0.0f;
    w.momentum = os.momentum;
    w.beta1 = os.beta1;
    w.beta2 = os.beta2;
    w.eps = os.eps;
    w.t = step_ + 1;
    w.bias1 = bias_correction(os.beta1, w.t);
    w.bias2 = bias_correction(os.beta2, w.t);
    w.m_before = optim_->m()[at];
    w.v_before = optim_->v()[at];

    // Phase 4 — update.
    apply_update(st);
    r.stats = st;
    w.new_value = model_->params()[at];
    w.update = w.new_value - w.value;
    w.m_after = optim_->m()[at];
    w.v_after = optim_->v()[at];
    return r;
}

}  // namespace lab
