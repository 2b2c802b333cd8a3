#include "engine/Loss.h"

#include "engine/Backend.h"

#include <array>
#include <sstream>
#include <stdexcept>

namespace dlab {
namespace {

struct LossName {
    LossKind kind;
    const char* name;
    bool classification;
    const char* help;
};

constexpr std::array<LossName, 5> kLossNames = {{
    {LossKind::CrossEntropy, "cross_entropy", true,
     "Softmax turns scores into probabilities; the loss is -log p(correct class). At init "
     "with small weights it is ≈ ln(C)."},
    {LossKind::Hinge, "hinge", true,
     "Multiclass SVM loss: Σ over wrong classes of max(0, s_j - s_y + 1). It is zero once the "
     "correct score beats every other by the margin 1; at init with small weights it is "
     "≈ C - 1."},
    {LossKind::MSE, "mse", false,
     "Mean squared error: the mean of (output - target)². For regression; class labels are "
     "turned into one-hot targets."},
    {LossKind::L1, "l1", false,
     "Mean absolute error: the mean of |output - target|. Large errors count linearly, so "
     "outliers pull less than with MSE."},
    {LossKind::BCEWithLogits, "bce_logits", false,
     "Binary cross-entropy on logits: every output is its own yes/no through a sigmoid, "
     "for two classes or several labels at once. The stable form never takes log(0)."},
}};

const LossName& entryFor(LossKind kind) {
    for (const auto& entry : kLossNames) {
        if (entry.kind == kind) {
            return entry;
        }
    }
    throw std::invalid_argument("unknown loss kind " + std::to_string(static_cast<int>(kind)));
}

std::string formatValue(float value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

// Sizes a buffer for `shape` on `device`, keeping its storage when it already fits.
void prepare(Tensor& t, const Shape& shape, Device device) {
    if (!t.defined() || t.device() != device) {
        t = Tensor(shape, device);
    } else {
        t.resize(shape);
    }
}

void requireSameDevice(const char* loss, const Tensor& output, const Tensor& targets) {
    if (output.device() != targets.device()) {
        throw std::invalid_argument(std::string(loss) + ": output is on " +
                                    deviceName(output.device()) + " but targets are on " +
                                    deviceName(targets.device()));
    }
    if (output.rank() == 0 || output.size(0) == 0 || output.numel() == 0) {
        throw std::invalid_argument(std::string(loss) + ": empty batch, output " +
                                    output.shape().str());
    }
}

// Output (N, C) scores and targets (N,) class indices.
void requireClassTargets(const char* loss, const Tensor& output, const Tensor& targets) {
    requireSameDevice(loss, output, targets);
    if (output.rank() != 2 || targets.rank() != 1 || targets.size(0) != output.size(0)) {
        throw std::invalid_argument(std::string(loss) +
                                    ": expected output (N, C) and targets (N,) of class "
                                    "indices, got output " +
                                    output.shape().str() + " and targets " +
                                    targets.shape().str());
    }
}

[[noreturn]] void throwBadLabel(const char* loss, const Tensor& targets, int64_t row,
                                int64_t classes) {
    const float value = targets.slice(row, row + 1).to(Device::CPU).at(0);
    throw std::invalid_argument(std::string(loss) + ": label " + formatValue(value) +
                                " in row " + std::to_string(row) +
                                " is not a class index in [0, " + std::to_string(classes) +
                                ")");
}

// The row a fused primitive stopped at: it returns -(r + 1) for a bad label in row r.
int64_t badRowOf(double total) {
    return static_cast<int64_t>(-total) - 1;
}

// Softmax + negative log-likelihood, fused in the backend.
class CrossEntropyLoss final : public Loss {
public:
    LossKind kind() const override { return LossKind::CrossEntropy; }

    LossResult compute(const Tensor& output, const Tensor& targets, Tensor* dOutput) override {
        requireClassTargets("cross_entropy", output, targets);
        const int64_t rows = output.size(0), classes = output.size(1);
        Backend& be = backendFor(output.device());
        prepare(m_probs, output.shape(), output.device());
        float* grad = nullptr;
        if (dOutput) {
            prepare(*dOutput, output.shape(), output.device());
            grad = dOutput->data();
        }
        LossResult result;
        const double total =
            be.softmaxCrossEntropy(output.data(), targets.data(), rows, classes, m_probs.data(),
                                   grad, 1.0f / static_cast<float>(rows), &result.correct);
        if (total < 0.0) {
            throwBadLabel("cross_entropy", targets, badRowOf(total), classes);
        }
        result.loss = total / static_cast<double>(rows);
        return result;
    }

private:
    Tensor m_probs;  // (N, C) softmax of the last batch
};

// The course's multiclass SVM loss with margin Δ = 1.
class HingeLoss final : public Loss {
public:
    LossKind kind() const override { return LossKind::Hinge; }

    LossResult compute(const Tensor& output, const Tensor& targets, Tensor* dOutput) override {
        requireClassTargets("hinge", output, targets);
        const int64_t rows = output.size(0), classes = output.size(1);
        Backend& be = backendFor(output.device());
        float* grad = nullptr;
        if (dOutput) {
            prepare(*dOutput, output.shape(), output.device());
            grad = dOutput->data();
        }
        LossResult result;
        const double total =
            be.multiclassHinge(output.data(), targets.data(), rows, classes, kMargin, grad,
                               1.0f / static_cast<float>(rows), &result.correct);
        if (total < 0.0) {
            throwBadLabel("hinge", targets, badRowOf(total), classes);
        }
        result.loss = total / static_cast<double>(rows);
        return result;
    }

private:
    static constexpr float kMargin = 1.0f;
};

// MSE and L1: both compare the output with a target of the same shape, element by element.
class ElementwiseLoss final : public Loss {
public:
    explicit ElementwiseLoss(LossKind kind) : m_kind(kind) {}
    LossKind kind() const override { return m_kind; }

    LossResult compute(const Tensor& output, const Tensor& targets, Tensor* dOutput) override {
        const char* name = m_kind == LossKind::MSE ? "mse" : "l1";
        requireSameDevice(name, output, targets);
        const float* target = resolveTargets(name, output, targets);
        Backend& be = backendFor(output.device());
        const auto n = static_cast<size_t>(output.numel());
        const double count = static_cast<double>(n);

        // diff (N, C) = output - target
        prepare(m_diff, output.shape(), output.device());
        be.copy(m_diff.data(), output.data(), n);
        be.axpy(m_diff.data(), target, n, -1.0f);

        LossResult result;
        if (m_kind == LossKind::MSE) {
            result.loss = be.sumSquares(m_diff.data(), n) / count;
        } else {
            result.loss = be.sumAbs(m_diff.data(), n) / count;
        }
        if (dOutput) {
            prepare(*dOutput, output.shape(), output.device());
            if (m_kind == LossKind::MSE) {
                be.copy(dOutput->data(), m_diff.data(), n);
                be.scale(dOutput->data(), n, static_cast<float>(2.0 / count));
            } else {
                be.fill(dOutput->data(), n, 0.0f);
                be.axpySign(dOutput->data(), m_diff.data(), n, static_cast<float>(1.0 / count));
            }
        }
        return result;
    }

private:
    // Target values laid out like the output: as given, (N,) values for a one-column
    // output (a single regression target, not a class index), or class indices one-hot
    // encoded into m_oneHot.
    const float* resolveTargets(const char* name, const Tensor& output, const Tensor& targets) {
        if (targets.shape() == output.shape()) {
            return targets.data();
        }
        if (output.rank() == 2 && targets.rank() == 1 && targets.size(0) == output.size(0)) {
            if (output.size(1) == 1) {
                return targets.data();
            }
            prepare(m_oneHot, output.shape(), output.device());
            const int64_t bad = backendFor(output.device())
                                    .oneHot(targets.data(), output.size(0), output.size(1),
                                            m_oneHot.data());
            if (bad >= 0) {
                throwBadLabel(name, targets, bad, output.size(1));
            }
            return m_oneHot.data();
        }
        std::string expected = output.shape().str() + " like the output";
        if (output.rank() == 2) {
            expected += " or class indices (" + std::to_string(output.size(0)) + ",)";
        }
        throw std::invalid_argument(std::string(name) + ": expected targets " + expected +
                                    ", got " + targets.shape().str());
    }

    LossKind m_kind;
    Tensor m_diff;    // output's shape: output - target
    Tensor m_oneHot;  // (N, C) when the targets are class indices
};

// Binary cross-entropy on logits, every element an independent yes/no.
class BceWithLogitsLoss final : public Loss {
public:
    LossKind kind() const override { return LossKind::BCEWithLogits; }

    LossResult compute(const Tensor& output, const Tensor& targets, Tensor* dOutput) override {
        requireSameDevice("bce_logits", output, targets);
        // (N,) targets for an (N, 1) output hold the same values in the same order.
        const bool column = output.rank() == 2 && output.size(1) == 1 && targets.rank() == 1 &&
                            targets.size(0) == output.size(0);
        if (targets.shape() != output.shape() && !column) {
            throw std::invalid_argument("bce_logits: expected targets " + output.shape().str() +
                                        " like the output (or (N,) for an (N, 1) output), got " +
                                        targets.shape().str());
        }
        Backend& be = backendFor(output.device());
        const auto n = static_cast<size_t>(output.numel());
        float* grad = nullptr;
        if (dOutput) {
            prepare(*dOutput, output.shape(), output.device());
            grad = dOutput->data();
        }
        const double total = be.bceWithLogits(output.data(), targets.data(), n, grad,
                                               static_cast<float>(1.0 / static_cast<double>(n)));
        LossResult result;
        result.loss = total / static_cast<double>(n);
        return result;
    }
};

}  // namespace

std::unique_ptr<Loss> makeLoss(LossKind kind) {
    switch (kind) {
    case LossKind::CrossEntropy: return std::make_unique<CrossEntropyLoss>();
    case LossKind::Hinge: return std::make_unique<HingeLoss>();
    case LossKind::MSE:
    case LossKind::L1: return std::make_unique<ElementwiseLoss>(kind);
    case LossKind::BCEWithLogits: return std::make_unique<BceWithLogitsLoss>();
    }
    throw std::invalid_argument("unknown loss kind " + std::to_string(static_cast<int>(kind)));
}

LossKind parseLossKind(const std::string& name) {
    for (const auto& entry : kLossNames) {
        if (name == entry.name) {
            return entry.kind;
        }
    }
    std::string valid;
    for (const auto& entry : kLossNames) {
        valid += std::string(valid.empty() ? "" : ", ") + entry.name;
    }
    throw std::invalid_argument("unknown loss '" + name + "' (valid: " + valid + ")");
}

std::string lossKindName(LossKind kind) {
    return entryFor(kind).name;
}

std::vector<std::string> lossKindNames() {
    std::vector<std::string> names;
    for (const auto& entry : kLossNames) {
        names.emplace_back(entry.name);
    }
    return names;
}

std::string lossKindHelp(LossKind kind) {
    return entryFor(kind).help;
}

bool lossIsClassification(LossKind kind) {
    return entryFor(kind).classification;
}

}  // namespace dlab
