// bench_session: the lab window's training speed against dlab-train's, and how promptly
// the window's event loop answers while a run goes on.
//
//   bench_session [--preset NAME] [--limit N] [--epochs E] [--repeat R]
//                 [--cli PATH/TO/dlab-train] [--no-curves]
//
// The window side is a TrainingSession in an offscreen QApplication feeding the window's
// own CurvesPanel, shown, as in the lab window with the curves live. The command-line
// side runs dlab-train as a subprocess on the same experiment. Both report the trainer's
// own samples per second (training steps only); the runs alternate, R of each, and the
// better of each side counts. The event-loop latency is measured in one more window run
// after those: its 5 ms timer wakes the GUI thread 200 times a second, which a real
// window does not do, and would slow the runs it measures. Prints
//   session samples_per_s=61234 cli samples_per_s=62527 ratio=0.979
//   session wall_s=... cli wall_s=...
//   ui_latency p50_ms=0.21 p99_ms=3.10 max_ms=9.80 samples=1234
//   ui_latency_idle p50_ms=... (the same probe for 3 s before any training)
// where the latency is how late a 5 ms timer fires during the window's runs.
//
// OpenBLAS reads OPENBLAS_NUM_THREADS when it is loaded; dlab-train inherits this
// program's environment, so both sides see the same setting.

#include "datasets/Prepare.h"
#include "engine/Experiment.h"
#include "bench/ThreadCpu.h"
#include "engine/cpu/Blas.h"
#include "widgets/CurvesPanel.h"
#include "widgets/ExperimentDocument.h"
#include "widgets/TrainingSession.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace {

using namespace dlab;
using dlab::ui::TrainingSession;

constexpr int kProbeIntervalMs = 5;
constexpr int kCurvesWidth = 1000;
constexpr int kCurvesHeight = 700;
constexpr int kIdleProbeMs = 3000;

struct Options {
    std::string preset = "mlp";
    int64_t limit = 0;
    int epochs = 3;
    int repeat = 2;
    QString cli;
    bool curves = true;  // --no-curves: the session alone, to tell its cost from the charts'
};

struct SessionRun {
    double samplesPerSecond = 0.0;
    double wallSeconds = 0.0;
    double guiCpuSeconds = 0.0;    // CPU time of the GUI thread during the run
    double startCpuSeconds = 0.0;  // of which starting it (building loaders, the network)
};

// A 5 ms timer that notes how late each tick comes, in milliseconds.
class LatencyProbe {
public:
    explicit LatencyProbe(std::vector<double>& lateness) {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(kProbeIntervalMs);
        QObject::connect(&m_timer, &QTimer::timeout, [this, &lateness] {
            const qint64 now = m_clock.nsecsElapsed();
            if (m_lastTickNs > 0) {
                lateness.push_back(static_cast<double>(now - m_lastTickNs) / 1e6 -
                                   kProbeIntervalMs);
            }
            m_lastTickNs = now;
        });
        m_clock.start();
        m_timer.start();
    }

private:
    QElapsedTimer m_clock;
    QTimer m_timer;
    qint64 m_lastTickNs = 0;
};

// `lateness`: when given, a LatencyProbe runs during the run and fills it.
SessionRun runSession(ui::ExperimentDocument& document, ui::CurvesPanel* curves,
                      std::vector<double>* lateness) {
    TrainingSession session(document);
    if (curves) {
        curves->connectSession(session);
    }

    SessionRun run;
    QEventLoop loop;
    QString error;
    QObject::connect(&session, &TrainingSession::finished, [&](const TrainResult& result) {
        run.samplesPerSecond = result.samplesPerSecond;
        loop.quit();
    });
    QObject::connect(&session, &TrainingSession::failed, [&](const QString& message) {
        error = message;
        loop.quit();
    });
    QElapsedTimer wall;
    wall.start();
    const double cpuBefore = bench::threadCpuSeconds();
    {
        std::unique_ptr<LatencyProbe> probe;
        if (lateness) {
            probe = std::make_unique<LatencyProbe>(*lateness);
        }
        session.train();
        run.startCpuSeconds = bench::threadCpuSeconds() - cpuBefore;
        if (error.isEmpty()) {
            loop.exec();
        }
    }
    run.wallSeconds = static_cast<double>(wall.nsecsElapsed()) / 1e9;
    run.guiCpuSeconds = bench::threadCpuSeconds() - cpuBefore;
    if (!error.isEmpty()) {
        std::fprintf(stderr, "bench_session: %s\n", qPrintable(error));
        std::exit(1);
    }
    return run;
}

