// The whole window as a student uses it: it opens with data ready, Train makes curves
// move, an invalid network keeps Train disabled with the reason, an experiment saved and
// reopened is the same, a dropped corrupt file shows its error and loses nothing, and
// closing during training neither hangs nor crashes; every inspection tab fills while a
// run goes on.

#include "app/MainWindow.h"
#include "engine/Experiment.h"
#include "widgets/ControlsBar.h"
#include "widgets/DataPanel.h"
#include "widgets/ExperimentDocument.h"
#include "widgets/InspectPanel.h"
#include "widgets/InspectView.h"
#include "widgets/Inspection.h"
#include "widgets/TrainingSession.h"

#include <QFileInfo>
#include <QMimeData>
#include <QSignalSpy>
#include <QImage>
#include <QTabBar>
#include <QTemporaryDir>
#include <QToolButton>
#include <QtTest>

using namespace dlab;
using namespace dlab::ui;

namespace {

void waitForData(MainWindow& window) {
    QTRY_VERIFY_WITH_TIMEOUT(window.document().preparedData() != nullptr, 30000);
    QTRY_VERIFY_WITH_TIMEOUT(!window.dataPanel().isLoading(), 30000);
}

void dropFiles(MainWindow& window, const QStringList& paths) {
    QMimeData mime;
    QList<QUrl> urls;
    for (const QString& p : paths) {
        urls << QUrl::fromLocalFile(p);
    }
    mime.setUrls(urls);
    const QPoint centre = window.rect().center();
    QDragEnterEvent enter(centre, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(centre), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(&window, &drop);
}

}  // namespace

class MainWindowTest : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        QApplication::setOrganizationName("dlab-test");
        QApplication::setApplicationName("MainWindowTest");
        QSettings().clear();
    }

    void opensReadyToTrainAndCurvesMove() {
        MainWindow window;
        window.setAskBeforeDiscarding(false);
        window.show();
        waitForData(window);
        QToolButton* train = window.controls().trainButton();
        QVERIFY2(train->isEnabled(), qPrintable(train->toolTip()));
        QSignalSpy metrics(&window.session(), &TrainingSession::metrics);
        QTest::mouseClick(train, Qt::LeftButton);
        // "One click on Train and curves move within a second."
        QTRY_VERIFY_WITH_TIMEOUT(metrics.count() > 0, 1000);
        window.session().stop();
    }

    void everyInspectTabFillsWhileTraining() {
        // Click through the central tabs during a run on the spiral set: only the shown
        // view runs a probe; each fills (or, for the image views, says why it cannot);
        // each exports a PNG with something drawn on it.
        MainWindow window;
        window.setAskBeforeDiscarding(false);
        window.resize(1360, 860);
        window.show();
        waitForData(window);
        InspectPanel& tabs = window.inspectPanel();
        QCOMPARE(tabs.views().size(), size_t{7});
        TrainConfig training = window.document().training();
        training.epochs = 100000;  // still running when the last tab is looked at
        window.document().setTraining(training, "many epochs");
        window.session().train();
        QTemporaryDir dir;
        for (InspectView* view : tabs.views()) {
            const QString title = tabs.tabText(tabs.indexOf(view));
            const QRect tabRect = tabs.tabBar()->tabRect(tabs.indexOf(view));
            tabs.tabBar()->setCurrentIndex(tabs.indexOf(view));  // scrolled-out tabs too
            if (tabRect.isValid() && tabs.tabBar()->rect().contains(tabRect.center())) {
                QTest::mouseClick(tabs.tabBar(), Qt::LeftButton, {}, tabRect.center());
            }
            QTRY_VERIFY2(view->active(), qPrintable(title));
            const size_t probes = view->probe() ? 1 : 0;
            QCOMPARE(window.session().inspector().size(), probes);
            const bool imageView = title == "Filters" || title == "Feature maps";
            if (imageView) {
                // The spiral's samples are two numbers, not images.
                QTRY_VERIFY_WITH_TIMEOUT(!view->message().isEmpty(), 10000);
            } else {
                QTest::qWait(600);  // a few periodic captures and chart redraws
                QVERIFY2(view->message().isEmpty(), qPrintable(title + ": " + view->message()));
                if (view->probe()) {
                    QVERIFY2(view->probe()->error().empty(), qPrintable(title));
                }
            }
            const QString png = dir.filePath(title + ".png");
            QVERIFY2(view->exportPng(png), qPrintable(title));
            const QImage image(png);
            QVERIFY2(image.width() > 200 && image.height() > 150, qPrintable(title));
            // More than one colour: something is drawn, not an empty page.
            const QRgb first = image.pixel(0, 0);
            bool drawn = false;
            for (int y = 0; y < image.height() && !drawn; y += 7) {
                for (int x = 0; x < image.width() && !drawn; x += 7) {
                    drawn = image.pixel(x, y) != first;
                }
            }
            QVERIFY2(drawn, qPrintable(title));
        }
        QCOMPARE(window.session().state(), TrainingSession::State::Running);
        window.session().stop();
    }

    void invalidNetworkDisablesTrainWithTheReason() {
        MainWindow window;
        window.setAskBeforeDiscarding(false);
        waitForData(window);
        window.document().setNetwork({LayerSpec("conv2d").set("filters", 4), LayerSpec("flatten"),
                                      LayerSpec("dense").set("units", "classes")},
                                     "Add conv2d");
        QToolButton* train = window.controls().trainButton();
        QTRY_VERIFY(!train->isEnabled());
        QVERIFY2(train->toolTip().contains("layer 1 (conv2d)"), qPrintable(train->toolTip()));
        window.document().undoStack()->undo();
        QTRY_VERIFY(train->isEnabled());
    }

    void saveAndReopenGivesTheSameExperiment() {
        QTemporaryDir dir;
        const QString path = dir.filePath("mine.json");
        std::string saved;
        {
            MainWindow window;
            window.setAskBeforeDiscarding(false);
            waitForData(window);
            auto network = window.document().network();
            network.insert(network.begin() + 2, LayerSpec("dropout").set("rate", 0.25));
            window.document().setNetwork(network, "Add dropout");
            TrainConfig training = window.document().training();
            training.optimizer.hyper.lr = 0.0042f;
            training.batchSize = 48;
            window.document().setTraining(training, "Change settings");
            QVERIFY(window.document().isModified());
            QVERIFY(window.windowTitle().contains("[*]"));
            QVERIFY(window.saveExperimentAs(path));
            QVERIFY(!window.document().isModified());
            saved = experimentToJson(window.document().snapshot());
        }
        MainWindow reopened;
        reopened.setAskBeforeDiscarding(false);
        QVERIFY(reopened.openExperiment(path));
        QCOMPARE(experimentToJson(reopened.document().snapshot()), saved);
        QCOMPARE(reopened.document().network()[2].kind, std::string("dropout"));
        QCOMPARE(reopened.document().training().batchSize, 48);
    }

    // Saving after training writes the weights beside the experiment; reopening loads
    // them, so Train resumes from the trained network.
    void savedWeightsComeBackWithTheExperiment() {
        QTemporaryDir dir;
        const QString path = dir.filePath("trained.json");
        std::vector<float> trained;
        {
            MainWindow window;
            window.setAskBeforeDiscarding(false);
            waitForData(window);
            window.session().train();
            QTRY_VERIFY_WITH_TIMEOUT(window.session().state() == TrainingSession::State::Finished,
                                     60000);
            QVERIFY(window.saveExperimentAs(path));
            QVERIFY(QFileInfo::exists(dir.filePath("trained.dlab")));
            trained = window.session().network()->params()[0].param->value.toVector();
        }
        MainWindow reopened;
        reopened.setAskBeforeDiscarding(false);
        QVERIFY(reopened.openExperiment(path));
        QTRY_VERIFY_WITH_TIMEOUT(reopened.session().network() != nullptr, 30000);
        QVERIFY(reopened.session().network()->params()[0].param->value.toVector() == trained);
    }

    void droppedCorruptFileShowsTheErrorAndKeepsTheData() {
        MainWindow window;
        window.setAskBeforeDiscarding(false);
        window.show();
        waitForData(window);
        const auto before = window.document().preparedData();
        QTemporaryDir dir;
        const QString bad = dir.filePath("broken.csv");
        QFile file(bad);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("x,y,label\n1,2,a\n3,4\n5,6,b\n");
        file.close();
        dropFiles(window, {bad});
        QTRY_VERIFY_WITH_TIMEOUT(!window.dataPanel().errorText().isEmpty(), 10000);
        QVERIFY2(window.dataPanel().errorText().contains("broken.csv"),
                 qPrintable(window.dataPanel().errorText()));
        QCOMPARE(window.document().preparedData(), before);
    }

    void droppedExperimentFileOpens() {
        QTemporaryDir dir;
        const QString path = dir.filePath("lenet.json");
        saveExperiment(presetExperiment("lenet5"), path.toStdString());
        MainWindow window;
        window.setAskBeforeDiscarding(false);
        dropFiles(window, {path});
        QCOMPARE(window.document().experiment().name, std::string("LeNet-5"));
        QCOMPARE(window.document().filePath(), path);
    }

    void closingWhileTrainingDoesNotHang() {
        auto* window = new MainWindow;
        window->setAskBeforeDiscarding(false);
        window->show();
        waitForData(*window);
        window->session().train();
        QTRY_VERIFY(window->session().state() == TrainingSession::State::Running);
        QElapsedTimer timer;
        timer.start();
        window->close();
        delete window;
        QVERIFY2(timer.elapsed() < 2000, "closing took too long");
    }

    void presentationModeEnlargesTheFont() {
        MainWindow window;
        window.setAskBeforeDiscarding(false);
        const qreal normal = QApplication::font().pointSizeF();
        window.setPresentationMode(true);
        QVERIFY(QApplication::font().pointSizeF() > normal * 1.4);
        window.setPresentationMode(false);
        QCOMPARE(QApplication::font().pointSizeF(), normal);
    }
};

QTEST_MAIN(MainWindowTest)
#include "MainWindowTest.moc"
