#include "model/params.hpp"

namespace lab {

ParamLayout::ParamLayout(const GPTConfig& cfg) {
    const std::size_t V = cfg.vocab_size, T = cfg.block_size, L = cfg.n_layer, C = cfg.n_embd;
    struct Def { const char* name; std::vector<std::size_t> shape; bool per_layer; bool matrix; };
    const Def defs[NUM_PARAM_KINDS] = {
        {"wte", {V, C}, false, true},          {"wpe", {T, C}, false, true},
        {"ln1w", {L, C}, true, false},         {"ln1b", {L, C}, true, false},
        {"qkvw", {L, 3 * C, C}, true, true},   {"qkvb", {L, 3 * C}, true, false},
        {"attprojw", {L, C, C}, true, true},   {"attprojb", {L, C}, true, false},
        {"ln2w", {L, C}, true, false},         {"ln2b", {L, C}, true, false},
        {"fcw", {L, 4 * C, C}, true, true},    {"fcb", {L, 4 * C}, true, false},
        {"fcprojw", {L, C, 4 * C}, true, true},{"fcprojb", {L, C}, true, false},
        {"lnfw", {C}, false, false},           {"lnfb", {C}, false, false},
    };
    std::size_t off = 0;
    for (std::size_t k = 0; k < NUM_PARAM_KINDS; ++k) {
        ParamSlot& s = slots[k];
        s.name = defs[k].name;
        s.shape = defs[k].shape;
        s.per_layer = defs[k].per_layer;
        s.is_matrix = defs[k].matrix;
        s.size = 1;
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
