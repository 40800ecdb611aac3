// Result conversion: the plain result structs of lab::Trainer are registered once as Embind
// value_objects, so a result is one `val(x)` instead of a hand-built object per call site; the
// field lists below are the JS shapes (names and order) the API documents.
#include "marshal.hpp"

#include "model/config.hpp"
#include "model/limits.hpp"
#include "model/tensor_names.hpp"
#include "util/error.hpp"

namespace lab::js {

void throw_error(const std::string& message) {
    val::global("Error").new_(message).throw_();
    __builtin_unreachable();
}

std::vector<std::uint8_t> bytes_from_js(const val& arr) {
    if (!arr.instanceof(val::global("Uint8Array"))) fail("checkpoint must be a Uint8Array of .safetensors bytes");
    const std::size_t n = arr["length"].as<std::size_t>();
    std::vector<std::uint8_t> out(n);
    val(emscripten::typed_memory_view(n, out.data())).call<void>("set", arr);
    return out;
}

namespace {
// A token id and its text (tokens_of).
struct TokenText {
    std::int32_t id;
    std::string text;
};
}  // namespace

val tokens_of(const Tokenizer& tok, const std::vector<std::int32_t>& ids) {
    std::vector<TokenText> v(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) v[i] = {ids[i], tok.token_text(ids[i])};
    return array_of(v);
}

val vocab_of(const Tokenizer& tok) {
    val a = val::array();
    for (std::size_t i = 0; i < tok.vocab_size(); ++i) a.set(i, tok.token_text(static_cast<std::int32_t>(i)));
    return a;
}

val diverged_of(const StepStats& st) {
    if (!st.diverged) return val::null();
    val d = val::object();
    d.set("message", st.message);
    d.set("step", st.step);
    return d;
}

namespace {
// Fields JS sees computed (null for "none", arrays). Embind's value_object wants a setter for every
// field, though results only ever travel C++ → JS: this one is never called.
template <typename T>
void no_setter(T&, val) {}

val loss_or_null(const TokenLoss& t) { return t.predicted ? val(t.loss) : val::null(); }
val shape_of(const NamedTensor& t) { return array_of(t.shape); }
std::string range_of(const Limit& l) { return range_text(l); }
}  // namespace

}  // namespace lab::js

EMSCRIPTEN_BINDINGS(training_loop_lab_results) {
    using namespace lab;
    using emscripten::value_object;
    using js::no_setter;
    value_object<js::TokenText>("TokenText").field("id", &js::TokenText::id).field("text", &js::TokenText::text);
    value_object<TokenProb>("TokenProb").field("token", &TokenProb::token).field("id", &TokenProb::id).field("prob", &TokenProb::prob);
    value_object<TokenLoss>("TokenLoss")
        .field("token", &TokenLoss::token)
        .field("id", &TokenLoss::id)
        .field("loss", &js::loss_or_null, &no_setter<TokenLoss>);
    value_object<TensorNorm>("TensorNorm").field("name", &TensorNorm::name).field("norm", &TensorNorm::norm);
    value_object<Pair>("Pair")
        .field("context", &Pair::context)
        .field("target", &Pair::target)
        .field("targetId", &Pair::target_id)
        .field("prob", &Pair::prob)
        .field("surprise", &Pair::surprise);
    value_object<StepStats>("StepStats")
        .field("step", &StepStats::step)
        .field("loss", &StepStats::loss)
        .field("lr", &StepStats::lr)
        .field("gradNorm", &StepStats::grad_norm)
        .field("diverged", &js::diverged_of, &no_setter<StepStats>);
    value_object<NamedTensor>("NamedTensor")
        .field("name", &NamedTensor::name)
        .field("shape", &js::shape_of, &no_setter<NamedTensor>)
        .field("size", &NamedTensor::size);
    // info().config: the checkpoint's config keys (nanoGPT's names).
    value_object<GPTConfig>("GPTConfig")
        .field("vocab_size", &GPTConfig::vocab_size)
        .field("block_size", &GPTConfig::block_size)
        .field("n_layer", &GPTConfig::n_layer)
        .field("n_head", &GPTConfig::n_head)
        .field("n_embd", &GPTConfig::n_embd)
        .field("bias", &GPTConfig::bias);
    // One row of engine.limits().
    value_object<Limit>("Limit")
        .field("min", &Limit::min)
        .field("max", &Limit::max)
        .field("integer", &Limit::integer)
        .field("minOpen", &Limit::min_open)
        .field("maxOpen", &Limit::max_open)
        .field("range", &js::range_of, &no_setter<Limit>);
    value_object<WeightProbe>("WeightProbe")
        .field("tensor", &WeightProbe::tensor)
        .field("index", &WeightProbe::index)
        .field("value", &WeightProbe::value)
        .field("grad", &WeightProbe::grad)
        .field("rawGrad", &WeightProbe::raw_grad)
        .field("lr", &WeightProbe::lr)
        .field("update", &WeightProbe::update)
        .field("newValue", &WeightProbe::new_value)
        .field("optimizer", &WeightProbe::optimizer)
        .field("clipScale", &WeightProbe::clip_scale)
        .field("weightDecay", &WeightProbe::weight_decay)
        .field("momentum", &WeightProbe::momentum)
        .field("beta1", &WeightProbe::beta1)
        .field("beta2", &WeightProbe::beta2)
        .field("eps", &WeightProbe::eps)
        .field("t", &WeightProbe::t)
        .field("bias1", &WeightProbe::bias1)
        .field("bias2", &WeightProbe::bias2)
        .field("mBefore", &WeightProbe::m_before)
        .field("mAfter", &WeightProbe::m_after)
        .field("vBefore", &WeightProbe::v_before)
        .field("vAfter", &WeightProbe::v_after);
}
