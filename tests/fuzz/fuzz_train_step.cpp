// libFuzzer target: one training step of a tiny random model (under ASan + UBSan in CI). Every
// size the kernels see comes from the input — vocabulary 2..17, context 1..9 (so below, at and
// above a SIMD vector), heads 1..4 of size 1..8, 1..2 layers, batch 1..3, any optimizer — and
// the step must stay inside its buffers and give a finite loss and finite weights.
//   bytes 0..8: V, T, NH, head size, L, B, sequence length (≤ T), optimizer, seed; the rest: token ids.
// Run: ./build-fuzz/fuzz_train_step tests/fuzz/corpus/train_step
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/gpt.hpp"
#include "optim/optimizer.hpp"
#include "util/error.hpp"

namespace {
void check(bool ok) {
    if (!ok) __builtin_trap();  // a broken invariant: let the fuzzer report it
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    constexpr std::size_t kHeader = 9;
    if (size < kHeader) return 0;
    lab::GPTConfig c;
    c.vocab_size = 2 + data[0] % 16;
    c.block_size = 1 + data[1] % 9;
    c.n_head = 1 + data[2] % 4;
    c.n_embd = c.n_head * (1 + data[3] % 8);
    c.n_layer = 1 + data[4] % 2;
    const std::size_t B = 1 + data[5] % 3, T = 1 + data[6] % c.block_size;
    lab::OptimizerSettings os;
    os.kind = data[7] % 3 == 0 ? lab::OptimizerKind::Sgd
            : data[7] % 3 == 1 ? lab::OptimizerKind::Momentum : lab::OptimizerKind::AdamW;
    os.lr = 1e-3f;
    os.weight_decay = (data[7] & 4) ? 0.1f : 0.0f;

    // Token ids: the rest of the input (cycled), each taken modulo V.
    std::vector<std::int32_t> in(B * T), tg(B * T);
    const std::uint8_t* ids = data + kHeader;
    const std::size_t n_ids = size - kHeader;
    for (std::size_t i = 0; i < B * T; ++i) {
        in[i] = n_ids ? static_cast<std::int32_t>(ids[i % n_ids] % c.vocab_size) : 0;
        tg[i] = n_ids ? static_cast<std::int32_t>(ids[(i + 1) % n_ids] % c.vocab_size) : 1;
    }

    lab::GPT m(c, B);
    m.init_weights(data[8]);
    lab::Optimizer opt(m.layout(), os);
    m.zero_grad();
    const float loss = m.forward(in.data(), tg.data(), B, T);
    check(std::isfinite(loss) && loss >= 0.0f);
    m.backward();
    for (float g : m.grads()) check(std::isfinite(g));
    opt.update(m.params().data(), m.grads().data(), 1, os.lr);
    for (float p : m.params()) check(std::isfinite(p));
    // A forward without targets (sampling) at a shorter length must work on the same arena.
    m.forward(in.data(), nullptr, 1, 1 + T / 2);
    return 0;
}
