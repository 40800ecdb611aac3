// Data parallelism in the Trainer: replicas that each compute a slice of the same batch, whose
// gradients are summed in a fixed order and applied on every replica, learn like one trainer.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "train/trainer.hpp"
#include "util/error.hpp"

using namespace lab;

namespace {
TrainerSettings tiny() {
    TrainerSettings s;
    s.n_layer = 2; s.n_head = 2; s.n_embd = 16; s.block_size = 16; s.batch_size = 6;
    s.seed = 11;
    return s;
}
std::string text() {
    std::string t;
    for (int i = 0; i < 12; ++i) t += "The capital of France is Paris. The capital of Italy is Rome.\n";
    return t;
}

// N replicas, replica r taking rows [r·B/N, (r+1)·B/N); gradients summed in replica order, the
// sum applied on every replica. Returns the loss curve; fails the test if the replicas drift apart.
std::vector<float> parallel_curve(std::size_t n, std::size_t steps) {
    const TrainerSettings base = tiny();
    const std::size_t B = base.batch_size;
    std::vector<std::unique_ptr<Trainer>> reps;
    std::vector<std::size_t> first(n + 1);
    for (std::size_t r = 0; r <= n; ++r) first[r] = r * B / n;
    for (std::size_t r = 0; r < n; ++r) {
        TrainerSettings s = base;
        s.slice_rows = first[r + 1] - first[r];
        reps.push_back(std::make_unique<Trainer>(text(), s));
    }
    std::vector<float> curve, sum;
    for (std::size_t k = 0; k < steps; ++k) {
        double loss_sum = 0.0;
        for (std::size_t r = 0; r < n; ++r) {
            loss_sum += reps[r]->slice_gradients(first[r], first[r + 1] - first[r]);
            const std::vector<float>& g = reps[r]->model().grads();
            if (r == 0) sum = g;
            else for (std::size_t i = 0; i < g.size(); ++i) sum[i] += g[i];
        }
        StepStats st;
        for (std::size_t r = 0; r < n; ++r) {
            reps[r]->model().grads() = sum;
            st = reps[r]->apply_gradients(loss_sum);
            EXPECT_FALSE(st.diverged) << st.message;
        }
        curve.push_back(st.loss);
    }
    for (std::size_t r = 1; r < n; ++r) EXPECT_EQ(reps[r]->fingerprint(), reps[0]->fingerprint()) << "replica " << r;
    return curve;
}
}  // namespace

TEST(Parallel, WholeBatchSliceIsTrainStepBitForBit) {
    Trainer a(text(), tiny()), b(text(), tiny());
    for (int k = 0; k < 10; ++k) {
        const StepStats sa = a.train_step();
        const StepStats sb = b.apply_gradients(b.slice_gradients(0, tiny().batch_size));
        EXPECT_EQ(sa.loss, sb.loss) << "step " << k;
        EXPECT_EQ(sa.grad_norm, sb.grad_norm) << "step " << k;
    }
    EXPECT_EQ(a.fingerprint(), b.fingerprint());
}

TEST(Parallel, OneReplicaIsTheSingleTrainer) {
    Trainer single(text(), tiny());
    std::vector<float> ref;
    for (int k = 0; k < 20; ++k) ref.push_back(single.train_step().loss);
    EXPECT_EQ(parallel_curve(1, 20), ref);
}

TEST(Parallel, SlicesSumToTheWholeBatchWithinRounding) {
    Trainer single(text(), tiny());
    std::vector<float> ref;
    for (int k = 0; k < 50; ++k) ref.push_back(single.train_step().loss);
    for (std::size_t n : {2u, 3u, 6u}) {
        const std::vector<float> c = parallel_curve(n, 50);
        ASSERT_EQ(c.size(), ref.size());
        for (std::size_t k = 0; k < ref.size(); ++k)
            EXPECT_NEAR(c[k], ref[k], 1e-5 * std::fabs(ref[k])) << n << " replicas, step " << k;
        EXPECT_EQ(parallel_curve(n, 50), c) << n << " replicas: same seed, same curve";
    }
}

TEST(Parallel, SliceOutsideTheBatchIsRefused) {
    TrainerSettings s = tiny();
    s.slice_rows = 3;
    Trainer t(text(), s);
    EXPECT_THROW(t.slice_gradients(0, 0), Error);
    EXPECT_THROW(t.slice_gradients(5, 2), Error);  // rows 5..7 of a batch of 6
    try {
        t.slice_gradients(0, 4);
        FAIL() << "4 rows on a trainer sized for 3";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("at most 3 rows"), std::string::npos) << e.what();
    }
    s.slice_rows = 7;
    EXPECT_THROW(Trainer(text(), s), Error);
}

TEST(Parallel, ReplicaMemoryIsLinearInItsRows) {
    TrainerSettings s = tiny();
    Trainer whole(text(), s);
    s.slice_rows = 2;
    Trainer slice(text(), s);
    EXPECT_EQ(slice.slice_rows(), 2u);
    EXPECT_EQ(whole.slice_rows(), s.batch_size);
    const std::size_t per_row = whole.memory_bytes(1) - whole.memory_bytes(0);
    EXPECT_GT(per_row, 0u);
    EXPECT_EQ(whole.memory_bytes(6), whole.memory_bytes(0) + 6 * per_row);
}
