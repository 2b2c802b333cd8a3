// TrainingSettingsPanel: edits become undoable document changes, hyperparameters show
// only for the optimizer and schedule that use them, the schedule plot matches the
// engine's schedule, and the GPU entry explains why it is disabled.

#include "widgets/TrainingSettingsPanel.h"

#include "engine/Backend.h"
#include "widgets/ExperimentDocument.h"
#include "widgets/LineChart.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTest>
#include <QUndoStack>

using namespace dlab;
using namespace dlab::ui;

namespace {

template <typename T>
T* field(QWidget& panel, const char* name) {
    T* w = panel.findChild<T*>(name);
    if (!w) {
        qFatal("no field named %s", name);
    }
    return w;
}

bool shown(QWidget& panel, const char* name) {
    return field<QWidget>(panel, name)->isVisibleTo(&panel);
}

void chooseByData(QComboBox* combo, const QString& data) {
    // As a user with the keyboard: step through the list until the entry is current.
    combo->setFocus();
    const int target = combo->findData(data);
    QVERIFY(target >= 0);
    while (combo->currentIndex() != target) {
        QTest::keyClick(combo, combo->currentIndex() < target ? Qt::Key_Down : Qt::Key_Up);
    }
}

void typeInto(QLineEdit* edit, const QString& text) {
    edit->setFocus();
    edit->selectAll();
    QTest::keyClicks(edit, text);
    QTest::keyClick(edit, Qt::Key_Return);
}

}  // namespace

class TrainingSettingsPanelTest : public QObject {
    Q_OBJECT
private slots:
    void optimizerChoiceShowsItsHyperparameters() {
        ExperimentDocument document;
        TrainingSettingsPanel panel(document);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto* optimizer = field<QComboBox>(panel, "optimizer");
        const auto before = document.training().optimizer.kind;

        chooseByData(optimizer, "momentum");
        QCOMPARE(document.training().optimizer.kind, kernels::OptKind::Momentum);
        QVERIFY(shown(panel, "momentum"));
        QVERIFY(!shown(panel, "beta1") && !shown(panel, "beta2") && !shown(panel, "eps"));
        QVERIFY(!shown(panel, "rmsDecay"));

        chooseByData(optimizer, "rmsprop");
        QVERIFY(shown(panel, "rmsDecay") && shown(panel, "eps"));
        QVERIFY(!shown(panel, "momentum") && !shown(panel, "beta1"));

        chooseByData(optimizer, "adagrad");
        QVERIFY(shown(panel, "eps") && !shown(panel, "rmsDecay"));

        chooseByData(optimizer, "adamw");
        QCOMPARE(document.training().optimizer.kind, kernels::OptKind::AdamW);
        QVERIFY(shown(panel, "beta1") && shown(panel, "beta2") && shown(panel, "eps"));
        QVERIFY(!shown(panel, "momentum"));

        chooseByData(optimizer, "sgd");
        QVERIFY(!shown(panel, "momentum") && !shown(panel, "beta1") && !shown(panel, "eps"));
        QVERIFY(shown(panel, "learningRate") && shown(panel, "weightDecay"));

        // Every step was one undoable edit; undoing them all restores the start.
        QUndoStack* undo = document.undoStack();
        QCOMPARE(undo->undoText(), QString("Change optimizer"));
        while (undo->canUndo()) {
            undo->undo();
        }
        QCOMPARE(document.training().optimizer.kind, before);
        QCOMPARE(optimizer->currentData().toString(),
                 QString::fromStdString(optKindName(before)));
    }

    void learningRateAcceptsScientificNotation() {
        ExperimentDocument document;
        TrainingSettingsPanel panel(document);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        auto* lr = field<QLineEdit>(panel, "learningRate");
        const float before = document.training().optimizer.hyper.lr;
        typeInto(lr, "3e-4");
        QCOMPARE(document.training().optimizer.hyper.lr, 3e-4f);
        QCOMPARE(lr->text(), QString("0.0003"));
        QCOMPARE(document.undoStack()->undoText(), QString("Change learning rate"));

        // Nonsense is refused in words, and the field shows the document's value again.
        const int edits = document.undoStack()->count();
        typeInto(lr, "fast");
        QCOMPARE(document.undoStack()->count(), edits);
        QCOMPARE(lr->text(), QString("0.0003"));
        auto* message = field<QLabel>(panel, "message");
        QVERIFY(message->isVisibleTo(&panel));
        QVERIFY(message->text().contains("Learning rate"));
        typeInto(lr, "-1");
        QCOMPARE(document.training().optimizer.hyper.lr, 3e-4f);

        document.undoStack()->undo();
        QCOMPARE(document.training().optimizer.hyper.lr, before);
        QCOMPARE(lr->text(), QString::number(before, 'g', 6));
    }

