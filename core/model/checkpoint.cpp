#include "model/checkpoint.hpp"

#include <cmath>
#include <set>

#include "io/safetensors.hpp"
#include "model/params.hpp"
#include "model/tensor_names.hpp"
#include "util/error.hpp"

namespace lab {

namespace {

const std::string kMomentM = "optimizer.m.";
const std::string kMomentV = "optimizer.v.";
const std::string kTrainingPrefix = "training.";
const std::string kLayerPrefix = "transformer.h.";

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

// "transformer.h.<i>.<rest>" → true with i and rest; false for anything else.
bool split_layer_name(const std::string& name, std::size_t& layer, std::string& rest) {
    if (!starts_with(name, kLayerPrefix)) return false;
    std::size_t i = kLayerPrefix.size(), value = 0, digits = 0;
    while (i < name.size() && name[i] >= '0' && name[i] <= '9' && digits < 9) {
        value = value * 10 + static_cast<std::size_t>(name[i] - '0');
        ++i, ++digits;
    }
    if (digits == 0 || i >= name.size() || name[i] != '.') return false;
    layer = value;
    rest = name.substr(i + 1);
    return true;
}

// A NaN or Inf weight (or optimizer moment) would only surface later as a NaN loss, far from its
// cause: refuse it at load, naming the tensor and the place.
void check_finite(const std::string& name, const float* x, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i)
        if (!std::isfinite(x[i]))
            fail("checkpoint tensor ", quote_name(name), " holds a non-finite value (",
                 std::isnan(x[i]) ? "NaN" : x[i] > 0 ? "+Inf" : "-Inf", ") at index ", i);
}

void check_size(const char* what, std::size_t got, std::size_t want) {
    if (got != want) fail("checkpoint ", what, " has ", got, " floats, the config needs ", want);
}

}  // namespace

std::vector<std::uint8_t> checkpoint_write(const Checkpoint& ck) {
    validate(ck.config);
    const ParamLayout layout(ck.config);
    check_size("params", ck.params.size(), layout.total);
    if (ck.has_moments) {
        check_size("optimizer moment m", ck.m.size(), layout.total);
        check_size("optimizer moment v", ck.v.size(), layout.total);
    }
    const std::vector<NamedTensor> specs = named_tensors(layout, ck.config);
    std::vector<TensorRef> refs;
    auto add = [&](const std::string& prefix, const std::vector<float>& buffer) {
        for (const NamedTensor& s : specs) refs.push_back({prefix + s.name, s.shape, buffer.data() + s.offset});
    };
    add("", ck.params);
    if (ck.has_moments) {
        add(kMomentM, ck.m);
        add(kMomentV, ck.v);
    }
    std::map<std::string, std::string> meta;
    meta["config"] = config_to_json(ck.config);
    meta["tokenizer"] = ck.tokenizer_json;
    meta["format"] = kCheckpointFormat;
    for (const auto& [key, value] : ck.training) meta[kTrainingPrefix + key] = value;
    return safetensors_write(refs, meta);
}