SessionRun runCli(const Options& o) {
    QTemporaryDir out;
    QStringList args{"--preset", QString::fromStdString(o.preset),
                     "--epochs", QString::number(o.epochs),
                     "--quiet",  "--out",
                     out.path()};
    if (o.limit > 0) {
        args << "--limit" << QString::number(o.limit);
    }
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    QElapsedTimer wall;
    wall.start();
    process.start(o.cli, args);
    if (!process.waitForFinished(-1) || process.exitCode() != 0) {
        std::fprintf(stderr, "bench_session: %s failed:\n%s\n", qPrintable(o.cli),
                     process.readAll().constData());
        std::exit(1);
    }
    SessionRun run;
    run.wallSeconds = static_cast<double>(wall.nsecsElapsed()) / 1e9;
    const QString text = QString::fromUtf8(process.readAll());
    const auto match = QRegularExpression("samples_per_s=([0-9.]+)").match(text);
    run.samplesPerSecond = match.hasMatch() ? match.captured(1).toDouble() : 0.0;
    return run;
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) {
        return 0.0;
    }
    std::sort(values.begin(), values.end());
    const auto i = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(i, values.size() - 1)];
}

void printLatency(const char* name, const std::vector<double>& lateness) {
    std::printf("%s p50_ms=%.2f p99_ms=%.2f max_ms=%.2f samples=%zu\n", name,
                percentile(lateness, 0.5), percentile(lateness, 0.99),
                lateness.empty() ? 0.0 : *std::max_element(lateness.begin(), lateness.end()),
                lateness.size());
}

Options parseOptions(int argc, char** argv) {
    Options o;
    o.cli = QDir(QCoreApplication::applicationDirPath()).filePath("../tools/dlab-train");
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--no-curves") {
            o.curves = false;
            continue;
        }
        const std::string value = i + 1 < argc ? argv[++i] : "";
        if (arg == "--preset") {
            o.preset = value;
        } else if (arg == "--limit") {
            o.limit = std::stoll(value);
        } else if (arg == "--epochs") {
            o.epochs = std::stoi(value);
        } else if (arg == "--repeat") {
            o.repeat = std::max(1, std::stoi(value));
        } else if (arg == "--cli") {
            o.cli = QString::fromStdString(value);
        } else {
            std::fprintf(stderr,
                         "usage: bench_session [--preset NAME] [--limit N] [--epochs E] "
                         "[--repeat R] [--cli PATH] [--no-curves]\n");
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
    const Options o = parseOptions(argc, argv);

    Experiment ex = presetExperiment(o.preset);
    ex.training.epochs = o.epochs;
    if (o.limit > 0) {
        ex.data["limit"] = o.limit;
    }
    ui::ExperimentDocument document;
    document.reset(ex);
    document.setPreparedData(std::make_shared<data::PreparedData>(
        data::prepareData(data::parseDataConfig(document.experiment().data))));
    // The window's own curves, shown (offscreen), fed by the session as in the window.
    ui::CurvesPanel curves;
    curves.resize(kCurvesWidth, kCurvesHeight);
    if (o.curves) {
        curves.show();
    }

    // The same probe with nothing training, for comparison: what the machine itself adds.
    std::vector<double> idleLateness;
    {
        LatencyProbe probe(idleLateness);
        QEventLoop idle;
        QTimer::singleShot(kIdleProbeMs, &idle, &QEventLoop::quit);
        idle.exec();
    }

    SessionRun bestSession;
    SessionRun bestCli;
    std::vector<double> lateness;
    for (int r = 0; r < o.repeat; ++r) {
        const SessionRun cli = runCli(o);
        const SessionRun session = runSession(document, o.curves ? &curves : nullptr, nullptr);
        std::printf(
            "  run %d: session samples_per_s=%.0f wall_s=%.2f gui_cpu_s=%.3f (start %.3f) | "
            "cli samples_per_s=%.0f wall_s=%.2f\n",
            r + 1, session.samplesPerSecond, session.wallSeconds, session.guiCpuSeconds,
            session.startCpuSeconds, cli.samplesPerSecond, cli.wallSeconds);
        if (session.samplesPerSecond > bestSession.samplesPerSecond) {
            bestSession = session;
        }
        if (cli.samplesPerSecond > bestCli.samplesPerSecond) {
            bestCli = cli;
        }
    }
    runSession(document, o.curves ? &curves : nullptr, &lateness);
    std::printf("session samples_per_s=%.0f cli samples_per_s=%.0f ratio=%.3f\n",
                bestSession.samplesPerSecond, bestCli.samplesPerSecond,
                bestCli.samplesPerSecond > 0.0
                    ? bestSession.samplesPerSecond / bestCli.samplesPerSecond
                    : 0.0);
    std::printf(
        "session wall_s=%.2f cli wall_s=%.2f (cli wall includes process start and "
        "data loading)\n",
        bestSession.wallSeconds, bestCli.wallSeconds);
    printLatency("ui_latency", lateness);
    printLatency("ui_latency_idle", idleLateness);
    return 0;
}
