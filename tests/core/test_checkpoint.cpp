// Model checkpoints: bit-exact round trip, nanoGPT names/shapes, nanoGPT-shaped files, rejections.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>

#include "io/safetensors.hpp"
#include "model/checkpoint.hpp"
#include "model/params.hpp"
#include "util/error.hpp"

namespace {

using Bytes = std::vector<std::uint8_t>;
using Shape = std::vector<std::size_t>;

const char* kTokenizer = R"({"type":"char","vocab":["a","b","\n"]})";

// {vocab_size, block_size, n_layer, n_head, n_embd, bias}
lab::GPTConfig tiny() { return {3, 2, 1, 1, 2}; }
lab::GPTConfig two_layers() { return {5, 4, 2, 2, 4}; }
lab::GPTConfig tiny_no_bias() { return {3, 2, 1, 1, 2, false}; }
lab::GPTConfig two_layers_no_bias() { return {5, 4, 2, 2, 4, false}; }

std::vector<float> pattern(std::size_t n, float scale) {
    std::vector<float> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = scale * (static_cast<float>(i % 97) - 48.3f) / 7.0f;
    if (n > 3) {
        v[0] = -0.0f;
        v[1] = std::numeric_limits<float>::denorm_min();
        v[2] = std::numeric_limits<float>::max();
    }
    return v;
}

lab::Checkpoint make_checkpoint(const lab::GPTConfig& c, bool moments) {
    lab::Checkpoint ck;
    ck.config = c;
    ck.tokenizer_json = kTokenizer;
    const std::size_t n = lab::ParamLayout(c).total;
    ck.params = pattern(n, 1.0f);
    if (moments) {
        ck.has_moments = true;
        ck.m = pattern(n, 0.01f);
        ck.v = pattern(n, 1e-6f);
        ck.training = {{"step", "42"}, {"optimizer", "adamw"}, {"seed", "1337"}, {"lr", "0.001"}};
    }
    return ck;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * 4) == 0);
}

// An editable copy of a file's contents, to build broken or foreign files.
struct Owned { std::string name; Shape shape; std::vector<float> data; };
struct Contents {
    std::vector<Owned> tensors;
    std::map<std::string, std::string> meta;

    Owned& at(const std::string& name) {
        for (auto& t : tensors)
            if (t.name == name) return t;
        throw std::runtime_error("test: no tensor " + name);
    }
    void erase(const std::string& name) {
        for (auto it = tensors.begin(); it != tensors.end(); ++it)
            if (it->name == name) return void(tensors.erase(it));
        throw std::runtime_error("test: no tensor " + name);
    }
    void set_config(const char* key, std::size_t value) {
        auto j = nlohmann::json::parse(meta.at("config"));
        j[key] = value;
        meta["config"] = j.dump();
    }
};

Contents unpack(const Bytes& bytes) {
    const auto f = lab::SafetensorsFile::parse(bytes.data(), bytes.size());
    Contents c;
    c.meta = f.metadata();
    for (const auto& name : f.names()) {
        Owned t{name, f.shape(name), {}};
        std::size_t n = 1;
        for (auto d : t.shape) n *= d;
        t.data.resize(n);
        f.read_f32(name, t.data.data(), n);
        c.tensors.push_back(std::move(t));
    }
    return c;
}

Bytes pack(const Contents& c) {
    std::vector<lab::TensorRef> refs;
    for (const auto& t : c.tensors) refs.push_back({t.name, t.shape, t.data.data()});
    return lab::safetensors_write(refs, c.meta);
}

Bytes tiny_file(bool moments = false) { return lab::checkpoint_write(make_checkpoint(tiny(), moments)); }

void expect_rejected(const Bytes& bytes, std::initializer_list<const char*> fragments) {
    try {
        lab::checkpoint_read(bytes.data(), bytes.size());
        ADD_FAILURE() << "checkpoint_read accepted the file";
    } catch (const lab::Error& e) {
        const std::string msg = e.what();
        EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
        for (const char* f : fragments) EXPECT_NE(msg.find(f), std::string::npos) << "'" << f << "' not in: " << msg;
    }
}

