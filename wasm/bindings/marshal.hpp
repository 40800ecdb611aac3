// Crossing between C++ and JS: C++ exceptions become JS Errors, results become plain JS objects
// and fresh typed-array copies. Nothing keeps a view into wasm memory, because memory growth
// detaches every view (and a worker posts results to the page, which must own its copy).
#pragma once
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstddef>
#include <cstdint>
#include <new>
#include <string>
#include <vector>

#include "model/config.hpp"
#include "model/limits.hpp"
#include "model/tensor_names.hpp"
#include "tokenizer/tokenizer.hpp"
#include "train/trainer.hpp"

namespace lab::js {

using emscripten::val;

// Throws a JS Error carrying `message` (JS gets no readable message from a C++ throw by itself).
[[noreturn]] void throw_error(const std::string& message);

// Runs f(); any C++ exception reaches JS as an Error with its one-line message, so bad input never
// aborts the module and a model being trained survives it.
template <typename F>
auto guarded(F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const std::bad_alloc&) {
        throw_error("out of memory: use a smaller model, batch or text");
    } catch (const std::exception& e) {
        throw_error(e.what());
    }
}

// A new JS typed array (`ctor`, e.g. "Float32Array") holding a copy of data[0, n).
template <typename T>
val typed_copy(const char* ctor, const T* data, std::size_t n) {
    return val::global(ctor).new_(emscripten::typed_memory_view(n, data)).template call<val>("slice");
}

// Copies the bytes of a Uint8Array (a checkpoint) into C++.
std::vector<std::uint8_t> bytes_from_js(const val& arr);

// A result struct as a plain JS object (nothing to .delete(), fine to post to the page).
val to_js(const TokenProb& p);    // {token, id, prob}
val to_js(const TokenLoss& t);    // {token, id, loss | null when not predicted}
val to_js(const TensorNorm& t);   // {name, norm}
val to_js(const Pair& p);         // {context, target, targetId, prob, surprise}
val to_js(const StepStats& st);   // {step, loss, lr, gradNorm, diverged: null | {message, step}}
val to_js(const NamedTensor& t);  // {name, shape, size}
val to_js(const GPTConfig& c);    // {vocab_size, block_size, n_layer, n_head, n_embd, bias}
val to_js(const Limit& l);        // {min, max, integer, minOpen, maxOpen, range}
val to_js(const WeightProbe& w);  // {tensor, index, value, grad, rawGrad, lr, …, vBefore, vAfter}
// Strings and numbers go to JS as they are.
template <typename T>
const T& to_js(const T& x) { return x; }

// A JS array of the elements, each through to_js().
template <typename T>
val array_of(const std::vector<T>& v) {
    val a = val::array();
    for (std::size_t i = 0; i < v.size(); ++i) a.set(i, to_js(v[i]));
    return a;
}

// [{id, text}] of token ids.
val tokens_of(const Tokenizer& tok, const std::vector<std::int32_t>& ids);
// The vocabulary's token texts, index = id.
val vocab_of(const Tokenizer& tok);
// null, or {message, step} of a step that diverged.
val diverged_of(const StepStats& st);

}  // namespace lab::js
