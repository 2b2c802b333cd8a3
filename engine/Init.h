#pragma once
// Weight initializers, selectable per layer by name.
//
// fanIn/fanOut follow PyTorch: for a dense weight (out, in) fanIn = in; for a conv
// weight (Cout, Cin, kh, kw) fanIn = Cin*kh*kw and fanOut = Cout*kh*kw.

#include "engine/Layer.h"

#include <string>
#include <vector>

namespace dlab {

enum class InitKind {
    Zeros,
    Constant,       // value
    Normal,         // N(0, std), std = 0.01 by default (the course's "small random numbers")
    Uniform,        // U(-limit, limit), limit = 0.05 by default
    XavierNormal,   // N(0, 2 / (fanIn + fanOut)) · gain²
    XavierUniform,  // U(±gain·sqrt(6 / (fanIn + fanOut)))
    HeNormal,       // N(0, 2 / fanIn): the default for ReLU
    HeUniform,      // U(±sqrt(6 / fanIn))
    LeCunNormal,    // N(0, 1 / fanIn): the SELU companion
    Orthogonal,     // a random orthogonal matrix (rows or columns), times gain
    Transformer,    // N(0, 0.02), GPT/ViT's default
};

struct InitSpec {
    InitKind kind = InitKind::HeNormal;
    float value = 0.0f;   // Constant
    float std = 0.01f;    // Normal
    float limit = 0.05f;  // Uniform
    float gain = 1.0f;    // Xavier, Orthogonal
};

// Name <-> kind, e.g. "he_normal". parseInitKind throws std::invalid_argument listing
// the valid names.
InitKind parseInitKind(const std::string& name);
std::string initKindName(InitKind kind);
std::vector<std::string> initKindNames();
// One line in the course's words, for tooltips and --help.
std::string initKindHelp(InitKind kind);

// Fills a CPU or device tensor. Orthogonal treats the tensor as (dim0, rest).
void initializeTensor(Tensor& t, const InitSpec& spec, int64_t fanIn, int64_t fanOut, Rng& rng);

}  // namespace dlab