// nanoGPT's state_dict names and shapes for a config, in state_dict order (bias=False: no .bias).
std::vector<std::pair<std::string, Shape>> nanogpt_names(const lab::GPTConfig& c) {
    const std::size_t V = c.vocab_size, T = c.block_size, C = c.n_embd;
    std::vector<std::pair<std::string, Shape>> all = {{"transformer.wte.weight", {V, C}},
                                                      {"transformer.wpe.weight", {T, C}}};
    for (std::size_t i = 0; i < c.n_layer; ++i) {
        const std::string h = "transformer.h." + std::to_string(i) + ".";
        all.insert(all.end(), {{h + "ln_1.weight", {C}},
                               {h + "ln_1.bias", {C}},
                               {h + "attn.c_attn.weight", {3 * C, C}},
                               {h + "attn.c_attn.bias", {3 * C}},
                               {h + "attn.c_proj.weight", {C, C}},
                               {h + "attn.c_proj.bias", {C}},
                               {h + "ln_2.weight", {C}},
                               {h + "ln_2.bias", {C}},
                               {h + "mlp.c_fc.weight", {4 * C, C}},
                               {h + "mlp.c_fc.bias", {4 * C}},
                               {h + "mlp.c_proj.weight", {C, 4 * C}},
                               {h + "mlp.c_proj.bias", {C}}});
    }
    all.push_back({"transformer.ln_f.weight", {C}});
    all.push_back({"transformer.ln_f.bias", {C}});
    std::vector<std::pair<std::string, Shape>> out;
    for (const auto& t : all)
        if (c.bias || t.first.find(".bias") == std::string::npos) out.push_back(t);
    return out;
}

// A file as PyTorch would write it from nanoGPT (tiny config): sorted names, lm_head.weight (a copy
// of wte), old causal-mask buffers, "format":"pt". Tensor k of nanoGPT order holds consecutive
// values; for L=1 our layout is that same order, so the loaded buffer must be 0,1,2,...
Bytes nanogpt_file(const lab::GPTConfig& c = tiny()) {
    Contents f;
    float next = 0.0f;
    for (const auto& [name, shape] : nanogpt_names(c)) {
        Owned t{name, shape, {}};
        std::size_t n = 1;
        for (auto d : shape) n *= d;
        for (std::size_t i = 0; i < n; ++i) t.data.push_back(next++);
        f.tensors.push_back(std::move(t));
    }
    Owned lm_head = f.at("transformer.wte.weight");
    lm_head.name = "lm_head.weight";
    f.tensors.push_back(lm_head);
    f.tensors.push_back({"transformer.h.0.attn.bias", {1, 1, 2, 2}, {1, 0, 1, 1}});
    std::sort(f.tensors.begin(), f.tensors.end(), [](const Owned& a, const Owned& b) { return a.name < b.name; });
    f.meta = {{"format", "pt"}, {"config", lab::config_to_json(c)}, {"tokenizer", kTokenizer}};
    return pack(f);
}

}  // namespace

TEST(Checkpoint, RoundTripIsBitExactWithMomentsAndMetadata) {
    for (const auto& cfg : {tiny(), two_layers(), tiny_no_bias(), two_layers_no_bias()}) {
        const lab::Checkpoint ck = make_checkpoint(cfg, true);
        const Bytes bytes = lab::checkpoint_write(ck);
        const lab::Checkpoint back = lab::checkpoint_read(bytes.data(), bytes.size());
        EXPECT_EQ(lab::config_to_json(back.config), lab::config_to_json(cfg));
        EXPECT_EQ(back.tokenizer_json, kTokenizer);
        EXPECT_EQ(back.training, ck.training);
        EXPECT_TRUE(back.has_moments);
        EXPECT_TRUE(same_bits(back.params, ck.params));
        EXPECT_TRUE(same_bits(back.m, ck.m));
        EXPECT_TRUE(same_bits(back.v, ck.v));
        EXPECT_EQ(lab::checkpoint_write(back), bytes) << "re-writing gives the same bytes";
    }
}

TEST(Checkpoint, RoundTripWithoutMoments) {
    const lab::Checkpoint ck = make_checkpoint(two_layers(), false);
    const Bytes bytes = lab::checkpoint_write(ck);
    const lab::Checkpoint back = lab::checkpoint_read(bytes.data(), bytes.size());
    EXPECT_FALSE(back.has_moments);
    EXPECT_TRUE(back.m.empty());
    EXPECT_TRUE(back.v.empty());
    EXPECT_TRUE(back.training.empty());
    EXPECT_TRUE(same_bits(back.params, ck.params));
}

