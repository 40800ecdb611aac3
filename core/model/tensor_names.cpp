#include "model/tensor_names.hpp"

namespace lab {

namespace {
// Suffix of each per-layer kind after "transformer.h.{i}.", in nanoGPT's order.
struct LayerName { ParamKind kind; const char* suffix; };
constexpr LayerName kLayerNames[] = {
    {P_LN1W, "ln_1.weight"},           {P_LN1B, "ln_1.bias"},
    {P_QKVW, "attn.c_attn.weight"},    {P_QKVB, "attn.c_attn.bias"},
    {P_ATTPROJW, "attn.c_proj.weight"},{P_ATTPROJB, "attn.c_proj.bias"},
    {P_LN2W, "ln_2.weight"},           {P_LN2B, "ln_2.bias"},
    {P_FCW, "mlp.c_fc.weight"},        {P_FCB, "mlp.c_fc.bias"},
    {P_FCPROJW, "mlp.c_proj.weight"},  {P_FCPROJB, "mlp.c_proj.bias"},
};
}  // namespace

std::vector<NamedTensor> named_tensors(const ParamLayout& layout, const GPTConfig& cfg) {
    std::vector<NamedTensor> out;
    auto whole = [&](ParamKind k, const char* name) {
        const ParamSlot& s = layout.slots[k];
        out.push_back({name, s.offset, s.size, s.shape, k, 0});
    };
    whole(P_WTE, "transformer.wte.weight");
    whole(P_WPE, "transformer.wpe.weight");
    for (std::size_t l = 0; l < cfg.n_layer; ++l) {
        for (const LayerName& ln : kLayerNames) {
            const ParamSlot& s = layout.slots[ln.kind];
            std::vector<std::size_t> shape(s.shape.begin() + 1, s.shape.end());
            out.push_back({"transformer.h." + std::to_string(l) + "." + ln.suffix,
                           layout.offset(ln.kind, l), layout.layer_size(ln.kind), shape, ln.kind, l});
        }
    }
    whole(P_LNFW, "transformer.ln_f.weight");
    whole(P_LNFB, "transformer.ln_f.bias");
    return out;
}

}  // namespace lab
