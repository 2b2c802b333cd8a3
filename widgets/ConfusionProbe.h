#pragma once
// ConfusionProbe: evaluates the classifier on the validation split (the training split
// when there is no validation split) and publishes the confusion matrix and the most
// confident mistakes, at every epoch end and on request. The ConfusionView draws them.
//
// A capture runs the network in Mode::Eval over the split in batches of kBatchSize (at
// most kMaxEvaluated samples, evenly spread over the split when it is larger), takes the
// softmax of each output row, the argmax as the prediction, and tallies (engine/
// Confusion.h). The thumbnails of the mistakes are built here as QImage (image data), or
// their feature values as text (feature data), so the GUI thread only paints.
//
// Snapshots are kept in order, not only the latest: a small data set ends several epochs
// between two redraws, and the view shows every epoch on its slider (takeNew).
// Thread safety: capture() on the training or capture thread; latest, takeNew and
// discardPending from any thread.

#include <QImage>
#include <QString>
#include <QStringList>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "engine/Confusion.h"
#include "widgets/Inspection.h"

namespace dlab::ui {

struct ConfusionSnapshot {
    // When it was taken: after epoch `epoch` ended (epochEnd), or at step `step` of the
    // run (a requested capture, possibly mid-epoch; epoch 0 and step 0: initialization).
    int epoch = 0;
    int64_t step = 0;
    bool epochEnd = false;

    // Why there is no matrix (regression data or loss, outputs that do not match the
    // classes); empty when there is one.
    QString unavailable;

    bool onTraining = false;       // the split has no validation samples: the training split
    int64_t splitSize = 0;         // samples in the evaluated split
    int64_t evaluated = 0;         // samples evaluated (= matrix.total())
    bool softmaxOfScores = false;  // the loss does not train probabilities (hinge)
    QStringList classNames;        // classes() entries
    ConfusionMatrix matrix;

    struct Entry {
        Mistake mistake;
        QImage thumbnail;  // the sample's pixels (image data); null for feature data
        QString features;  // the raw feature values (feature data), e.g. "(0.53, -1.20)"
        QString name;      // where the sample came from (a file name), may be empty
    };
    std::vector<Entry> mistakes;  // most confident first, at most kMaxMistakes
    int64_t mistakesTotal = 0;    // wrongly classified samples among the evaluated
};

class ConfusionProbe final : public Probe {
public:
    static constexpr int kBatchSize = 256;
    static constexpr int64_t kMaxEvaluated = 10000;
    static constexpr int kMaxMistakes = 60;
    // Snapshots waiting for the view; beyond this the oldest are dropped.
    static constexpr size_t kMaxPending = 256;

    void capture(InspectContext& context) override;
    bool wantsEpochEnd() const override { return true; }
    bool wantsPeriodic() const override { return false; }

    Latest<ConfusionSnapshot> latest;
    // Every snapshot published since the last call, oldest first.
    std::vector<std::shared_ptr<const ConfusionSnapshot>> takeNew();
    // Drops what the view has not taken yet (a new run started: those are of the old one).
    void discardPending();

    // The positions of `size` samples that a capture evaluates: all of them, or
    // kMaxEvaluated evenly spaced ones.
    static std::vector<int64_t> evaluatedPositions(int64_t size);

private:
    void publish(std::shared_ptr<const ConfusionSnapshot> snapshot);

    std::mutex m_pendingMutex;
    std::deque<std::shared_ptr<const ConfusionSnapshot>> m_pending;
};

}  // namespace dlab::ui