nlohmann::json header_of(const Bytes& bytes) {
    std::uint64_t n = 0;
    for (int i = 0; i < 8; ++i) n |= std::uint64_t{bytes[i]} << (8 * i);
    return nlohmann::json::parse(bytes.begin() + 8, bytes.begin() + 8 + static_cast<std::ptrdiff_t>(n));
}

TEST(Checkpoint, HeaderHasNanoGPTNamesAndShapes) {
    const lab::GPTConfig cfg = two_layers();
    const Bytes bytes = lab::checkpoint_write(make_checkpoint(cfg, true));
    const auto header = header_of(bytes);

    const auto expected = nanogpt_names(cfg);
    EXPECT_EQ(expected.size(), 2u + 12u * 2u + 2u);
    for (const auto& [name, shape] : expected) {
        ASSERT_TRUE(header.contains(name)) << name;
        EXPECT_EQ(header[name]["dtype"], "F32");
        EXPECT_EQ(header[name]["shape"].get<Shape>(), shape) << name;
        EXPECT_EQ(header["optimizer.m." + name]["shape"].get<Shape>(), shape) << name;
        EXPECT_EQ(header["optimizer.v." + name]["shape"].get<Shape>(), shape) << name;
    }
    EXPECT_EQ(header.size(), 1 + 3 * expected.size()) << "no other tensors (lm_head is tied, omitted)";
    EXPECT_FALSE(header.contains("lm_head.weight"));
    const auto& meta = header["__metadata__"];
    EXPECT_EQ(meta["format"], "training-loop-lab/1");
    EXPECT_EQ(meta["tokenizer"], kTokenizer);
    EXPECT_EQ(meta["training.step"], "42");
    EXPECT_EQ(nlohmann::json::parse(meta["config"].get<std::string>()),
              nlohmann::json::parse(R"({"vocab_size":5,"block_size":4,"n_layer":2,"n_head":2,"n_embd":4,"bias":true})"));
}

TEST(Checkpoint, BiasFreeModelHasNoBiasTensorsAndSaysSoInItsConfig) {
    const lab::GPTConfig cfg = two_layers_no_bias();
    const lab::Checkpoint ck = make_checkpoint(cfg, true);
    const std::size_t C = cfg.n_embd, V = cfg.vocab_size, T = cfg.block_size, L = cfg.n_layer;
    EXPECT_EQ(ck.params.size(), V * C + T * C + L * (2 * C + 12 * C * C) + C) << "the buffer omits the biases";
    const auto header = header_of(lab::checkpoint_write(ck));
    const auto expected = nanogpt_names(cfg);
    EXPECT_EQ(expected.size(), 2u + 6u * 2u + 1u);
    for (const auto& [name, shape] : expected) EXPECT_EQ(header[name]["shape"].get<Shape>(), shape) << name;
    EXPECT_EQ(header.size(), 1 + 3 * expected.size());
    for (const auto& [name, _] : header.items()) EXPECT_EQ(name.find(".bias"), std::string::npos) << name;
    EXPECT_EQ(nlohmann::json::parse(header["__metadata__"]["config"].get<std::string>())["bias"], false);
}

TEST(Checkpoint, ConfigWithoutBiasKeyMeansBias) {
    Contents c = unpack(tiny_file());
    auto j = nlohmann::json::parse(c.meta.at("config"));
    j.erase("bias");
    c.meta["config"] = j.dump();
    const Bytes bytes = pack(c);
    const lab::Checkpoint ck = lab::checkpoint_read(bytes.data(), bytes.size());
    EXPECT_TRUE(ck.config.bias);
    EXPECT_TRUE(same_bits(ck.params, make_checkpoint(tiny(), false).params));
}

TEST(Checkpoint, LoadsNanoGPTBiasFreeFile) {
    const Bytes bytes = nanogpt_file(tiny_no_bias());
    const lab::Checkpoint ck = lab::checkpoint_read(bytes.data(), bytes.size());
    EXPECT_FALSE(ck.config.bias);
    ASSERT_EQ(ck.params.size(), lab::ParamLayout(tiny_no_bias()).total);
    for (std::size_t i = 0; i < ck.params.size(); ++i) ASSERT_EQ(ck.params[i], static_cast<float>(i)) << i;
}

