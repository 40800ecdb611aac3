// JSON in and out. Parsing JSON the engine did not write (a checkpoint's safetensors header, its
// config and its tokenizer): every such text goes through parse_json, which bounds what a hostile
// file can cost. Writing: JsonObjectWriter, which keeps members in the order they are added.
#pragma once
#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace lab {

// The deepest nesting of arrays/objects accepted. Real inputs nest at most 3 levels; unbounded
// nesting would let a tiny file exhaust the stack (wasm's is 1 MB) wherever a JSON value is
// walked, copied or destroyed recursively.
constexpr std::size_t kMaxJsonDepth = 64;

// Parses [begin, end) as one JSON value. what names the text in messages ("safetensors header").
// Throws lab::Error, before building anything, when it nests deeper than kMaxJsonDepth
// ("<what> JSON nests deeper than 64 levels"); when an object names a key twice (the library would
// silently keep the last: "<what> names <top_key> 'x' twice", top_key for the outermost object,
// "key" inside); when it is not valid JSON ("<what> is not valid JSON (syntax error at byte 7)").
nlohmann::json parse_json(const char* begin, const char* end, const std::string& what,
                          const char* top_key = "key");
inline nlohmann::json parse_json(const std::string& text, const std::string& what,
                                 const char* top_key = "key") {
    return parse_json(text.data(), text.data() + text.size(), what, top_key);
}

// Writes one JSON object with its members in the order they are added: the files the engine writes
// keep a reader's order (a config's sizes, a tokenizer's type first, a checkpoint's tensors in
// their table's order). nlohmann::json sorts keys, and nlohmann::ordered_json would add a second
// instantiation of the library to the engine (1.8 KB of the gzip'd .wasm). Values are dumped as
// nlohmann::json::dump() does: strict UTF-8 (invalid text throws nlohmann::json::type_error).
class JsonObjectWriter {
public:
    JsonObjectWriter& add(const std::string& key, const nlohmann::json& value) { return add_raw(key, value.dump()); }
    // json_text must be one valid JSON value (e.g. another writer's str()).
    JsonObjectWriter& add_raw(const std::string& key, const std::string& json_text) {
        text_ += text_.size() > 1 ? "," : "";
        text_ += nlohmann::json(key).dump();
        text_ += ':';
        text_ += json_text;
        return *this;
    }
    std::string str() const { return text_ + "}"; }

private:
    std::string text_ = "{";
};

// Deepest nesting of arrays/objects in JSON text (brackets inside strings do not count); stops
// counting once it exceeds limit.
std::size_t json_nesting_depth(const char* begin, const char* end, std::size_t limit);

}  // namespace lab