    void controlsFollowTheDocument() {
        ExperimentDocument document;
        TrainingSettingsPanel panel(document);
        TrainConfig config = document.training();
        config.batchSize = 77;
        config.epochs = 12;
        config.regularization.l1 = 1e-4;
        config.regularization.l2 = 1e-3;
        config.earlyStoppingPatience = 4;
        config.optimizer.kind = kernels::OptKind::Nesterov;
        const int edits = document.undoStack()->count();
        document.setTraining(config, "Load settings");
        // The sync itself pushes nothing.
        QCOMPARE(document.undoStack()->count(), edits + 1);
        QCOMPARE(field<QSpinBox>(panel, "batchSize")->value(), 77);
        QCOMPARE(field<QSpinBox>(panel, "epochs")->value(), 12);
        QCOMPARE(field<QSpinBox>(panel, "patience")->value(), 4);
        QCOMPARE(field<QLineEdit>(panel, "l1")->text(), QString("0.0001"));
        QCOMPARE(field<QLabel>(panel, "penaltyKind")->text(), QString("elastic net (L1 + L2)"));
        QCOMPARE(field<QComboBox>(panel, "optimizer")->currentData().toString(),
                 QString("nesterov"));

        // Passing through a field without typing changes nothing, even where the field
        // shows a rounded value.
        config = document.training();
        config.regularization.l2 = 0.000123456789;
        document.setTraining(config, "Load settings");
        const int before = document.undoStack()->count();
        auto* l2 = field<QLineEdit>(panel, "l2");
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        l2->setFocus();
        QTest::keyClick(l2, Qt::Key_Return);
        field<QLineEdit>(panel, "l1")->setFocus();
        QCOMPARE(document.undoStack()->count(), before);
        QCOMPARE(document.training().regularization.l2, 0.000123456789);

        // A spin box edit is one command named after the setting.
        auto* batch = field<QSpinBox>(panel, "batchSize");
        batch->setFocus();
        batch->selectAll();
        QTest::keyClicks(batch, "128");
        QTest::keyClick(batch, Qt::Key_Return);
        QCOMPARE(document.training().batchSize, 128);
        QCOMPARE(document.undoStack()->undoText(), QString("Change batch size"));
    }

    void schedulePlotMatchesTheSchedule() {
        ExperimentDocument document;
        TrainingSettingsPanel panel(document);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        chooseByData(field<QComboBox>(panel, "schedule"), "step");
        QVERIFY(shown(panel, "stepEpochs") && shown(panel, "gamma"));
        QVERIFY(!shown(panel, "milestones") && !shown(panel, "minLr"));
        auto* every = field<QSpinBox>(panel, "stepEpochs");
        every->setValue(7);
        QCOMPARE(document.training().schedule.stepEpochs, 7.0);

        auto* plot = field<LineChart>(panel, "schedulePlot");
        auto check = [&] {
            const TrainConfig& c = document.training();
            const auto& points = plot->points(0);
            QVERIFY(points.size() > 100);
            QCOMPARE(points.front().x(), 0.0);
            QCOMPARE(points.back().x(), static_cast<double>(c.epochs));
            for (const QPointF& p : points) {
                QCOMPARE(p.y(), scheduledLearningRate(c.schedule, c.optimizer.hyper.lr, p.x(),
                                                      c.epochs));
            }
        };
        check();

        chooseByData(field<QComboBox>(panel, "schedule"), "warmup_cosine");
        QVERIFY(shown(panel, "warmupEpochs") && shown(panel, "minLr"));
        QVERIFY(!shown(panel, "gamma"));
        field<QDoubleSpinBox>(panel, "warmupEpochs")->setValue(5);
        typeInto(field<QLineEdit>(panel, "minLr"), "1e-5");
        QCOMPARE(document.training().schedule.minLr, 1e-5);
        check();
        // A live update: a new learning rate moves the whole plot.
        typeInto(field<QLineEdit>(panel, "learningRate"), "0.05");
        check();

        chooseByData(field<QComboBox>(panel, "schedule"), "multistep");
        typeInto(field<QLineEdit>(panel, "milestones"), "10, 30");
        QCOMPARE(document.training().schedule.milestones, (std::vector<double>{10, 30}));
        check();
    }

    void gpuEntryExplainsWhyItIsDisabled() {
        ExperimentDocument document;
        TrainingSettingsPanel panel(document);
        auto* device = field<QComboBox>(panel, "device");
        QCOMPARE(device->count(), 2);
        QCOMPARE(device->itemText(1), QString("GPU (CUDA)"));
        auto* model = qobject_cast<QStandardItemModel*>(device->model());
        QVERIFY(model);
        if (cudaAvailable()) {
            QVERIFY(model->item(1)->isEnabled());
            return;
        }
        QVERIFY(!model->item(1)->isEnabled());
        const QString reason = QString::fromStdString(cudaStatus());
        QVERIFY(model->item(1)->toolTip().contains(reason));
        QVERIFY(device->toolTip().contains(reason));
        QCOMPARE(device->currentIndex(), 0);
    }

    void everyControlHasATooltip() {
        ExperimentDocument document;
        TrainingSettingsPanel panel(document);
        for (QWidget* w : panel.findChildren<QWidget*>()) {
            if (qobject_cast<QComboBox*>(w) || qobject_cast<QLineEdit*>(w) ||
                qobject_cast<QAbstractSpinBox*>(w) || qobject_cast<QCheckBox*>(w)) {
                if (qobject_cast<QAbstractSpinBox*>(w->parentWidget())) {
                    continue;  // the spin box's own line edit
                }
                QVERIFY2(!w->toolTip().isEmpty(), qPrintable(w->objectName()));
            }
        }
        QVERIFY(field<QComboBox>(panel, "optimizer")->toolTip().contains("β1 = 0.9"));
    }

    void screenshot() {
        ExperimentDocument document;
        TrainingSettingsPanel panel(document);
        TrainConfig config = document.training();
        config.schedule.kind = ScheduleKind::WarmupCosine;
        config.schedule.warmupEpochs = 10;
        document.setTraining(config, "Change schedule");
        panel.resize(370, 960);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        field<LineChart>(panel, "schedulePlot")->refreshNow();
        QCoreApplication::processEvents();
        field<LineChart>(panel, "schedulePlot")->refreshNow();
        QVERIFY(panel.grab().save(QDir::temp().filePath("settings.png")));
    }
};

QTEST_MAIN(TrainingSettingsPanelTest)
#include "TrainingSettingsPanelTest.moc"