TEST(Checkpoint, BiasMismatchesAreNamed) {
    // nanoGPT's bias=False file with a config that does not say so (the error users of nanoGPT's
    // default would see): the message says what to add.
    Contents c = unpack(nanogpt_file(tiny_no_bias()));
    auto j = nlohmann::json::parse(c.meta.at("config"));
    j.erase("bias");
    c.meta["config"] = j.dump();
    expect_rejected(pack(c), {"missing tensor 'transformer.h.0.ln_1.bias'", "\"bias\": false"});
    // A file with biases whose config says bias false.
    c = unpack(tiny_file());
    j = nlohmann::json::parse(c.meta.at("config"));
    j["bias"] = false;
    c.meta["config"] = j.dump();
    expect_rejected(pack(c), {"unexpected tensor 'transformer.", ".bias'", "config bias is false"});
    // bias must be a JSON boolean.
    for (const char* bad : {"\"false\"", "0", "null"}) {
        j["bias"] = nlohmann::json::parse(bad);
        c.meta["config"] = j.dump();
        expect_rejected(pack(c), {"\"bias\" must be true or false", bad});
    }
}

TEST(Checkpoint, TensorsAreStraightSlicesOfTheFlatBuffer) {
    const lab::GPTConfig cfg = two_layers();
    lab::Checkpoint ck = make_checkpoint(cfg, false);
    for (std::size_t i = 0; i < ck.params.size(); ++i) ck.params[i] = static_cast<float>(i);
    const Bytes bytes = lab::checkpoint_write(ck);
    const auto f = lab::SafetensorsFile::parse(bytes.data(), bytes.size());
    const lab::ParamLayout layout(cfg);
    auto check = [&](const char* name, lab::ParamKind kind, std::size_t layer) {
        std::vector<float> got(layout.layer_size(kind));
        f.read_f32(name, got.data(), got.size());
        for (std::size_t i = 0; i < got.size(); ++i)
            ASSERT_EQ(got[i], static_cast<float>(layout.offset(kind, layer) + i)) << name << " [" << i << "]";
    };
    check("transformer.wte.weight", lab::P_WTE, 0);
    check("transformer.wpe.weight", lab::P_WPE, 0);
    check("transformer.h.1.attn.c_attn.weight", lab::P_QKVW, 1);
    check("transformer.h.0.mlp.c_proj.weight", lab::P_FCPROJW, 0);
    check("transformer.h.1.ln_2.bias", lab::P_LN2B, 1);
    check("transformer.ln_f.bias", lab::P_LNFB, 0);
}

TEST(Checkpoint, LoadsNanoGPTShapedFileWithLmHeadAndMaskBuffers) {
    const Bytes bytes = nanogpt_file();
    const lab::Checkpoint ck = lab::checkpoint_read(bytes.data(), bytes.size());
    EXPECT_FALSE(ck.has_moments);
    EXPECT_EQ(ck.tokenizer_json, kTokenizer);
    ASSERT_EQ(ck.params.size(), lab::ParamLayout(tiny()).total);
    for (std::size_t i = 0; i < ck.params.size(); ++i) ASSERT_EQ(ck.params[i], static_cast<float>(i)) << i;

    // lm_head values are ignored (tied); its shape must still be [V,C].
    Contents c = unpack(bytes);
    c.at("lm_head.weight").data.assign(6, 9.0f);
    Bytes other = pack(c);
    EXPECT_NO_THROW(lab::checkpoint_read(other.data(), other.size()));
    c.at("lm_head.weight") = {"lm_head.weight", {2, 2}, {0, 0, 0, 0}};
    expect_rejected(pack(c), {"lm_head.weight", "[2,2]", "[3,2]"});
}

