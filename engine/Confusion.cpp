#include "engine/Confusion.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace dlab {

ConfusionMatrix::ConfusionMatrix(int classes)
    : m_classes(std::max(classes, 0)),
      m_counts(static_cast<size_t>(m_classes) * static_cast<size_t>(m_classes), 0) {}

void ConfusionMatrix::add(int trueClass, int predicted) {
    if (trueClass < 0 || trueClass >= m_classes || predicted < 0 || predicted >= m_classes) {
        throw std::out_of_range("confusion matrix of " + std::to_string(m_classes) +
                                " classes: true class " + std::to_string(trueClass) +
                                ", predicted " + std::to_string(predicted));
    }
    ++m_counts[static_cast<size_t>(trueClass) * static_cast<size_t>(m_classes) +
               static_cast<size_t>(predicted)];
    ++m_total;
}

int64_t ConfusionMatrix::count(int trueClass, int predicted) const {
    return m_counts[static_cast<size_t>(trueClass) * static_cast<size_t>(m_classes) +
                    static_cast<size_t>(predicted)];
}

int64_t ConfusionMatrix::correct() const {
    int64_t sum = 0;
    for (int k = 0; k < m_classes; ++k) {
        sum += count(k, k);
    }
    return sum;
}

int64_t ConfusionMatrix::trueTotal(int k) const {
    int64_t sum = 0;
    for (int p = 0; p < m_classes; ++p) {
        sum += count(k, p);
    }
    return sum;
}

int64_t ConfusionMatrix::predictedTotal(int k) const {
    int64_t sum = 0;
    for (int t = 0; t < m_classes; ++t) {
        sum += count(t, k);
    }
    return sum;
}

double ConfusionMatrix::accuracy() const {
    return m_total > 0 ? static_cast<double>(correct()) / static_cast<double>(m_total) : 0.0;
}

double ConfusionMatrix::recall(int k) const {
    const int64_t n = trueTotal(k);
    return n > 0 ? static_cast<double>(count(k, k)) / static_cast<double>(n) : -1.0;
}

double ConfusionMatrix::precision(int k) const {
    const int64_t n = predictedTotal(k);
    return n > 0 ? static_cast<double>(count(k, k)) / static_cast<double>(n) : -1.0;
}

bool moreConfident(const Mistake& a, const Mistake& b) {
    if (a.pPredicted != b.pPredicted) {
        return a.pPredicted > b.pPredicted;
    }
    return a.position < b.position;
}

void MistakeCollector::offer(const Mistake& mistake) {
    ++m_seen;
    if (m_capacity == 0) {
        return;
    }
    // With moreConfident as "less", the heap's front is the least confident kept one.
    if (m_heap.size() < m_capacity) {
        m_heap.push_back(mistake);
        std::push_heap(m_heap.begin(), m_heap.end(), moreConfident);
        return;
    }
    if (moreConfident(mistake, m_heap.front())) {
        std::pop_heap(m_heap.begin(), m_heap.end(), moreConfident);
        m_heap.back() = mistake;
        std::push_heap(m_heap.begin(), m_heap.end(), moreConfident);
    }
}

std::vector<Mistake> MistakeCollector::sorted() const {
    std::vector<Mistake> out = m_heap;
    std::sort(out.begin(), out.end(), moreConfident);
    return out;
}

int argmaxRow(const float* row, int classes) {
    int best = 0;
    for (int k = 1; k < classes; ++k) {
        if (row[k] > row[best]) {
            best = k;
        }
    }
    return best;
}

void softmaxRows(const float* logits, int64_t rows, int classes, float* probabilities) {
    for (int64_t r = 0; r < rows; ++r) {
        const float* z = logits + r * classes;
        float* p = probabilities + r * classes;
        const float top = z[argmaxRow(z, classes)];
        double sum = 0.0;
        for (int k = 0; k < classes; ++k) {
            p[k] = std::exp(z[k] - top);
            sum += p[k];
        }
        const auto inverse = static_cast<float>(1.0 / sum);
        for (int k = 0; k < classes; ++k) {
            p[k] *= inverse;
        }
    }
}

void tallyBatch(const float* probabilities, int64_t rows, int classes, const int* labels,
                const int64_t* positions, ConfusionMatrix& matrix, MistakeCollector& mistakes) {
    for (int64_t r = 0; r < rows; ++r) {
        const float* p = probabilities + r * classes;
        const int truth = labels[r];
        const int predicted = argmaxRow(p, classes);
        matrix.add(truth, predicted);
        if (predicted != truth) {
            mistakes.offer({positions[r], truth, predicted, p[predicted], p[truth]});
        }
    }
}

}  // namespace dlab
