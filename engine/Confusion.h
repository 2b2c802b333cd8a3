#pragma once
// Confusion: how a classifier's predictions on a labelled set are tallied, for the
// confusion-matrix view. Pure arithmetic over finished network outputs; no network, no
// data set, no Qt.
//
//   probabilities  (N, K) rows of class probabilities (softmaxRows of the logits)
//   labels         N true class indices in [0, K)
//   positions      N positions of those samples in the evaluated split (for the gallery)
//
// The predicted class is the argmax of a row (the first one on a tie, as the trainer's
// accuracy counts it). Thread safety: values; one thread at a time per object.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace dlab {

// K×K counts: rows are the true class, columns the predicted class.
class ConfusionMatrix {
public:
    ConfusionMatrix() = default;
    explicit ConfusionMatrix(int classes);

    int classes() const { return m_classes; }
    // Throws std::out_of_range when either index is not in [0, classes).
    void add(int trueClass, int predicted);
    int64_t count(int trueClass, int predicted) const;
    // Row-major, classes() × classes().
    const std::vector<int64_t>& counts() const { return m_counts; }

    int64_t total() const { return m_total; }
    int64_t correct() const;
    // Samples whose true class is k (row sum) / that were predicted as k (column sum).
    int64_t trueTotal(int k) const;
    int64_t predictedTotal(int k) const;
    // correct / total; 0 for an empty matrix.
    double accuracy() const;
    // Of the samples of class k, the share predicted as k; -1 when class k has none.
    double recall(int k) const;
    // Of the samples predicted as k, the share that are k; -1 when none was predicted k.
    double precision(int k) const;

private:
    int m_classes = 0;
    std::vector<int64_t> m_counts;
    int64_t m_total = 0;
};

// One wrongly classified sample.
struct Mistake {
    int64_t position = 0;  // in the evaluated split
    int trueClass = 0;
    int predicted = 0;
    float pPredicted = 0.0f;  // the probability the classifier gave its (wrong) answer
    float pTrue = 0.0f;       // the probability it gave the right answer
};

// Keeps the `capacity` most confident mistakes offered: highest pPredicted first, an
// earlier position first among equals (so the choice does not depend on batch order).
class MistakeCollector {
public:
    explicit MistakeCollector(size_t capacity) : m_capacity(capacity) {}

    void offer(const Mistake& mistake);
    // Every mistake offered so far (kept or not).
    int64_t seen() const { return m_seen; }
    // The kept ones, most confident first.
    std::vector<Mistake> sorted() const;

private:
    size_t m_capacity;
    int64_t m_seen = 0;
    std::vector<Mistake> m_heap;  // min-heap on confidence: the weakest kept one on top
};

// Whether `a` is a more confident mistake than `b` (the gallery's order).
bool moreConfident(const Mistake& a, const Mistake& b);

// Index of the largest of `classes` values (the first on a tie).
int argmaxRow(const float* row, int classes);

// Row-wise softmax of (rows, classes) logits into `probabilities` (may be the same
// buffer), computed as exp(z - max) / Σ exp(z - max) so large logits do not overflow.
void softmaxRows(const float* logits, int64_t rows, int classes, float* probabilities);

// Tallies one batch: every row into `matrix`, every wrong one into `mistakes`.
// Throws std::out_of_range for a label outside [0, classes).
void tallyBatch(const float* probabilities, int64_t rows, int classes, const int* labels,
                const int64_t* positions, ConfusionMatrix& matrix, MistakeCollector& mistakes);

}  // namespace dlab