TEST(Checkpoint, RejectsMissingExtraAndMisshapedTensors) {
    Contents c = unpack(tiny_file());
    c.erase("transformer.h.0.attn.c_proj.bias");
    expect_rejected(pack(c), {"missing tensor 'transformer.h.0.attn.c_proj.bias'"});

    c = unpack(tiny_file());
    c.erase("transformer.ln_f.weight");
    expect_rejected(pack(c), {"missing tensor 'transformer.ln_f.weight'"});

    c = unpack(tiny_file());
    c.tensors.push_back({"transformer.h.0.attn.rotary", {1}, {0}});
    expect_rejected(pack(c), {"unexpected tensor 'transformer.h.0.attn.rotary'"});

    c = unpack(tiny_file());
    c.tensors.push_back({"optimizer.step", {1}, {0}});
    expect_rejected(pack(c), {"unexpected tensor 'optimizer.step'"});

    c = unpack(tiny_file());
    c.at("transformer.h.0.ln_1.weight") = {"transformer.h.0.ln_1.weight", {3}, {1, 2, 3}};
    expect_rejected(pack(c), {"'transformer.h.0.ln_1.weight'", "shape [3]", "expected [2]"});

    c = unpack(tiny_file());
    c.at("transformer.h.0.attn.c_attn.weight").shape = {2, 6};  // transposed
    expect_rejected(pack(c), {"'transformer.h.0.attn.c_attn.weight'", "[2,6]", "expected [6,2]"});
}

TEST(Checkpoint, RejectsConfigInconsistentWithShapes) {
    Contents c = unpack(tiny_file());
    c.set_config("vocab_size", 4);
    expect_rejected(pack(c), {"'transformer.wte.weight' has 3 rows but config vocab_size is 4"});

    c = unpack(tiny_file());
    c.set_config("block_size", 8);
    expect_rejected(pack(c), {"'transformer.wpe.weight' has 2 rows but config block_size is 8"});

    c = unpack(tiny_file());
    c.set_config("n_embd", 4);
    expect_rejected(pack(c), {"'transformer.wte.weight' has 2 columns but config n_embd is 4"});

    c = unpack(tiny_file());
    c.set_config("n_layer", 2);
    expect_rejected(pack(c), {"missing tensor 'transformer.h.1.ln_1.weight'", "n_layer is 2"});

    const Bytes two = lab::checkpoint_write(make_checkpoint(two_layers(), false));
    c = unpack(two);
    c.set_config("n_layer", 1);
    expect_rejected(pack(c), {"unexpected tensor 'transformer.h.1.", "n_layer is 1"});
}

TEST(Checkpoint, RejectsMissingOrInvalidMetadata) {
    Contents c = unpack(tiny_file());
    c.meta.erase("tokenizer");
    expect_rejected(pack(c), {"checkpoint has no tokenizer metadata"});

    c = unpack(tiny_file());
    c.meta.erase("config");
    expect_rejected(pack(c), {"no config metadata"});

    c = unpack(tiny_file());
    c.meta["config"] = "not json";
    expect_rejected(pack(c), {"checkpoint config: config is not valid JSON (syntax error at byte"});

    c = unpack(tiny_file());
    c.meta["config"] = "[1]";
    expect_rejected(pack(c), {"checkpoint config: config is not a JSON object"});

    c = unpack(tiny_file());
    c.meta["config"] = "{\"vocab_size\":" + std::string(200000, '[') + std::string(200000, ']') + "}";
    expect_rejected(pack(c), {"checkpoint config: config JSON nests deeper than 64 levels"});

    c = unpack(tiny_file());
    c.meta["config"] = "{\"vocab_size\":3,\"vocab_size\":4,\"block_size\":2,\"n_layer\":1,\"n_head\":1,\"n_embd\":2}";
    expect_rejected(pack(c), {"checkpoint config: config names key 'vocab_size' twice"});

    c = unpack(tiny_file());
    c.set_config("n_head", 3);
    expect_rejected(pack(c), {"checkpoint config:", "n_head"});

    c = unpack(tiny_file());
    c.meta["format"] = "training-loop-lab/2";
    expect_rejected(pack(c), {"training-loop-lab/2", "not supported"});

    // The tokenizer JSON is the caller's to validate.
    c = unpack(tiny_file());
    c.meta["tokenizer"] = "{ whatever";
    const Bytes odd = pack(c);
    EXPECT_EQ(lab::checkpoint_read(odd.data(), odd.size()).tokenizer_json, "{ whatever");
}

