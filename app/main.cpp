// dlab: the lab window.
//
//   dlab [EXPERIMENT.json]
//   dlab --screenshot FILE.png [--state fresh|training|error] [--size WxH] [--presentation]
//        [--preset NAME] [--tab TITLE] [--dark]
//
// The screenshot mode renders the real window offscreen in one state and saves it, so
// every change to the GUI can be looked at (see tools/screenshots.sh).

#include "app/MainWindow.h"
#include "engine/cpu/Blas.h"
#include "widgets/ControlsBar.h"
#include "widgets/DataPanel.h"
#include "widgets/ExperimentDocument.h"
#include "widgets/InspectPanel.h"
#include "widgets/TrainingSession.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSettings>
#include <QTemporaryDir>
#include <QTimer>


#include <cstdio>
#include <cstring>

namespace {

using dlab::ui::MainWindow;

void waitFor(const std::function<bool()>& done, int timeoutMs) {
    QElapsedTimer timer;
    timer.start();
    while (!done() && timer.elapsed() < timeoutMs) {
        QApplication::processEvents(QEventLoop::AllEvents, 20);
    }
}

void settle(int ms) {
    waitFor([] { return false; }, ms);
}

int screenshot(MainWindow& window, const QString& file, const QString& state,
               const QString& tab) {
    window.setAskBeforeDiscarding(false);
    window.show();
    if (!tab.isEmpty()) {
        auto& tabs = window.inspectPanel();
        int found = -1;
        for (int i = 0; i < tabs.count(); ++i) {
            if (tabs.tabText(i).compare(tab, Qt::CaseInsensitive) == 0) {
                found = i;
            }
        }
        if (found < 0) {
            std::fprintf(stderr, "no tab named %s\n", qPrintable(tab));
            return 1;
        }
        tabs.setCurrentIndex(found);
    }
    auto& document = window.document();
    bool loaded = document.preparedData() != nullptr;
    QObject::connect(&document, &dlab::ui::ExperimentDocument::dataLoaded,
                     [&loaded] { loaded = true; });
    // After --preset the previous experiment's data may still be there: wait until the
    // data fits the network.
    waitFor([&] { return loaded && window.session().cannotTrainReason().isEmpty(); }, 60000);
    if (state == "training") {
        window.session().train();
        waitFor([&] { return window.session().state() != dlab::ui::TrainingSession::State::Running; },
                2500);
        window.session().pause();
    } else if (state == "error") {
        QTemporaryDir dir;
        const QString bad = dir.filePath("train-images-idx3-ubyte");
        QFile f(bad);
        f.open(QIODevice::WriteOnly);
        f.write("this is not an IDX file, it is text someone renamed");
        f.close();
        window.dataPanel().loadPaths({bad});
        settle(1500);
    }
    settle(400);
    const bool ok = window.grab().save(file);
    std::fprintf(ok ? stdout : stderr, "%s %s\n", ok ? "wrote" : "could not write",
                 qPrintable(file));
    window.session().stop();
    return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    dlab::blas::ensureFastKernels(argv);
    bool shot = false;
    for (int i = 1; i < argc; ++i) {
        shot = shot || std::strcmp(argv[i], "--screenshot") == 0;
    }
    if (shot && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        qputenv("QT_QPA_PLATFORM", "offscreen");
    }
    // OpenBLAS keeps its default of one thread per core, as dlab-train does: the GUI
    // thread needs ~10 % of a core while training (charts at 10 Hz), and an OpenBLAS thread
    // fewer cost more than that (bench/bench_session compares the two).
    QApplication app(argc, argv);
    QApplication::setOrganizationName("dlab");
    QApplication::setApplicationName(shot ? "dlab-screenshot" : "dlab");

    QCommandLineParser parser;
    parser.setApplicationDescription("dlab — the Deep Learning Lab");
    parser.addHelpOption();
    parser.addPositionalArgument("experiment", "An experiment file to open.", "[EXPERIMENT.json]");
    QCommandLineOption shotOption("screenshot", "Render the window to FILE and exit.", "FILE");
    QCommandLineOption stateOption("state", "fresh, training or error.", "STATE", "fresh");
    QCommandLineOption sizeOption("size", "Window size for the screenshot.", "WxH", "1360x860");
    QCommandLineOption presentationOption("presentation", "Start in presentation mode.");
    QCommandLineOption presetOption("preset", "Start from a built-in experiment.", "NAME");
    QCommandLineOption tabOption("tab", "Show this central tab in the screenshot.", "TITLE");
    QCommandLineOption darkOption("dark", "Start with the dark palette.");
    parser.addOptions({shotOption, stateOption, sizeOption, presentationOption, presetOption,
                       tabOption, darkOption});
    parser.process(app);

    if (shot) {
        // Screenshots start from defaults, not from this user's saved layout.
        QSettings().clear();
    }
    MainWindow window;
    if (!parser.positionalArguments().isEmpty()) {
        window.openExperiment(parser.positionalArguments().front());
    } else if (parser.isSet(presetOption)) {
        window.setAskBeforeDiscarding(false);
        window.newFromPreset(parser.value(presetOption));
    }
    if (parser.isSet(presentationOption)) {
        window.setPresentationMode(true);
    }
    if (parser.isSet(darkOption)) {
        window.setDarkPalette(true);
    }
    if (shot) {
        const QStringList size = parser.value(sizeOption).split('x');
        if (size.size() == 2) {
            window.resize(size[0].toInt(), size[1].toInt());
        }
        return screenshot(window, parser.value(shotOption), parser.value(stateOption),
                          parser.value(tabOption));
    }
    window.show();
    return app.exec();
}
