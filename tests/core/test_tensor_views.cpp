// Named xtensor views over the flat buffers: the right shapes, shared memory, and the engine's
// per-tensor gradient norms agree with xtensor's.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include <xtensor/xmath.hpp>
#include <xtensor/xview.hpp>

#include "model/tensor_views.hpp"
#include "train/trainer.hpp"

using namespace lab;

TEST(TensorViews, ShapesMemoryAndGradientNorms) {
    TrainerSettings s;
    s.n_layer = 2; s.n_head = 2; s.n_embd = 16; s.block_size = 16; s.batch_size = 4;
    s.optim.grad_clip = 0.0f;
    Trainer tr("The capital of France is Paris. The capital of Italy is Rome.", s);
    const auto tensors = named_tensors(tr.model().layout(), tr.config());
    ASSERT_EQ(tensors.size(), 2u + 12u * 2u + 2u);
    const NamedTensor& qkv = tensors[4];
    ASSERT_EQ(qkv.name, "transformer.h.0.attn.c_attn.weight");
    auto w = tensor_view(tr.model().params(), qkv);
    EXPECT_EQ(w.shape(0), 48u);
    EXPECT_EQ(w.shape(1), 16u);
    w(1, 2) = 0.25f;  // a view, not a copy
    EXPECT_EQ(tr.weight_value(qkv.name, 1 * 16 + 2), 0.25f);
    // LayerNorm weights start at 1, biases at 0 (nanoGPT init)
    EXPECT_EQ(xt::amin(tensor_view(tr.model().params(), tensors[2]))(), 1.0f);
    EXPECT_EQ(xt::amax(xt::abs(tensor_view(tr.model().params(), tensors[3])))(), 0.0f);

    tr.train_step();
    const auto norms = tr.grad_norms();
    ASSERT_EQ(norms.size(), tensors.size());
    // grad_norms() reports the gradient of the step (before clipping); with no clipping the
    // model's gradient buffer still holds it.
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        const double expected = std::sqrt(static_cast<double>(xt::sum(xt::square(tensor_view(tr.model().grads(), tensors[i])))()));
        EXPECT_NEAR(norms[i].norm, expected, 1e-5 * (1.0 + expected)) << tensors[i].name;
    }
}
