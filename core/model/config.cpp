#include "model/config.hpp"

#include <nlohmann/json.hpp>

#include "io/json.hpp"
#include "model/limits.hpp"
#include "util/error.hpp"

namespace lab {

void validate(const GPTConfig& c) {
    check(limits::vocab_size, static_cast<double>(c.vocab_size));
    check(limits::block_size, static_cast<double>(c.block_size));
    check(limits::n_layer, static_cast<double>(c.n_layer));
    check(limits::n_head, static_cast<double>(c.n_head));
    check(limits::n_embd, static_cast<double>(c.n_embd));
    if (c.n_embd % c.n_head != 0)
        fail("n_embd (", c.n_embd, ") must be divisible by n_head (", c.n_head, ")");
}

std::string config_to_json(const GPTConfig& c) {
    return JsonObjectWriter()
        .add("vocab_size", c.vocab_size)
        .add("block_size", c.block_size)
        .add("n_layer", c.n_layer)
        .add("n_head", c.n_head)
        .add("n_embd", c.n_embd)
        .add("bias", c.bias)
        .str();
}

GPTConfig config_from_json(const std::string& text) {
    const nlohmann::json j = parse_json(text, "config");
    if (!j.is_object()) fail("config is not a JSON object: ", text.substr(0, 80));
    GPTConfig c;
    auto get = [&](const char* key, std::size_t& out) {
        if (!j.contains(key)) fail("config is missing \"", key, "\"");
        const auto& v = j[key];
        if (!v.is_number_integer() || v.get<long long>() < 0)
            fail("config \"", key, "\" must be a non-negative integer, got ", v.dump());
        out = v.get<std::size_t>();
    };
    get("vocab_size", c.vocab_size);
    get("block_size", c.block_size);
    get("n_layer", c.n_layer);
    get("n_head", c.n_head);
    get("n_embd", c.n_embd);
    if (j.contains("bias")) {
        if (!j["bias"].is_boolean()) fail("config \"bias\" must be true or false, got ", j["bias"].dump());
        c.bias = j["bias"].get<bool>();
    }
    validate(c);
    return c;
}

}  // namespace lab
