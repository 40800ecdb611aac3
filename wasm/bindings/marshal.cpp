// Result conversion: each plain result struct of lab::Trainer becomes a JS object in one place
// (to_js), so the bound methods only say which result they return.
// Hand-built objects, not Embind value_objects: measured on this engine, value_object adds its JS
// runtime (~0.5 KB gzip'd) plus ~0.2 KB of wasm per struct (constructor, destructor, copy, field
// accessors), which the engine's 150 KiB gzip budget has no room for, and it saves no lines here
// (several fields are computed: null for "none", arrays).
#include "marshal.hpp"

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

val tokens_of(const Tokenizer& tok, const std::vector<std::int32_t>& ids) {
    val a = val::array();
    for (std::size_t i = 0; i < ids.size(); ++i) {
        val o = val::object();
        o.set("id", ids[i]);
        o.set("text", tok.token_text(ids[i]));
        a.set(i, o);
    }
    return a;
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

val to_js(const TokenProb& p) {
    val o = val::object();
    o.set("token", p.token);
    o.set("id", p.id);
    o.set("prob", p.prob);
    return o;
}

val to_js(const TokenLoss& t) {
    val o = val::object();
    o.set("token", t.token);
    o.set("id", t.id);
    o.set("loss", t.predicted ? val(t.loss) : val::null());
    return o;
}

val to_js(const TensorNorm& t) {
    val o = val::object();
    o.set("name", t.name);
    o.set("norm", t.norm);
    return o;
}

val to_js(const Pair& p) {
    val o = val::object();
    o.set("context", p.context);
    o.set("target", p.target);
    o.set("targetId", p.target_id);
    o.set("prob", p.prob);
    o.set("surprise", p.surprise);
    return o;
}

val to_js(const StepStats& st) {
    val o = val::object();
    o.set("step", st.step);
    o.set("loss", st.loss);
    o.set("lr", st.lr);
    o.set("gradNorm", st.grad_norm);
    o.set("diverged", diverged_of(st));
    return o;
}

val to_js(const NamedTensor& t) {
    val o = val::object();
    o.set("name", t.name);
    o.set("shape", array_of(t.shape));
    o.set("size", t.size);
    return o;
}

val to_js(const GPTConfig& c) {
    val o = val::object();
    o.set("vocab_size", c.vocab_size);
    o.set("block_size", c.block_size);
    o.set("n_layer", c.n_layer);
    o.set("n_head", c.n_head);
    o.set("n_embd", c.n_embd);
    o.set("bias", c.bias);
    return o;
}

val to_js(const Limit& l) {
    val o = val::object();
    o.set("min", l.min);
    o.set("max", l.max);
    o.set("integer", l.integer);
    o.set("minOpen", l.min_open);
    o.set("maxOpen", l.max_open);
    o.set("range", range_text(l));
    return o;
}

val to_js(const WeightProbe& w) {
    val o = val::object();
    o.set("tensor", w.tensor);
    o.set("index", w.index);
    o.set("value", w.value);
    o.set("grad", w.grad);
    o.set("rawGrad", w.raw_grad);
    o.set("lr", w.lr);
    o.set("update", w.update);
    o.set("newValue", w.new_value);
    o.set("optimizer", w.optimizer);
    o.set("clipScale", w.clip_scale);
    o.set("weightDecay", w.weight_decay);
    o.set("momentum", w.momentum);
    o.set("beta1", w.beta1);
    o.set("beta2", w.beta2);
    o.set("eps", w.eps);
    o.set("t", w.t);
    o.set("bias1", w.bias1);
    o.set("bias2", w.bias2);
    o.set("mBefore", w.m_before);
    o.set("mAfter", w.m_after);
    o.set("vBefore", w.v_before);
    o.set("vAfter", w.v_after);
    return o;
}

}  // namespace lab::js