Checkpoint checkpoint_read(const std::uint8_t* bytes, std::size_t n) {
    const SafetensorsFile file = SafetensorsFile::parse(bytes, n);
    const auto& meta = file.metadata();

    Checkpoint ck;
    auto config_it = meta.find("config");
    if (config_it == meta.end()) fail("checkpoint has no config metadata (__metadata__[\"config\"])");
    try {
        ck.config = config_from_json(config_it->second);
    } catch (const Error& e) {
        fail("checkpoint config: ", e.what());
    }
    auto tokenizer_it = meta.find("tokenizer");
    if (tokenizer_it == meta.end()) fail("checkpoint has no tokenizer metadata");
    ck.tokenizer_json = tokenizer_it->second;
    auto format_it = meta.find("format");
    if (format_it != meta.end() && starts_with(format_it->second, "training-loop-lab/") &&
        format_it->second != kCheckpointFormat)
        fail("checkpoint format ", quote_name(format_it->second), " is not supported (this build reads ",
             kCheckpointFormat, ")");
    for (const auto& [key, value] : meta)
        if (starts_with(key, kTrainingPrefix)) ck.training[key.substr(kTrainingPrefix.size())] = value;

    const GPTConfig& c = ck.config;
    // The embeddings carry V, T and C: say which config value disagrees with the file.
    auto check_dims = [&](const char* name, const char* rows_key, std::size_t rows) {
        if (!file.has(name)) return;
        const auto& s = file.shape(name);
        if (s.size() != 2) return;  // reported below with the full expected shape
        if (s[0] != rows)
            fail("tensor '", name, "' has ", s[0], " rows but config ", rows_key, " is ", rows);
        if (s[1] != c.n_embd)
            fail("tensor '", name, "' has ", s[1], " columns but config n_embd is ", c.n_embd);
    };
    check_dims("transformer.wte.weight", "vocab_size", c.vocab_size);
    check_dims("transformer.wpe.weight", "block_size", c.block_size);

    // Shapes and offsets from the config alone. Offsets are used only once every tensor is known to
    // be in the file, which bounds them by n.
    const ParamLayout layout(c);
    const std::vector<NamedTensor> specs = named_tensors(layout, c);
    std::set<std::string> expected;
    for (const NamedTensor& s : specs) {
        expected.insert(s.name);
        if (!file.has(s.name)) {
            std::size_t layer = 0;
            std::string rest;
            if (layout.slots[s.kind].is_bias)
                fail("checkpoint is missing tensor ", quote_name(s.name),
                     " (config bias is true; a model without biases needs \"bias\": false in its config)");
            if (split_layer_name(s.name, layer, rest))
                fail("checkpoint is missing tensor ", quote_name(s.name), " (config n_layer is ", c.n_layer, ")");
            fail("checkpoint is missing tensor ", quote_name(s.name));
        }
        if (file.shape(s.name) != s.shape)
            fail("tensor ", quote_name(s.name), " has shape ", shape_str(file.shape(s.name)), ", expected ",
                 shape_str(s.shape));
    }

    // Optimizer moments: all or none.
    for (const NamedTensor& s : specs)
        if (file.has(kMomentM + s.name) || file.has(kMomentV + s.name)) ck.has_moments = true;
    if (ck.has_moments) {
        for (const std::string& prefix : {kMomentM, kMomentV})
            for (const NamedTensor& s : specs) {
                const std::string name = prefix + s.name;
                if (!file.has(name))
                    fail("checkpoint has optimizer moments but is missing tensor ", quote_name(name));
                if (file.shape(name) != s.shape)
                    fail("tensor ", quote_name(name), " has shape ", shape_str(file.shape(name)),
                         ", expected ", shape_str(s.shape));
                expected.insert(name);
            }
    }

    for (const std::string& name : file.names()) {
        if (expected.count(name)) continue;
        if (name == "lm_head.weight") {  // tied to wte: the shape must agree, the values are ignored
            const std::vector<std::size_t> want = {c.vocab_size, c.n_embd};
            if (file.shape(name) != want)
                fail("tensor 'lm_head.weight' has shape ", shape_str(file.shape(name)), ", expected ",
                     shape_str(want), " (tied to transformer.wte.weight)");
            continue;
        }
        std::size_t layer = 0;
        std::string rest;
        const bool per_layer = split_layer_name(name, layer, rest);
        if (per_layer && layer < c.n_layer && rest == "attn.bias") continue;  // old causal-mask buffer
        if (per_layer && layer >= c.n_layer)
            fail("checkpoint has unexpected tensor ", quote_name(name), " (config n_layer is ", c.n_layer, ")");
        if (!c.bias && name.size() > 5 && name.compare(name.size() - 5, 5, ".bias") == 0)
            fail("checkpoint has unexpected tensor ", quote_name(name), " (config bias is false)");
        fail("checkpoint has unexpected tensor ", quote_name(name));
    }

    // Everything is validated: each tensor's bytes are in the file, so these sizes are bounded by n.
    auto load = [&](const std::string& prefix, std::vector<float>& buffer) {
        buffer.assign(layout.total, 0.0f);
        for (const NamedTensor& s : specs) {
            float* x = buffer.data() + s.offset;
            file.read_f32(prefix + s.name, x, s.size);
            check_finite(prefix + s.name, x, s.size);
        }
    };
    load("", ck.params);
    if (ck.has_moments) {
        load(kMomentM, ck.m);
        load(kMomentV, ck.v);
    }
    return ck;
}

}  // namespace lab
