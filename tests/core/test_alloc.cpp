// "Zero allocation per step": after warm-up, a training step allocates nothing on the heap
// (activations live in the arena, kernel scratch only grows, the rollback copies reuse their
// buffers). Counted by replacing the global operator new in this test program.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "train/trainer.hpp"

namespace {
std::atomic<std::size_t> g_allocations{0};
}

void* operator new(std::size_t n) {
    g_allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

TEST(Alloc, TrainingStepAllocatesNothingAfterWarmUp) {
    lab::TrainerSettings s;
    s.n_layer = 2; s.n_head = 4; s.n_embd = 32; s.block_size = 32; s.batch_size = 8;
    std::string text;
    for (int i = 0; i < 20; ++i) text += "The capital of France is Paris. The capital of Italy is Rome.\n";
    lab::Trainer tr(text, s);
    for (int i = 0; i < 3; ++i) tr.train_step();
    const std::size_t before = g_allocations.load();
    for (int i = 0; i < 10; ++i) tr.train_step();
    EXPECT_EQ(g_allocations.load(), before) << "heap allocations during 10 training steps";
}

TEST(Alloc, ReplicaSliceStepAllocatesNothingAfterWarmUp) {
    lab::TrainerSettings s;
    s.n_layer = 2; s.n_head = 4; s.n_embd = 32; s.block_size = 32; s.batch_size = 8; s.slice_rows = 4;
    std::string text;
    for (int i = 0; i < 20; ++i) text += "The capital of France is Paris. The capital of Italy is Rome.\n";
    lab::Trainer tr(text, s);
    auto step = [&] { tr.apply_gradients(tr.slice_gradients(4, 4)); };
    for (int i = 0; i < 3; ++i) step();
    const std::size_t before = g_allocations.load();
    for (int i = 0; i < 10; ++i) step();
    EXPECT_EQ(g_allocations.load(), before) << "heap allocations during 10 slice steps";
}
