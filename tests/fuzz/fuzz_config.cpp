// libFuzzer target: the config parser (checkpoint metadata "config") never crashes, never
// allocates from untrusted numbers, and either accepts a valid config or throws lab::Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "model/config.hpp"
#include "model/params.hpp"
#include "util/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        const lab::GPTConfig c = lab::config_from_json(text);
        // An accepted config must be within the limits and give a layout without overflow.
        lab::validate(c);
        const lab::ParamLayout layout(c);
        if (layout.total == 0) __builtin_trap();
        const lab::GPTConfig back = lab::config_from_json(lab::config_to_json(c));
        if (back.n_embd != c.n_embd || back.bias != c.bias) __builtin_trap();
    } catch (const lab::Error&) {
    }
    return 0;
}
