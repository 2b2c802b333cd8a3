#pragma once
// Losses over a batch. Every loss is the MEAN over the batch (PyTorch's default
// reduction), and the gradient written is d(mean loss)/d(output).
//
//   cross_entropy  output (N, C) logits, targets (N,) class indices as floats.
//                  Fused softmax + negative log-likelihood, numerically stable.
//   hinge          output (N, C) scores, targets (N,): multiclass SVM loss
//                  Σ_{j≠y} max(0, s_j - s_y + 1) (the course's margin Δ = 1).
//   mse            output (N, C), targets (N, C); or targets (N,) class indices, which
//                  are one-hot encoded. Mean over all N·C elements (PyTorch's MSELoss).
//                  For a one-column output (N, 1), targets (N,) are values, not indices.
//   l1             as mse, with |·| (PyTorch's L1Loss).
//   bce_logits     output (N, C) logits, targets (N, C) in [0, 1]; or C = 1 and targets
//                  (N,) in {0, 1}. Stable form max(z,0) - z·t + log(1 + e^-|z|), mean
//                  over all elements (PyTorch's BCEWithLogitsLoss).
//
// Bad targets (a class index out of range, shapes that do not match) throw
// std::invalid_argument naming both shapes or the bad value.

#include "engine/Tensor.h"

#include <memory>
#include <string>
#include <vector>

namespace dlab {

enum class LossKind { CrossEntropy, Hinge, MSE, L1, BCEWithLogits };

struct LossResult {
    double loss = 0.0;     // mean over the batch
    int64_t correct = -1;  // rows whose argmax matches the label; -1 when not a classifier
};

class Loss {
public:
    virtual ~Loss() = default;
    virtual LossKind kind() const = 0;
    // Writes dOutput (resized to output's shape) when it is not null.
    virtual LossResult compute(const Tensor& output, const Tensor& targets, Tensor* dOutput) = 0;
};

std::unique_ptr<Loss> makeLoss(LossKind kind);
// "cross_entropy", "hinge", "mse", "l1", "bce_logits"
LossKind parseLossKind(const std::string& name);
std::string lossKindName(LossKind kind);
std::vector<std::string> lossKindNames();
std::string lossKindHelp(LossKind kind);
// True for losses whose targets are class indices and report accuracy.
bool lossIsClassification(LossKind kind);

}  // namespace dlab
