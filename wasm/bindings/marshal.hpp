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

// A JS array of the elements: strings, numbers, or structs registered as value_object in
// marshal.cpp (each becomes a plain JS object: nothing to .delete(), fine to post to the page).
template <typename T>
val array_of(const std::vector<T>& v) {
    val a = val::array();
    for (std::size_t i = 0; i < v.size(); ++i) a.set(i, v[i]);
    return a;
}

// [{id, text}] of token ids.
val tokens_of(const Tokenizer& tok, const std::vector<std::int32_t>& ids);
// The vocabulary's token texts, index = id.
val vocab_of(const Tokenizer& tok);
// null, or {message, step} of a step that diverged.
val diverged_of(const StepStats& st);

}  // namespace lab::js
