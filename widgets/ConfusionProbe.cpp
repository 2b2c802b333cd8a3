#include "widgets/ConfusionProbe.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "widgets/DataImages.h"

namespace dlab::ui {
namespace {

// Feature samples with more values than this show the first ones and "…".
constexpr int64_t kMaxFeaturesShown = 4;

QString featureText(const data::Dataset& split, int64_t position) {
    const data::SampleStore& store = *split.store;
    std::vector<float> values(static_cast<size_t>(store.sampleNumel()));
    store.readFeatures(split.rows[static_cast<size_t>(position)], values.data());
    QStringList parts;
    const int64_t shown = std::min<int64_t>(kMaxFeaturesShown, store.sampleNumel());
    for (int64_t i = 0; i < shown; ++i) {
        parts << QString::number(values[static_cast<size_t>(i)], 'f', 2);
    }
    if (shown < store.sampleNumel()) {
        parts << QStringLiteral("…");
    }
    return QStringLiteral("(%1)").arg(parts.join(QStringLiteral(", ")));
}

// Why this experiment has no confusion matrix, or empty when it has one.
QString unavailableReason(const InspectContext& context, const data::Dataset& split) {
    if (split.numClasses <= 0 || split.targetSize != 1) {
        return QStringLiteral(
            "No confusion matrix: the data has no classes (a regression target). The matrix "
            "counts which class the network predicts for the samples of each class.");
    }
    if (!lossIsClassification(context.loss)) {
        return QStringLiteral(
                   "No confusion matrix: the loss (%1) does not make the network a classifier. "
                   "Choose cross_entropy or hinge in the training settings.")
            .arg(QString::fromStdString(lossKindName(context.loss)));
    }
    const Shape& out = context.network.outputShape();
    if (out.rank() != 1 || out[0] != split.numClasses) {
        return QStringLiteral(
                   "No confusion matrix: the network's output %1 does not give one score per "
                   "class (%2 classes).")
            .arg(QString::fromStdString(out.str()))
            .arg(split.numClasses);
    }
    if (split.size() == 0) {
        return QStringLiteral("No confusion matrix: the data has no samples.");
    }
    return {};
}

}  // namespace

std::vector<int64_t> ConfusionProbe::evaluatedPositions(int64_t size) {
    const int64_t n = std::min(size, kMaxEvaluated);
    std::vector<int64_t> positions(static_cast<size_t>(std::max<int64_t>(n, 0)));
    for (int64_t i = 0; i < n; ++i) {
        // Evenly spread: a split may be ordered by class.
        positions[static_cast<size_t>(i)] = i * size / n;
    }
    return positions;
}

void ConfusionProbe::capture(InspectContext& context) {
    auto snapshot = std::make_shared<ConfusionSnapshot>();
    snapshot->epoch = context.epoch;
    snapshot->step = context.step;
    snapshot->epochEnd = context.epochEnd;
    const data::Dataset& split = probeSplit(context.data);
    snapshot->onTraining = context.data.split.validation.size() == 0;
    snapshot->splitSize = split.size();
    snapshot->unavailable = unavailableReason(context, split);
    if (!snapshot->unavailable.isEmpty()) {
        publish(std::move(snapshot));
        return;
    }
    const int classes = split.numClasses;
    snapshot->softmaxOfScores = context.loss != LossKind::CrossEntropy;
    for (int k = 0; k < classes; ++k) {
        snapshot->classNames << (k < static_cast<int>(split.classNames.size())
                                     ? QString::fromStdString(
                                           split.classNames[static_cast<size_t>(k)])
                                     : QStringLiteral("class %1").arg(k));
    }

    // At an epoch end the trainer has just run the whole validation split through the
    // network; its outputs are used as they are instead of a second pass.
    const Tensor* given = context.validationOutputs;
    const bool reuse = given && !snapshot->onTraining && given->rank() == 2 &&
                       given->size(0) == split.size() && given->size(1) == classes;
    std::vector<int64_t> positions;
    if (reuse) {
        positions.resize(static_cast<size_t>(split.size()));
        std::iota(positions.begin(), positions.end(), int64_t{0});
    } else {
        positions = evaluatedPositions(split.size());
    }
    ConfusionMatrix matrix(classes);
    MistakeCollector mistakes(kMaxMistakes);
    std::vector<float> probabilities;  // (batch, classes)
    std::vector<int> labels;           // (batch,)
    for (size_t begin = 0; begin < positions.size(); begin += kBatchSize) {
        const size_t end = std::min(positions.size(), begin + kBatchSize);
        const std::vector<int64_t> batch(positions.begin() + static_cast<std::ptrdiff_t>(begin),
                                         positions.begin() + static_cast<std::ptrdiff_t>(end));
        Tensor output;
        if (reuse) {
            output = given->slice(static_cast<int64_t>(begin), static_cast<int64_t>(end));
        } else {
            const Tensor inputs = normalizedSamples(context.data, split, batch);
            output = context.network.forward(inputs, Mode::Eval).to(Device::CPU);
        }
        const auto rows = static_cast<int64_t>(batch.size());
        probabilities.resize(static_cast<size_t>(rows * classes));
        labels.resize(batch.size());
        softmaxRows(output.data(), rows, classes, probabilities.data());
        for (size_t i = 0; i < batch.size(); ++i) {
            labels[i] = split.label(batch[i]);
        }
        tallyBatch(probabilities.data(), rows, classes, labels.data(), batch.data(), matrix,
                   mistakes);
    }
    snapshot->evaluated = matrix.total();
    snapshot->mistakesTotal = mistakes.seen();
    snapshot->matrix = std::move(matrix);

    const bool image = split.isImage();
    std::vector<uint8_t> pixels(image ? static_cast<size_t>(split.store->sampleNumel()) : 0);
    for (const Mistake& m : mistakes.sorted()) {
        ConfusionSnapshot::Entry entry;
        entry.mistake = m;
        const int64_t row = split.rows[static_cast<size_t>(m.position)];
        if (image) {
            split.store->readPixels(row, pixels.data());
            entry.thumbnail = sampleImage(pixels.data(), split.sampleShape());
        } else {
            entry.features = featureText(split, m.position);
        }
        entry.name = QString::fromStdString(split.store->sampleName(row));
        snapshot->mistakes.push_back(std::move(entry));
    }
    publish(std::move(snapshot));
}

void ConfusionProbe::publish(std::shared_ptr<const ConfusionSnapshot> snapshot) {
    {
        const std::lock_guard lock(m_pendingMutex);
        m_pending.push_back(snapshot);
        while (m_pending.size() > kMaxPending) {
            m_pending.pop_front();
        }
    }
    latest.publish(std::move(snapshot));
}

std::vector<std::shared_ptr<const ConfusionSnapshot>> ConfusionProbe::takeNew() {
    const std::lock_guard lock(m_pendingMutex);
    std::vector<std::shared_ptr<const ConfusionSnapshot>> out(m_pending.begin(), m_pending.end());
    m_pending.clear();
    return out;
}

void ConfusionProbe::discardPending() {
    const std::lock_guard lock(m_pendingMutex);
    m_pending.clear();
}

}  // namespace dlab::ui