TEST(Checkpoint, RejectsNonFiniteWeightsAndMoments) {
    const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
    struct Case { const char* tensor; std::size_t index; float value; const char* shown; };
    const Case cases[] = {
        {"transformer.h.0.ln_1.weight", 1, nan, "NaN"},
        {"transformer.wte.weight", 5, inf, "+Inf"},
        {"transformer.ln_f.bias", 0, -inf, "-Inf"},
        {"optimizer.m.transformer.h.0.attn.c_attn.weight", 3, nan, "NaN"},
        {"optimizer.v.transformer.wpe.weight", 2, inf, "+Inf"},
    };
    for (const Case& k : cases) {
        Contents c = unpack(tiny_file(true));
        c.at(k.tensor).data[k.index] = k.value;
        const std::string want = std::string("checkpoint tensor '") + k.tensor + "' holds a non-finite value (" +
                                 k.shown + ") at index " + std::to_string(k.index);
        expect_rejected(pack(c), {want.c_str()});
    }
    // The largest finite float is a number like any other.
    Contents c = unpack(tiny_file(true));
    c.at("transformer.wte.weight").data[0] = -std::numeric_limits<float>::max();
    const Bytes ok = pack(c);
    EXPECT_EQ(lab::checkpoint_read(ok.data(), ok.size()).params[0], -std::numeric_limits<float>::max());
}

TEST(Checkpoint, MomentsAreAllOrNothing) {
    Contents c = unpack(tiny_file(true));
    c.erase("optimizer.v.transformer.ln_f.bias");
    expect_rejected(pack(c), {"optimizer moments", "'optimizer.v.transformer.ln_f.bias'"});

    c = unpack(tiny_file(false));
    c.tensors.push_back({"optimizer.m.transformer.wpe.weight", {2, 2}, {0, 0, 0, 0}});
    expect_rejected(pack(c), {"optimizer moments", "missing"});

    c = unpack(tiny_file(true));
    c.at("optimizer.m.transformer.wpe.weight").shape = {4};
    expect_rejected(pack(c), {"'optimizer.m.transformer.wpe.weight'", "[4]", "expected [2,2]"});

    c = unpack(tiny_file(true));
    c.tensors.push_back({"optimizer.m.lm_head.weight", {3, 2}, {0, 0, 0, 0, 0, 0}});
    expect_rejected(pack(c), {"unexpected tensor 'optimizer.m.lm_head.weight'"});
}

TEST(Checkpoint, RejectsBrokenContainers) {
    const Bytes bytes = tiny_file(true);
    for (std::size_t k = 0; k < bytes.size(); ++k)
        EXPECT_THROW(lab::checkpoint_read(bytes.data(), k), lab::Error) << "truncated to " << k;

    Bytes b = bytes;
    b[2] = 0x10;  // header length (~1 MB) past the end
    expect_rejected(b, {"runs past the end"});
    expect_rejected(Bytes{8, 0, 0, 0, 0, 0, 0, 0, 'n', 'o', 't', ' ', 'j', 's', 'o', 'n'}, {"safetensors header is not valid JSON (syntax error at byte"});

    // Wrong dtype: rewrite the header text in place (same length).
    b = tiny_file();
    std::string text(b.begin() + 8, b.end());
    const auto pos = text.find("\"F32\"");
    ASSERT_NE(pos, std::string::npos);
    b[8 + pos + 2] = '1';
    b[8 + pos + 3] = '6';
    expect_rejected(b, {"has dtype F16; only F32 is supported"});
}

TEST(Checkpoint, SingleByteCorruptionsNeverCrash) {
    const Bytes bytes = tiny_file(false);
    std::size_t accepted = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i)
        for (int value : {0x00, 0xff, int{'"'}}) {
            Bytes b = bytes;
            b[i] = static_cast<std::uint8_t>(value);
            try {
                lab::checkpoint_read(b.data(), b.size());
                ++accepted;
            } catch (const lab::Error&) {
            }
        }
    EXPECT_GT(accepted, 0u);  // corrupting float data is still a valid file
}

TEST(Checkpoint, WriterRejectsInconsistentInput) {
    lab::Checkpoint ck = make_checkpoint(tiny(), true);
    ck.params.pop_back();
    EXPECT_THROW(lab::checkpoint_write(ck), lab::Error);
    ck = make_checkpoint(tiny(), true);
    ck.v.clear();
    EXPECT_THROW(lab::checkpoint_write(ck), lab::Error);
    ck = make_checkpoint(tiny(), false);
    ck.config.n_head = 3;
    EXPECT_THROW(lab::checkpoint_write(ck), lab::Error);
}

