#include "model/config.hpp"

#include <nlohmann/json.hpp>

#include "io/json.hpp"
#include "util/error.hpp"

namespace lab {

namespace {
void check_range(const char* name, std::size_t v, std::size_t lo, std::size_t hi) {
    if (v < lo || v > hi) fail(name, " must be between ", lo, " and ", hi, ", got ", v);
}
}  // namespace

void validate(const GPTConfig& c) {
    check_range("vocab_size", c.vocab_size, 2, ConfigLimits::max_vocab);
    check_range("block_size", c.block_size, 1, ConfigLimits::max_block);
    check_range("n_layer", c.n_layer, 1, ConfigLimits::max_layer);
    check_range("n_head", c.n_head, 1, ConfigLimits::max_head);
    check_range("n_embd", c.n_embd, 1, ConfigLimits::max_embd);
    if (c.n_embd % c.n_head != 0)
        fail("n_embd (", c.n_embd, ") must be divisible by n_head (", c.n_head, ")");
}

std::string config_to_json(const GPTConfig& c) {
    nlohmann::ordered_json j;
    j["vocab_size"] = c.vocab_size;
    j["block_size"] = c.block_size;
    j["n_layer"] = c.n_layer;
    j["n_head"] = c.n_head;
    j["n_embd"] = c.n_embd;
    j["bias"] = c.bias;
    return j.dump();
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
