// Tensor basics: shapes, views share storage, resize keeps storage when it fits, and
// the CPU/CUDA seam reports a missing GPU in words instead of failing.

#include "engine/Backend.h"
#include "engine/Tensor.h"

#include <QtTest>

using namespace dlab;

class TensorTest : public QObject {
    Q_OBJECT
private slots:
    void shapeBasics() {
        Shape s{64, 1, 28, 28};
        QCOMPARE(s.numel(), int64_t(64 * 784));
        QCOMPARE(s.numelFrom(1), int64_t(784));
        QCOMPARE(QString::fromStdString(s.str()), QString("(64, 1, 28, 28)"));
        QCOMPARE(QString::fromStdString(Shape{5}.str()), QString("(5,)"));
        QVERIFY(s.dropBatch() == (Shape{1, 28, 28}));
        QVERIFY(Shape({1, 28, 28}).withBatch(8) == (Shape{8, 1, 28, 28}));
    }

    void viewsShareStorage() {
        Tensor t = Tensor::fromVector({2, 3}, {1, 2, 3, 4, 5, 6});
        Tensor v = t.reshape({3, 2});
        v.at(0) = 10;
        QCOMPARE(t.at(0), 10.0f);
        Tensor row = t.slice(1, 2);
        QCOMPARE(row.shape(), (Shape{1, 3}));
        QCOMPARE(row.at(0), 4.0f);
        Tensor c = t.clone();
        c.at(1) = 99;
        QCOMPARE(t.at(1), 2.0f);
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, t.reshape({4, 2}));
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, t.slice(1, 3));
    }

    void resizeKeepsStorageWhenItFits() {
        Tensor t({64, 100});
        const float* before = t.data();
        t.resize({32, 100});
        QCOMPARE(t.data(), before);
        t.resize({64, 100});
        QCOMPARE(t.data(), before);
        t.resize({65, 100});
        QCOMPARE(t.numel(), int64_t(6500));
    }

    void fromVectorChecksCount() {
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, Tensor::fromVector({2, 2}, {1, 2, 3}));
    }

    void opTableIsComplete() {
        for (const char* name : kOpNames) {
            QVERIFY(name != nullptr && name[0] != '\0');
        }
        QVERIFY(backendFor(Device::CPU).supports(Op::Gemm));
    }

    void gpuAbsenceIsReportedInWords() {
        if (cudaAvailable()) {
            QSKIP("a GPU is present; this test covers machines without one");
        }
        QVERIFY(!cudaStatus().empty());
        try {
            backendFor(Device::CUDA);
            QFAIL("expected an error without a GPU");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("CPU"), e.what());
        }
    }
};

QTEST_APPLESS_MAIN(TensorTest)
#include "TensorTest.moc"
