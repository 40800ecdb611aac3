// The limits table (model/limits.hpp): every C++ check refuses a value just outside its row, with
// a message naming the setting and the row's range; and the table's own rows are consistent.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "model/limits.hpp"
#include "sample/sampler.hpp"
#include "train/trainer.hpp"
#include "util/error.hpp"

using namespace lab;

namespace {

// Values just outside a row: below min (or min itself when open), above max (or max itself).
// A size or count can't go below 0: then there is nothing below to try.
std::vector<double> outside(const Limit& l, bool unsigned_field) {
    const double step = l.integer ? 1.0 : (l.max - l.min) / 100.0;
    std::vector<double> v;
    const double lo = l.min_open ? l.min : l.min - step;
    if (!(unsigned_field && lo < 0)) v.push_back(lo);
    v.push_back(l.max_open ? l.max : l.max + step);
    return v;
}

std::string refusal(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(accepted)";
}

struct Row {
    const Limit* limit;
    bool unsigned_field;
    std::function<void(TrainerSettings&, double)> set;
};

const std::vector<Row>& trainer_rows() {
    using S = TrainerSettings;
    static const std::vector<Row> rows = {
        {&limits::vocab_size, true, [](S& s, double v) { s.vocab_size = static_cast<std::size_t>(v); }},
        {&limits::block_size, true, [](S& s, double v) { s.block_size = static_cast<std::size_t>(v); }},
        {&limits::n_layer, true, [](S& s, double v) { s.n_layer = static_cast<std::size_t>(v); }},
        {&limits::n_head, true, [](S& s, double v) { s.n_head = static_cast<std::size_t>(v); }},
        {&limits::n_embd, true, [](S& s, double v) { s.n_embd = static_cast<std::size_t>(v); }},
        {&limits::batch_size, true, [](S& s, double v) { s.batch_size = static_cast<std::size_t>(v); }},
        {&limits::seed, true, [](S& s, double v) { s.seed = static_cast<std::uint64_t>(v); }},
        {&limits::val_fraction, false, [](S& s, double v) { s.val_fraction = static_cast<float>(v); }},
        {&limits::lr, false, [](S& s, double v) { s.optim.lr = static_cast<float>(v); }},
        {&limits::momentum, false, [](S& s, double v) { s.optim.momentum = static_cast<float>(v); }},
        {&limits::beta1, false, [](S& s, double v) { s.optim.beta1 = static_cast<float>(v); }},
        {&limits::beta2, false, [](S& s, double v) { s.optim.beta2 = static_cast<float>(v); }},
        {&limits::eps, false, [](S& s, double v) { s.optim.eps = static_cast<float>(v); }},
        {&limits::weight_decay, false, [](S& s, double v) { s.optim.weight_decay = static_cast<float>(v); }},
        {&limits::grad_clip, false, [](S& s, double v) { s.optim.grad_clip = static_cast<float>(v); }},
        {&limits::warmup_steps, true, [](S& s, double v) { s.optim.warmup_steps = static_cast<std::size_t>(v); }},
        {&limits::max_steps, true, [](S& s, double v) { s.optim.max_steps = static_cast<std::size_t>(v); }},
        {&limits::min_lr_ratio, false, [](S& s, double v) { s.optim.min_lr_ratio = static_cast<float>(v); }},
    };
    return rows;
}

std::string expected_prefix(const Limit& l) { return std::string(l.name) + " must be " + range_text(l) + ", got "; }

}  // namespace

TEST(Limits, RowsAreConsistent) {
    std::set<std::string> keys;
    for (const Limit* l : kLimits) {
        EXPECT_LT(l->min, l->max) << l->key;
        EXPECT_TRUE(keys.insert(l->key).second) << "duplicate key " << l->key;
        if (l->integer) EXPECT_LE(l->max, 9007199254740991.0) << l->key << ": JS numbers are exact up to 2^53 − 1";
    }
    EXPECT_EQ(range_text(limits::n_layer), "between 1 and 48");
    EXPECT_EQ(range_text(limits::seed), "between 0 and 9007199254740991");
    EXPECT_EQ(range_text(limits::lr), "greater than 0 and at most 10");
    EXPECT_EQ(range_text(limits::beta1), "at least 0 and below 1");
    EXPECT_EQ(range_text(limits::weight_decay), "at least 0 and at most 10");
    EXPECT_EQ(Tokenizer::max_vocab, max_size(limits::vocab_size));
}

TEST(Limits, TrainerSettingsOutsideEveryRowAreRefusedNamingTheRange) {
    for (const Row& r : trainer_rows()) {
        for (double v : outside(*r.limit, r.unsigned_field)) {
            TrainerSettings s;
            s.tokenizer = "bpe";  // vocab_size is the BPE target: checked only then
            r.set(s, v);
            const std::string msg = refusal([&] { validate(s); });
            EXPECT_EQ(msg.rfind(expected_prefix(*r.limit), 0), 0u) << r.limit->name << " = " << v << ": " << msg;
        }
        // The bounds themselves (when closed) are accepted.
        for (double v : {r.limit->min, r.limit->max}) {
            if ((v == r.limit->min && r.limit->min_open) || (v == r.limit->max && r.limit->max_open)) continue;
            TrainerSettings s;
            r.set(s, v);
            const std::string msg = refusal([&] { validate(s); });
            // Not by its own row (another rule may still refuse it: n_embd 1 is not divisible by n_head 4).
            EXPECT_NE(msg.rfind(expected_prefix(*r.limit), 0), 0u) << r.limit->name << " = " << v << ": " << msg;
        }
    }
}

TEST(Limits, SamplingOutsideItsRowsIsRefused) {
    for (const Limit* l : {&limits::temperature, &limits::top_p}) {
        for (double v : outside(*l, false)) {
            SamplingSettings s;
            (l == &limits::temperature ? s.temperature : s.top_p) = static_cast<float>(v);
            const std::string msg = refusal([&] { validate(s); });
            EXPECT_EQ(msg.rfind(expected_prefix(*l), 0), 0u) << l->name << " = " << v << ": " << msg;
        }
    }
    SamplingSettings nan;
    nan.temperature = std::nanf("");
    EXPECT_EQ(refusal([&] { validate(nan); }).rfind(expected_prefix(limits::temperature), 0), 0u);
}

// The model's own batch check is the same row as the trainer's (it said 4096 while the trainer said 512).
TEST(Limits, ModelBatchUsesTheSameRow) {
    const GPTConfig c{8, 4, 1, 1, 4};
    const std::string msg = refusal([&] { GPT g(c, max_size(limits::batch_size) + 1); });
    EXPECT_EQ(msg, expected_prefix(limits::batch_size) + "513");
    EXPECT_NO_THROW(GPT(c, max_size(limits::batch_size)));
}
