// CPU/CUDA parity, one row per primitive the GPU runs so far (the activation kernel of
// the CUDA probe). Skipped with the reason when there is no CUDA build or no GPU.
// Tolerance: 1e-5 relative (the GPU's expf/erff differ from glibc's in the last bits).

#include "engine/Backend.h"
#include "engine/layers/Activation.h"

#ifdef DLAB_HAVE_CUDA
#include "engine/cuda/CudaProbe.h"
#endif

#include <QtTest>

#include <cmath>

using namespace dlab;

class CudaParityTest : public QObject {
    Q_OBJECT
private slots:
    void probeNeverFails() {
        // Whatever the machine, the status is a sentence, not a crash.
        QVERIFY(!cudaStatus().empty());
        qInfo("CUDA status: %s", cudaStatus().c_str());
    }

    void activationParity_data() {
        QTest::addColumn<int>("act");
        for (size_t i = 0; i < activationNames().size(); ++i) {
            QTest::newRow(activationNames()[i].c_str()) << static_cast<int>(i);
        }
    }

    void activationParity() {
#ifndef DLAB_HAVE_CUDA
        QSKIP("built without CUDA (no nvcc at configure time)");
#else
        if (!cudaAvailable()) {
            QSKIP(qPrintable("no usable GPU: " + QString::fromStdString(cudaStatus())));
        }
        QFETCH(int, act);
        std::vector<float> x;
        for (int i = -300; i <= 300; ++i) {
            x.push_back(static_cast<float>(i) * 0.03f);
        }
        std::vector<float> cpu(x.size()), gpu;
        backendFor(Device::CPU).activationForward(static_cast<kernels::Act>(act), 0.1f, x.data(),
                                                  cpu.data(), x.size());
        std::string error;
        QVERIFY2(cuda::activationOnGpu(act, 0.1f, x, gpu, error), error.c_str());
        for (size_t i = 0; i < x.size(); ++i) {
            const float tol = 1e-5f * std::max(1.0f, std::fabs(cpu[i]));
            QVERIFY2(std::fabs(cpu[i] - gpu[i]) <= tol,
                     qPrintable(QString("x=%1 cpu=%2 gpu=%3").arg(x[i]).arg(cpu[i]).arg(gpu[i])));
        }
#endif
    }
};

QTEST_APPLESS_MAIN(CudaParityTest)
#include "CudaParityTest.moc"
