// The parameter layout: ONE contiguous float buffer holds every weight; gradients and optimizer
// moments use separate buffers with the same layout. Tensors are stored as llm.c does — each
// per-layer kind stacked over layers ([L, ...]). This is the one table of the model's tensors:
// their nanoGPT names (tensor_names.hpp, checkpoints) and shapes all come from it.
// A config with bias = false has no bias kinds: their slots are absent (size 0) and the buffer
// simply omits them.
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
// The kinds a nanoGPT block has, in its state_dict order (P_LN1W .. P_FCPROJB).
constexpr ParamKind kFirstLayerKind = P_LN1W, kLastLayerKind = P_FCPROJB;

// One tensor kind inside the flat buffer: where it starts and its full shape (with the L axis
// first for per-layer kinds).
struct ParamSlot {
    const char* name;               // short name, e.g. "qkvw"
    const char* torch_name;         // nanoGPT name; per-layer kinds: after "transformer.h.{i}."
    std::size_t offset = 0;         // in floats from the buffer start
    std::size_t size = 0;           // floats, all layers
    std::vector<std::size_t> shape; // e.g. {L, 3C, C}
    bool per_layer = false;
    bool is_matrix = false;         // 2-D weight per layer: gets weight decay in AdamW
    bool is_bias = false;
    bool present = true;            // false: a bias of a bias-free model (size 0, no tensor;
                                    // shape still says what it would be)
};

struct ParamLayout {
    std::array<ParamSlot, NUM_PARAM_KINDS> slots;
    std::size_t total = 0;

    explicit ParamLayout(const GPTConfig& c);
    // Size of one layer's slice of a per-layer kind (whole tensor otherwise).
    std::size_t layer_size(ParamKind k) const;
    // Offset of layer l's slice of kind k.
    std::size_t offset(ParamKind k, std::size_t l = 0) const;
    // Layer l's slice of kind k in a buffer of this layout; nullptr for an absent kind, which is
    // what the layers take for "no bias".
    float* slice(float* buffer, ParamKind k, std::size_t l = 0) const {
        return slots[k].present ? buffer + offset(k, l) : nullptr;
    }
    const float* slice(const float* buffer, ParamKind k, std::size_t l = 0) const {
        return slots[k].present ? buffer + offset(k, l) : nullptr;
    }
};

}  // namespace lab
