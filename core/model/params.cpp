#include "model/params.hpp"

namespace lab {

ParamLayout::ParamLayout(const GPTConfig& cfg) {
    const std::size_t V = cfg.vocab_size, T = cfg.block_size, L = cfg.n_layer, C = cfg.n_embd;
    struct Def {
        const char* name;
        const char* torch_name;
        std::vector<std::size_t> shape;
        bool per_layer, matrix, bias;
    };
    const Def defs[NUM_PARAM_KINDS] = {
        {"wte", "transformer.wte.weight", {V, C}, false, true, false},
        {"wpe", "transformer.wpe.weight", {T, C}, false, true, false},
        {"ln1w", "ln_1.weight", {L, C}, true, false, false},
        {"ln1b", "ln_1.bias", {L, C}, true, false, true},
        {"qkvw", "attn.c_attn.weight", {L, 3 * C, C}, true, true, false},
        {"qkvb", "attn.c_attn.bias", {L, 3 * C}, true, false, true},
        {"attprojw", "attn.c_proj.weight", {L, C, C}, true, true, false},
        {"attprojb", "attn.c_proj.bias", {L, C}, true, false, true},
        {"ln2w", "ln_2.weight", {L, C}, true, false, false},
        {"ln2b", "ln_2.bias", {L, C}, true, false, true},
        {"fcw", "mlp.c_fc.weight", {L, 4 * C, C}, true, true, false},
        {"fcb", "mlp.c_fc.bias", {L, 4 * C}, true, false, true},
        {"fcprojw", "mlp.c_proj.weight", {L, C, 4 * C}, true, true, false},
        {"fcprojb", "mlp.c_proj.bias", {L, C}, true, false, true},
        {"lnfw", "transformer.ln_f.weight", {C}, false, false, false},
        {"lnfb", "transformer.ln_f.bias", {C}, false, false, true},
    };
    std::size_t off = 0;
    for (std::size_t k = 0; k < NUM_PARAM_KINDS; ++k) {
        ParamSlot& s = slots[k];
        s.name = defs[k].name;
        s.torch_name = defs[k].torch_name;
        s.shape = defs[k].shape;
        s.per_layer = defs[k].per_layer;
        s.is_matrix = defs[k].matrix;
        s.is_bias = defs[k].bias;
        s.present = cfg.bias || !s.is_bias;
        s.size = s.present ? 1 : 0;
        for (auto d : s.shape) s.size *= d;
        s.offset = off;
        off += s.size;
    }
    total = off;
}

std::size_t ParamLayout::layer_size(ParamKind k) const {
    const ParamSlot& s = slots[k];
    return s.per_layer ? s.size / s.shape[0] : s.size;
}

std::size_t ParamLayout::offset(ParamKind k, std::size_t l) const {
    return slots[k].offset + (slots[k].per_layer ? l * layer_size(k) : 0);
}

}  // namespace lab
