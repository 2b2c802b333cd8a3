// bench_views: what the inspection views cost the training speed.
//
//   bench_views [--preset NAME] [--epochs E] [--repeat R] [--only TITLE]
//
// Builds the real lab window (offscreen) on a preset and trains it twice per repeat from
// the same initial weights: once with only the curves showing (every inspection view
// hidden, so registered nowhere), once with every inspection view taken out of the tabs
// and shown in a window of its own, so all of them capture at once. The better run of
// each kind counts. Prints
//   views none samples_per_s=61234 all samples_per_s=60011 ratio=0.980
//   capture_share=0.031 captures_s=0.41 (time the run spent capturing, epoch ends included,
//                                        over its training time; all views showing)
//   views: Update ratios, Gradient flow, ...

#include "app/MainWindow.h"
#include "bench/ThreadCpu.h"
#include "engine/cpu/Blas.h"
#include "widgets/ExperimentDocument.h"
#include "widgets/InspectPanel.h"
#include "widgets/InspectView.h"
#include "widgets/TrainingSession.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QSettings>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <string>


namespace {

using namespace dlab;
using dlab::ui::MainWindow;
using dlab::ui::TrainingSession;

struct Options {
    QString preset = "mlp";
    int epochs = 2;
    int repeat = 2;
    QString only;  // --only TITLE: show just this view (to find which one costs)
};

struct Run {
    double samplesPerSecond = 0.0;
    double trainSeconds = 0.0;
    double captureSeconds = 0.0;
    double guiCpuSeconds = 0.0;  // CPU time of the GUI thread during the run
};

void waitFor(const std::function<bool()>& done, int timeoutMs) {
    QElapsedTimer timer;
    timer.start();
    while (!done() && timer.elapsed() < timeoutMs) {
        QApplication::processEvents(QEventLoop::AllEvents, 20);
    }
}

Run train(MainWindow& window) {
    TrainingSession& session = window.session();
    session.resetWeights();
    session.waitForCaptures();
    const double captureBefore = session.inspector().captureSeconds();
    Run run;
    QEventLoop loop;
    QString error;
    const auto finished = QObject::connect(&session, &TrainingSession::finished,
                                           [&](const TrainResult& result) {
                                               run.samplesPerSecond = result.samplesPerSecond;
                                               // The run's own captures, not the idle one
                                               // that follows it.
                                               run.captureSeconds =
                                                   session.inspector().captureSeconds() -
                                                   captureBefore;
                                               loop.quit();
                                           });
    const auto failed =
        QObject::connect(&session, &TrainingSession::failed, [&](const QString& message) {
            error = message;
            loop.quit();
        });
    const double cpuBefore = bench::threadCpuSeconds();
    session.train();
    if (error.isEmpty()) {
        loop.exec();
    }
    run.guiCpuSeconds = bench::threadCpuSeconds() - cpuBefore;
    QObject::disconnect(finished);
    QObject::disconnect(failed);
    if (!error.isEmpty()) {
        std::fprintf(stderr, "bench_views: %s\n", qPrintable(error));
        std::exit(1);
    }
    session.waitForCaptures();
    run.trainSeconds = session.progress().elapsedSeconds;
    return run;
}

Options parseOptions(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const std::string value = i + 1 < argc ? argv[++i] : "";
        if (arg == "--preset") {
            o.preset = QString::fromStdString(value);
        } else if (arg == "--epochs") {
            o.epochs = std::max(1, std::stoi(value));
        } else if (arg == "--only") {
            o.only = QString::fromStdString(value);
        } else if (arg == "--repeat") {
            o.repeat = std::max(1, std::stoi(value));
        } else {
            std::fprintf(stderr,
                         "usage: bench_views [--preset NAME] [--epochs E] [--repeat R] "
                         "[--only TITLE]\n");
            std::exit(2);
        }
    }
    return o;
}

}  // namespace

int main(int argc, char** argv) {
    blas::ensureFastKernels(argv);
    // The window's OpenBLAS setting (app/main.cpp): its default, one thread per core.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    QApplication app(argc, argv);
    QApplication::setOrganizationName("dlab");
    QApplication::setApplicationName("dlab-bench");
    QSettings().clear();
    const Options o = parseOptions(argc, argv);

    MainWindow window;
    window.setAskBeforeDiscarding(false);
    window.resize(1360, 860);
    window.show();
    window.newFromPreset(o.preset);
    waitFor([&] { return window.session().cannotTrainReason().isEmpty(); }, 120000);
    if (!window.session().cannotTrainReason().isEmpty()) {
        std::fprintf(stderr, "bench_views: %s\n",
                     qPrintable(window.session().cannotTrainReason()));
        return 1;
    }
    {
        ui::ExperimentDocument& document = window.document();
        TrainConfig training = document.training();
        training.epochs = o.epochs;
        document.setTraining(training, "bench epochs");
    }

    auto& tabs = window.inspectPanel();
    std::vector<ui::InspectView*> views = tabs.views();
    if (!o.only.isEmpty()) {
        std::erase_if(views, [&](ui::InspectView* v) {
            return tabs.tabText(tabs.indexOf(v)).compare(o.only, Qt::CaseInsensitive) != 0;
        });
    }
    tabs.setCurrentIndex(0);  // the curves: every inspection view hidden
    QString names;
    for (ui::InspectView* v : views) {
        names += (names.isEmpty() ? "" : ", ") + tabs.tabText(tabs.indexOf(v));
    }

    Run bestNone;
    Run bestAll;
    for (int r = 0; r < o.repeat; ++r) {
        const Run none = train(window);
        // Every view in a window of its own: all visible, all capturing.
        for (ui::InspectView* v : views) {
            v->setParent(nullptr);
            v->resize(900, 650);
            v->show();
        }
        const Run all = train(window);
        for (ui::InspectView* v : views) {
            v->hide();
        }
        std::printf(
            "  run %d: none samples_per_s=%.0f gui_cpu_s=%.2f | all samples_per_s=%.0f "
            "gui_cpu_s=%.2f capture_s=%.2f\n",
            r + 1, none.samplesPerSecond, none.guiCpuSeconds, all.samplesPerSecond,
            all.guiCpuSeconds, all.captureSeconds);
        if (none.samplesPerSecond > bestNone.samplesPerSecond) {
            bestNone = none;
        }
        if (all.samplesPerSecond > bestAll.samplesPerSecond) {
            bestAll = all;
        }
    }
    std::printf("views none samples_per_s=%.0f all samples_per_s=%.0f ratio=%.3f\n",
                bestNone.samplesPerSecond, bestAll.samplesPerSecond,
                bestNone.samplesPerSecond > 0 ? bestAll.samplesPerSecond / bestNone.samplesPerSecond
                                              : 0.0);
    std::printf("capture_share=%.3f captures_s=%.2f\n",
                bestAll.trainSeconds > 0 ? bestAll.captureSeconds / bestAll.trainSeconds : 0.0,
                bestAll.captureSeconds);
    std::printf("views: %s\n", qPrintable(names));
    for (ui::InspectView* v : views) {
        delete v;  // they left the window's tabs above
    }
    return 0;
}
