// Native benchmark of one training step (forward, backward, AdamW) for the two reference configs.
//   bench-small:  V=65, T=64,  C=64,  4 heads, 2 layers, B=16
//   bench-medium: V=65, T=128, C=128, 4 heads, 4 layers, B=8
// Reports tokens/s and GFLOP/s with FLOPs/step = B·T·(6·N + 12·L·T·C), N = L·12·C² + V·C.
#include <benchmark/benchmark.h>

#include <string>

#include "train/trainer.hpp"

namespace {

// A text with exactly 65 distinct characters (printable ASCII from ' ' to '`'), long enough to batch.
std::string text65() {
    std::string s;
    for (int rep = 0; rep < 400; ++rep)
        for (char c = ' '; c <= '`'; ++c) s += static_cast<char>(' ' + (c - ' ' + rep * 7) % 65);
    return s;
}

void run(benchmark::State& state, std::size_t T, std::size_t C, std::size_t L, std::size_t B) {
    lab::TrainerSettings s;
    s.block_size = T; s.n_embd = C; s.n_layer = L; s.n_head = 4; s.batch_size = B;
    s.optim.kind = lab::OptimizerKind::AdamW;
    s.optim.lr = 1e-3f;
    s.optim.grad_clip = 0.0f;
    s.val_fraction = 0.0f;
    lab::Trainer tr(text65(), s);
    if (tr.config().vocab_size != 65) state.SkipWithError("text does not have 65 distinct characters");
    for (int i = 0; i < 2; ++i) tr.train_step();  // warm-up
    for (auto _ : state) benchmark::DoNotOptimize(tr.train_step().loss);
    const double tokens = static_cast<double>(B * T);
    state.counters["tokens/s"] = benchmark::Counter(tokens, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["GFLOP/s"] = benchmark::Counter(tr.flops_per_step() / 1e9, benchmark::Counter::kIsIterationInvariantRate);
}

void BM_train_step_small(benchmark::State& state) { run(state, 64, 64, 2, 16); }
void BM_train_step_medium(benchmark::State& state) { run(state, 128, 128, 4, 8); }

}  // namespace

BENCHMARK(BM_train_step_small)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_train_step_medium)->Unit(benchmark::kMillisecond)->MinTime(2.0);
