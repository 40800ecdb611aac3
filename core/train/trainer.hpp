// The Trainer: one model learning one text. It owns the tokenizer, the token streams (train /
// validation split), the GPT, the optimizer and the RNGs, and offers the coarse operations the
// lesson, the wasm module and the CLI use (a step, not a matmul).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/gpt.hpp"
#include "model/limits.hpp"
#include "model/tensor_names.hpp"
#include "optim/optimizer.hpp"
#include "sample/sampler.hpp"
#include "tokenizer/tokenizer.hpp"
#include "util/rng.hpp"

namespace lab {

struct TrainerSettings {
    std::string tokenizer = "char";  // "char" | "bpe"
    std::size_t vocab_size = 256;    // BPE target vocabulary
    std::size_t n_layer = 2, n_head = 4, n_embd = 64, block_size = 64;
    bool bias = true;                // false: no biases in LayerNorms and Linears (nanoGPT bias=False)
    std::size_t batch_size = 16;
    // The most batch rows one forward/backward pass computes (the activation memory), 0 = the whole
    // batch. A data-parallel replica that computes one slice of each batch needs only its slice.
    std::size_t slice_rows = 0;
    OptimizerSettings optim;
    std::uint64_t seed = 1337;
    float val_fraction = 0.1f;       // the last part of the text is held out for validation
};

// The unit of the memory messages ("MB"); the limit itself is kMaxModelBytes (model/limits.hpp).
inline constexpr std::size_t kBytesPerMiB = 1024u * 1024u;

// A step has diverged (it is not applied) when its loss exceeds kDivergedLossFactor·ln V +
// kDivergedLossMargin: a fresh model starts at ≈ ln V and training only lowers it, so a loss of
// three times that and more means the update blew the weights up; the margin keeps tiny
// vocabularies (ln V near 0) from tripping on ordinary noise.
inline constexpr float kDivergedLossFactor = 3.0f;
inline constexpr float kDivergedLossMargin = 5.0f;

// Windows train_loss()/val_loss() evaluate by default: a live curve on a 50 MB text must stay cheap.
inline constexpr std::size_t kEvalWindows = 64;

struct StepStats {
    std::size_t step = 0;    // steps done after this one
    float loss = 0.0f;       // loss of the batch before the update
    float lr = 0.0f;
    double grad_norm = 0.0;  // before clipping
    bool diverged = false;   // loss or gradient not finite / exploded: update skipped, weights rolled back
    std::string message;
};

struct TokenProb { std::string token; std::int32_t id; float prob; };
struct TokenLoss { std::string token; std::int32_t id; float loss; bool predicted; };
struct TensorNorm { std::string name; double norm; };
struct Pair { std::string context; std::string target; std::int32_t target_id; float prob; float surprise; };

// One weight through one real update, with every number of the optimizer's own formula, so the
// lesson can show why it moved the way it did (AdamW can move a weight against this step's
// gradient: its first moment still remembers earlier steps).
struct WeightProbe {
    std::string tensor;
    std::size_t index = 0;
    float value = 0, grad = 0, raw_grad = 0, lr = 0, update = 0, new_value = 0;  // update = new − value
    std::string optimizer;        // "sgd" | "momentum" | "adamw"
    float clip_scale = 1;         // grad = raw_grad × clip_scale (global-norm clipping)
    float weight_decay = 0;       // the decay this weight gets (only 2-D weights get any)
    float momentum = 0;           // μ (momentum); its velocity is m
    float beta1 = 0, beta2 = 0, eps = 0;
    std::size_t t = 0;            // 1-based update count of this step (AdamW's bias correction)
    float bias1 = 1, bias2 = 1;   // 1 − β1^t, 1 − β2^t
    float m_before = 0, m_after = 0, v_before = 0, v_after = 0;
};

struct InspectResult {
    StepStats stats;
    std::vector<std::int32_t> input, target;  // example 0 of the batch
    std::size_t position = 0;
    std::vector<TokenProb> distribution;      // top 10 at that position, before the update
    float target_prob = 0, position_loss = 0;
    std::vector<TensorNorm> grad_norms;       // per tensor, before clipping
    double grad_norm_total = 0;
    WeightProbe weight;
};

class Trainer {
public:
    // Bytes of the sample the BPE tokenizer learned its merges from; 0 when it saw the whole text
    // (always for char tokenizers and loaded checkpoints).
    std::size_t tokenizer_sample_bytes() const { return tokenizer_sample_bytes_; }

    // Builds the tokenizer from the text, splits it, creates and initialises the model.
    Trainer(const std::string& text, const TrainerSettings& settings);
    // Restores a checkpoint (weights, tokenizer, and optimizer state when present). `text` may be
    // empty (then the trainer can predict and generate, not train); `settings` give the training
    // settings to continue with (model shape and tokenizer come from the checkpoint).
    Trainer(const std::uint8_t* bytes, std::size_t n, const std::string& text, const TrainerSettings& settings);

