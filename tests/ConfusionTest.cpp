// The confusion-matrix arithmetic (engine/Confusion.h) on numbers worked out by hand:
// counts, recall, precision and accuracy; a softmax with known values that survives huge
// logits; the mistake collector keeps exactly the most confident mistakes whatever the
// order they come in; a batch tallies into both.

#include <QtTest>
#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

#include "engine/Confusion.h"

using namespace dlab;

class ConfusionTest : public QObject {
    Q_OBJECT

private slots:
    void countsRecallPrecisionAccuracy() {
        // 3 classes; true class 0: 3 right, 1 taken for 2; class 1: 2 right, 2 taken for 0;
        // class 2: never seen.
        ConfusionMatrix m(3);
        for (int i = 0; i < 3; ++i) {
            m.add(0, 0);
        }
        m.add(0, 2);
        m.add(1, 1);
        m.add(1, 1);
        m.add(1, 0);
        m.add(1, 0);
        QCOMPARE(m.classes(), 3);
        QCOMPARE(m.total(), int64_t{8});
        QCOMPARE(m.correct(), int64_t{5});
        QCOMPARE(m.count(0, 0), int64_t{3});
        QCOMPARE(m.count(0, 2), int64_t{1});
        QCOMPARE(m.count(1, 0), int64_t{2});
        QCOMPARE(m.count(2, 2), int64_t{0});
        QCOMPARE(m.counts().size(), size_t{9});
        QCOMPARE(m.counts()[1 * 3 + 0], int64_t{2});  // row-major, rows true
        QCOMPARE(m.trueTotal(0), int64_t{4});
        QCOMPARE(m.trueTotal(1), int64_t{4});
        QCOMPARE(m.predictedTotal(0), int64_t{5});
        QCOMPARE(m.predictedTotal(2), int64_t{1});
        QCOMPARE(m.accuracy(), 5.0 / 8.0);
        QCOMPARE(m.recall(0), 3.0 / 4.0);
        QCOMPARE(m.recall(1), 2.0 / 4.0);
        QCOMPARE(m.recall(2), -1.0);  // no sample of class 2
        QCOMPARE(m.precision(0), 3.0 / 5.0);
        QCOMPARE(m.precision(1), 1.0);
        QCOMPARE(m.precision(2), 0.0);  // predicted once, wrongly
        QCOMPARE(ConfusionMatrix(2).accuracy(), 0.0);
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, m.add(3, 0));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, m.add(0, -1));
        QCOMPARE(m.total(), int64_t{8});
    }

    void softmaxKnownValuesAndHugeLogits() {
        // exp(0) : exp(ln 2) : exp(ln 3) = 1 : 2 : 3.
        const float logits[6] = {0.0f, std::log(2.0f), std::log(3.0f), 1000.0f, 1000.0f, -1000.0f};
        float p[6];
        softmaxRows(logits, 2, 3, p);
        QVERIFY(std::abs(p[0] - 1.0f / 6.0f) < 1e-6f);
        QVERIFY(std::abs(p[1] - 2.0f / 6.0f) < 1e-6f);
        QVERIFY(std::abs(p[2] - 3.0f / 6.0f) < 1e-6f);
        QCOMPARE(p[3], 0.5f);
        QCOMPARE(p[4], 0.5f);
        QCOMPARE(p[5], 0.0f);
        // In place.
        float q[3] = {1.0f, 1.0f, 1.0f};
        softmaxRows(q, 1, 3, q);
        QVERIFY(std::abs(q[0] - 1.0f / 3.0f) < 1e-6f);
        QCOMPARE(argmaxRow(logits, 3), 2);
        QCOMPARE(argmaxRow(logits + 3, 3), 0);  // the first of equal maxima
    }

    void collectorKeepsTheMostConfidentInOrder() {
        std::mt19937 rng(3);
        std::uniform_real_distribution<float> u(0.0f, 1.0f);
        std::vector<Mistake> all;
        for (int64_t i = 0; i < 1000; ++i) {
            // Coarse probabilities so that ties occur and the position decides.
            all.push_back({i, 0, 1, std::round(u(rng) * 50.0f) / 50.0f, 0.1f});
        }
        std::vector<Mistake> shuffled = all;
        std::shuffle(shuffled.begin(), shuffled.end(), rng);
        MistakeCollector collector(25);
        for (const Mistake& m : shuffled) {
            collector.offer(m);
        }
        QCOMPARE(collector.seen(), int64_t{1000});
        std::vector<Mistake> expected = all;
        std::sort(expected.begin(), expected.end(), [](const Mistake& a, const Mistake& b) {
            return a.pPredicted != b.pPredicted ? a.pPredicted > b.pPredicted
                                                : a.position < b.position;
        });
        expected.resize(25);
        const std::vector<Mistake> kept = collector.sorted();
        QCOMPARE(kept.size(), size_t{25});
        for (size_t i = 0; i < kept.size(); ++i) {
            QCOMPARE(kept[i].position, expected[i].position);
            QCOMPARE(kept[i].pPredicted, expected[i].pPredicted);
        }
        MistakeCollector none(0);
        none.offer(all.front());
        QCOMPARE(none.seen(), int64_t{1});
        QVERIFY(none.sorted().empty());
    }

    void batchTalliesRowsAndMistakes() {
        // Rows: predicted 1 (true 1), predicted 0 (true 2, p 0.7), predicted 2 (true 0, p 0.5).
        const float probs[9] = {0.1f, 0.8f, 0.1f, 0.7f, 0.1f, 0.2f, 0.3f, 0.2f, 0.5f};
        const int labels[3] = {1, 2, 0};
        const int64_t positions[3] = {40, 41, 42};
        ConfusionMatrix m(3);
        MistakeCollector mistakes(10);
        tallyBatch(probs, 3, 3, labels, positions, m, mistakes);
        QCOMPARE(m.total(), int64_t{3});
        QCOMPARE(m.count(1, 1), int64_t{1});
        QCOMPARE(m.count(2, 0), int64_t{1});
        QCOMPARE(m.count(0, 2), int64_t{1});
        const std::vector<Mistake> kept = mistakes.sorted();
        QCOMPARE(kept.size(), size_t{2});
        QCOMPARE(kept[0].position, int64_t{41});
        QCOMPARE(kept[0].trueClass, 2);
        QCOMPARE(kept[0].predicted, 0);
        QCOMPARE(kept[0].pPredicted, 0.7f);
        QCOMPARE(kept[0].pTrue, 0.2f);
        QCOMPARE(kept[1].position, int64_t{42});
        QCOMPARE(kept[1].pTrue, 0.3f);
        const int bad[1] = {3};
        QVERIFY_THROWS_EXCEPTION(std::out_of_range,
                                 tallyBatch(probs, 1, 3, bad, positions, m, mistakes));
    }
};

QTEST_APPLESS_MAIN(ConfusionTest)
#include "ConfusionTest.moc"
