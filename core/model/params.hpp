// The parameter layout: ONE contiguous float buffer holds every weight; gradients and optimizer
// moments use separate buffers with the same layout. Tensors are stored as llm.c does — each
// per-layer kind stacked over layers ([L, ...]) — and checkpoint.cpp maps them to nanoGPT names.
#pragma once
#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "model/config.hpp"

namespace lab {

enum ParamKind : std::size_t {
    P_WTE,       // [V, C]       token embedding (also the tied lm_head)
    P_WPE,       // [T, C]       position embedding
    P_LN1W,      // [L, C]
    P_LN1B,      // [L, C]
    P_QKVW,      // [L, 3C, C]   fused q,k,v projection
    P_QKVB,      // [L, 3C]
    P_ATTPROJW,  // [L, C, C]
    P_ATTPROJB,  // [L, C]
    P_LN2W,      // [L, C]
    P_LN2B,      // [L, C]
    P_FCW,       // [L, 4C, C]
    P_FCB,       // [L, 4C]
    P_FCPROJW,   // [L, C, 4C]
    P_FCPROJB,   // [L, C]
    P_LNFW,      // [C]
    P_LNFB,      // [C]
    NUM_PARAM_KINDS
};

// One tensor kind inside the flat buffer: where it starts and its full shape (with the L axis
// first for per-layer kinds).
struct ParamSlot {
    const char* name;               // short name, e.g. "qkvw"
    std::size_t offset = 0;         // in floats from the buffer start
    std::size_t size = 0;           // floats, all layers
    std::vector<std::size_t> shape; // e.g. {L, 3C, C}
    bool per_layer = false;
    bool is_matrix = false;         // 2-D weight per layer: gets weight decay in AdamW
};

struct ParamLayout {
    std::array<ParamSlot, NUM_PARAM_KINDS> slots;
    std::size_t total = 0;

    explicit ParamLayout(const GPTConfig& c);
    // Size of one layer's slice of a per-layer kind (whole tensor otherwise).
    std::size_t layer_size(ParamKind k) const;
    // Offset of layer l's slice of kind k.
    std::size_t offset(ParamKind k, std::size_t l = 0) const;
};

}  // namespace lab