    // --- training ---
    // One step: slice_gradients over the whole batch, then apply_gradients.
    StepStats train_step();
    // Data parallelism (one replica per worker, each computing a slice of the same batch):
    // the gradient of rows [row_start, row_start + row_count) of the current step's batch (which
    // depends only on seed and step), scaled for the mean over the WHOLE batch, so that the sum of
    // every slice's gradient is the whole batch's. It is left in model().grads(); returns the sum
    // of the slice's per-position losses.
    double slice_gradients(std::size_t row_start, std::size_t row_count);
    // The rest of the step on the gradient in model().grads() (the sum over all slices), given the
    // summed loss_sum of every slice: clipping, the optimizer, the divergence guard; advances the step.
    StepStats apply_gradients(double loss_sum);
    // Loss before the update of one step taken on ALL evaluation windows of `tokens` (docs/contracts.md),
    // the same batch evaluate_tokens uses. Clipping follows the settings.
    float step_on_windows(const std::vector<std::int32_t>& tokens);
    InspectResult inspect_step(std::size_t position, const std::string& tensor, std::size_t index);
    void reset(std::uint64_t seed);
    void set_optimizer(const OptimizerSettings& s);

    // --- measuring (weights unchanged) ---
    float evaluate_tokens(const std::vector<std::int32_t>& tokens);  // mean loss over the text windows (docs/contracts.md)
    // Over the first max_windows windows of the training / validation split (64: a live curve stays quick).
    float train_loss(std::size_t max_windows = kEvalWindows);
    float val_loss(std::size_t max_windows = kEvalWindows);
    bool has_val() const { return val_tokens_.size() >= 2; }
    std::vector<TokenProb> predict(const std::string& prompt, std::size_t top_k);
    std::string generate(const std::string& prompt, std::size_t n_tokens, const SamplingSettings& s, std::uint64_t seed);
    std::vector<TokenLoss> surprise(const std::string& text);
    std::vector<Pair> pairs(std::size_t n);
    // Attention probabilities [n, n] (row = query) of (layer, head) for the prompt's last ≤ T tokens.
    std::vector<float> attention(const std::string& prompt, std::size_t layer, std::size_t head,
                                 std::vector<std::string>& tokens_out);
    std::vector<TensorNorm> grad_norms() const;  // of the last step's gradient (before clipping)
    std::string fingerprint() const;             // 64-bit FNV-1a of the parameter buffer, hex
    // The current value of one weight: a nanoGPT tensor name and a flat index into it.
    float weight_value(const std::string& tensor, std::size_t index) const;

    // --- facts ---
    const GPTConfig& config() const { return model_->config(); }
    const Tokenizer& tokenizer() const { return tokenizer_; }
    const TrainerSettings& settings() const { return settings_; }
    std::size_t step() const { return step_; }
    std::size_t num_params() const { return model_->num_params(); }
    std::size_t train_token_count() const { return train_tokens_.size(); }
    std::size_t val_token_count() const { return val_tokens_.size(); }
    std::size_t seq_len() const;                 // T of training batches (≤ block_size for short texts)
    std::size_t slice_rows() const { return model_->max_batch(); }  // rows of a batch it computes
    // Memory (bytes) of this trainer's model holding activations for `rows` rows: parameters, gradients,
    // moments, the rollback copies, activations. Linear in rows.
    std::size_t memory_bytes(std::size_t rows) const;
    double flops_per_step() const { return GPT::flops_per_step(config(), settings_.batch_size, seq_len()); }
    GPT& model() { return *model_; }
    Optimizer& optimizer() { return *optim_; }

    std::vector<std::uint8_t> save_checkpoint(bool with_optimizer_state) const;

private:
    void build_model(const GPTConfig& c);
    void set_text(const std::string& text);
    std::vector<std::int32_t> encode_prompt(const std::string& prompt, bool allow_empty) const;
    // Forward of a single sequence (B = 1), cropped to the last block_size tokens.
    std::size_t forward_one(const std::vector<std::int32_t>& ids);
    // Cuts tokens into text windows (docs/contracts.md); fills batch_in_/batch_tg_ with equal-length
    // windows and calls run(B, T, total predicted tokens) for each; returns that total.
    template <typename F>
    std::size_t for_each_window_batch(const std::vector<std::int32_t>& tokens, F&& run);
    float evaluate_head(const std::vector<std::int32_t>& tokens, std::size_t max_windows);
    void fill_batch(std::size_t B, std::size_t T);  // the random batch of the current step
    bool apply_update(StepStats& st);  // clip + optimizer step with divergence guard

    TrainerSettings settings_;
    Tokenizer tokenizer_;
    std::unique_ptr<GPT> model_;
    std::unique_ptr<Optimizer> optim_;
    std::vector<std::int32_t> train_tokens_, val_tokens_;
    std::vector<std::int32_t> batch_in_, batch_tg_;
    // The weights before the last applied update (the rollback's; their moments: the optimizer's
    // previous set), valid when have_last_good_.
    std::vector<float> last_good_params_;
    bool have_last_good_ = false;
    std::vector<NamedTensor> tensors_;   // the model's tensors (nanoGPT names), in buffer order
    // Σ g² per tensor of the last applied step's gradient before clipping (grad_norms()), and of the
    // step being applied (it becomes the last one if the step is not refused).
    std::vector<double> last_sumsq_, step_sumsq_;
    std::size_t step_ = 0;
    float first_loss_ = 0.0f;
    std::size_t tokenizer_sample_bytes_ = 0;  // BPE learned from a sample of this size (0: the whole text)
};

// Throws lab::Error naming the first out-of-range value of the settings (model shape, batch,
// optimizer, tokenizer, memory estimate).
void validate(const TrainerSettings& s);

// The tokenizer the settings ask for ("char" or "bpe" with vocab_size), trained on text.
Tokenizer make_tokenizer(const std::string& text, const TrainerSettings& s);

}  // namespace lab
