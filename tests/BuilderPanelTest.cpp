// The network builder driven as a student drives it: palette double-clicks, the Add and
// list buttons, typing into the property editor, a drop on the layer list, presets and
// undo/redo; checked against the document's network and the engine's own numbers.

#include "datasets/DataConfig.h"
#include "datasets/Prepare.h"
#include "engine/Experiment.h"
#include "engine/Network.h"
#include "widgets/BuilderPanel.h"
#include "widgets/ExperimentDocument.h"
#include "widgets/LayerPalette.h"
#include "widgets/LayerPropertyEditor.h"
#include "widgets/LayerTreeModel.h"

#include <QApplication>
#include <QBrush>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QLabel>
#include <QMenu>
#include <QMimeData>
#include <QSpinBox>
#include <QToolButton>
#include <QTreeView>
#include <QUndoStack>
#include <QtTest>

#include <memory>

using namespace dlab;
using namespace dlab::ui;

namespace {

std::shared_ptr<const data::PreparedData> imageData() {
    auto prepared = std::make_shared<data::PreparedData>();
    const int n = 20;
    Tensor targets({n});
    for (int i = 0; i < n; ++i) {
        targets.data()[i] = static_cast<float>(i % 10);
    }
    prepared->split.train =
        data::datasetFromTensors("images", Tensor::zeros({n, 1, 28, 28}), targets, 10);
    return prepared;
}

std::shared_ptr<const data::PreparedData> spiralData() {
    return std::make_shared<data::PreparedData>(
        data::prepareData(data::parseDataConfig(Json{{"source", "spiral"}, {"samples", 90}})));
}

// "dense(units=32) relu residual[conv2d(filters=16) ...]": enough to compare networks.
QString describe(const std::vector<LayerSpec>& specs) {
    QStringList parts;
    for (const LayerSpec& s : specs) {
        QString text = QString::fromStdString(s.kind);
        QStringList attrs;
        for (const auto& [k, v] : s.attrs) {
            attrs << QString::fromStdString(k + "=" + v);
        }
        if (!attrs.isEmpty()) {
            text += "(" + attrs.join(',') + ")";
        }
        if (!s.body.empty()) {
            text += "[" + describe(s.body) + "]";
        }
        parts << text;
    }
    return parts.join(' ');
}

struct Fixture {
    ExperimentDocument document;
    BuilderPanel panel{document};

    Fixture() {
        panel.resize(360, 900);
        panel.show();
        panel.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&panel));
    }
    template <class T>
    T* find(const QString& name) {
        T* w = panel.findChild<T*>(name);
        if (!w) {
            qFatal("no widget named %s", qPrintable(name));
        }
        return w;
    }
    QTreeView* tree() { return find<QTreeView>("layerTree"); }
    LayerTreeModel* model() { return static_cast<LayerTreeModel*>(tree()->model()); }
    QString network() const { return describe(document.network()); }
    QString cell(const LayerPath& path, int column) {
        return model()->data(model()->indexOf(path, column)).toString();
    }
    QString error() { return find<QLabel>("networkError")->text(); }

    void doubleClickKind(const QString& kind) {
        auto* palette = find<LayerPalette>("palette");
        QTreeWidgetItem* item = palette->itemForKind(kind);
        QVERIFY(item);
        palette->scrollToItem(item);
        const QPoint at = palette->visualItemRect(item).center();
        // What a window system delivers for a double-click: a click, then the second
        // press as a double-click event.
        QTest::mouseClick(palette->viewport(), Qt::LeftButton, {}, at);
        QTest::mouseDClick(palette->viewport(), Qt::LeftButton, {}, at);
    }
    void clickRow(const LayerPath& path) {
        const QModelIndex index = model()->indexOf(path);
        QVERIFY(index.isValid());
        tree()->scrollTo(index);
        QTest::mouseClick(tree()->viewport(), Qt::LeftButton, {},
                          tree()->visualRect(index).center());
        QCOMPARE(panel.selectedPath(), path);
    }
    // Lets freshly built editors get their geometry, as they have long before a user
    // can click them.
    static void settle() {
        QCoreApplication::sendPostedEvents();
        QCoreApplication::processEvents();
    }
    void click(const QString& button) {
        settle();
        auto* b = find<QAbstractButton>(button);
        QVERIFY2(b->isEnabled(), qPrintable(button + " is disabled"));
        QTest::mouseClick(b, Qt::LeftButton);
    }
    void typeInto(const QString& setting, const QString& text) {
        QWidget* editor = find<LayerPropertyEditor>("propertyEditor")->fieldEditor(setting);
        QVERIFY(editor);
        editor->setFocus();
        QTest::keyClick(editor, Qt::Key_A, Qt::ControlModifier);
        QTest::keyClicks(editor, text);
        QTest::keyClick(editor, Qt::Key_Return);
    }
    // Offscreen there is no window system to run a QDrag, so the events the drag would
    // deliver come straight to the view: enter and move (which make the view the drop
    // target), then the drop, all carrying the dragged rows' mime data.
    void dropOnTree(const QMimeData* mime, QPoint at, Qt::DropAction action) {
        QWidget* viewport = tree()->viewport();
        QDragEnterEvent enter(at, action, mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(viewport, &enter);
        QDragMoveEvent move(at, action, mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(viewport, &move);
        QVERIFY(move.isAccepted());
        QDropEvent drop(QPointF(at), action, mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(viewport, &drop);
        QVERIFY(drop.isAccepted());
    }
    void choosePreset(const QString& name) {
        auto* action =
            find<QToolButton>("presetButton")->menu()->findChild<QAction*>("preset_" + name);
        QVERIFY(action);
        action->trigger();
    }
};

}  // namespace

class BuilderPanelTest : public QObject {
    Q_OBJECT
private slots:
    void buildsAnMlpFromTheEmptyNetwork();
    void addButtonInsertsAfterTheSelection();
    void movesLayersWithButtonsAndDrops();
    void duplicatesAndRemoves();
    void undoAndRedoRestoreTheNetwork();
    void spinBoxBurstIsOneUndoStep();
    void floatAndChoiceSettings();
    void showsCnnShapesAndParameters();
    void showsWhyTheNetworkIsInvalid();
    void presetReplacesTheNetwork();
    void editsResidualBlockBodies();
    void screenshot();
};

void BuilderPanelTest::buildsAnMlpFromTheEmptyNetwork() {
    Fixture f;
    f.document.setNetwork({}, "Clear");
    QCOMPARE(f.model()->rowCount(), 0);
    QCOMPARE(f.error(), QString("The network has no layers: add some from the palette."));

    f.doubleClickKind("dense");
    QCOMPARE(f.network(), QString("dense(units=64)"));
    QCOMPARE(f.panel.selectedPath(), LayerPath{0});
    f.typeInto("units", "32");
    QCOMPARE(f.network(), QString("dense(units=32)"));

    f.doubleClickKind("relu");
    f.doubleClickKind("dense");
    QCOMPARE(f.panel.selectedPath(), LayerPath{2});
    f.click("classes_units");
    QCOMPARE(f.network(), QString("dense(units=32) relu dense(units=classes)"));
    // Clear, add, set units, add, add, classes: one undo step each.
    QCOMPARE(f.document.undoStack()->count(), 6);

    // Spiral before data loads: (2) features, 3 classes.
    QVERIFY(f.find<QLabel>("inputShape")->text().contains("No data loaded"));
    QCOMPARE(f.cell({2}, LayerTreeModel::OutputColumn), QString("3"));
    f.document.setPreparedData(spiralData());
    QVERIFY(f.error().isEmpty());
    QVERIFY(!f.find<QLabel>("networkError")->isVisible());
    // 2·32 + 32 and 32·3 + 3.
    QCOMPARE(f.find<QLabel>("totalParams")->text(), QString("Total: 195 parameters"));
    QCOMPARE(f.cell({0}, LayerTreeModel::ParamsColumn), QString("96"));
    QCOMPARE(f.cell({2}, LayerTreeModel::LayerColumn), QString("dense classes (3)"));
}

void BuilderPanelTest::addButtonInsertsAfterTheSelection() {
    Fixture f;
    QCOMPARE(f.network(),
             QString("dense(units=64) relu dense(units=64) relu dense(units=classes)"));
    auto* palette = f.find<LayerPalette>("palette");
    QVERIFY(!f.find<QAbstractButton>("addButton")->isEnabled());
    QTreeWidgetItem* dropout = palette->itemForKind("dropout");
    palette->scrollToItem(dropout);
    QTest::mouseClick(palette->viewport(), Qt::LeftButton, {},
                      palette->visualItemRect(dropout).center());
    QCOMPARE(palette->currentKind(), QString("dropout"));
    f.clickRow({1});
    f.click("addButton");
    QCOMPARE(f.network(),
             QString("dense(units=64) relu dropout dense(units=64) relu dense(units=classes)"));
    QCOMPARE(f.panel.selectedPath(), LayerPath{2});
}

void BuilderPanelTest::movesLayersWithButtonsAndDrops() {
    Fixture f;
    f.choosePreset("mlp");
    QCOMPARE(f.network(), QString("flatten dense(units=256) relu dense(units=128) relu "
                                  "dense(units=classes)"));
    f.clickRow({3});
    QVERIFY(f.find<QAbstractButton>("moveUpButton")->isEnabled());
    f.click("moveUpButton");
    QCOMPARE(f.network(), QString("flatten dense(units=256) dense(units=128) relu relu "
                                  "dense(units=classes)"));
    QCOMPARE(f.panel.selectedPath(), LayerPath{2});
    f.click("moveDownButton");
    f.click("moveDownButton");
    QCOMPARE(f.network(), QString("flatten dense(units=256) relu relu dense(units=128) "
                                  "dense(units=classes)"));
    f.clickRow({5});
    QVERIFY(!f.find<QAbstractButton>("moveDownButton")->isEnabled());
    f.clickRow({0});
    QVERIFY(!f.find<QAbstractButton>("moveUpButton")->isEnabled());

    // A drag of row 0 (flatten) dropped on the lower part of row 2: it lands after it.
    std::unique_ptr<QMimeData> mime(f.model()->mimeData({f.model()->indexOf({0})}));
    const QRect row2 = f.tree()->visualRect(f.model()->indexOf({2}));
    f.dropOnTree(mime.get(), QPoint(row2.center().x(), row2.bottom() - 1), Qt::MoveAction);
    QTRY_COMPARE(f.network(), QString("dense(units=256) relu flatten relu dense(units=128) "
                                      "dense(units=classes)"));
    QCOMPARE(f.panel.selectedPath(), LayerPath{2});
    QCOMPARE(f.document.undoStack()->undoText(), QString("Move flatten layer"));
}

void BuilderPanelTest::duplicatesAndRemoves() {
    Fixture f;
    f.clickRow({2});
    f.typeInto("units", "16");
    f.click("duplicateButton");
    QCOMPARE(f.network(), QString("dense(units=64) relu dense(units=16) dense(units=16) relu "
                                  "dense(units=classes)"));
    QCOMPARE(f.panel.selectedPath(), LayerPath{3});
    f.click("removeButton");
    f.click("removeButton");
    QCOMPARE(f.network(), QString("dense(units=64) relu dense(units=16) dense(units=classes)"));
    QCOMPARE(f.panel.selectedPath(), LayerPath{3});
    f.tree()->setFocus();
    QTest::keyClick(f.tree(), Qt::Key_Delete);
    QCOMPARE(f.network(), QString("dense(units=64) relu dense(units=16)"));
    QCOMPARE(f.panel.selectedPath(), LayerPath{2});
}

void BuilderPanelTest::undoAndRedoRestoreTheNetwork() {
    Fixture f;
    const QString original = f.network();
    QVERIFY(!f.find<QToolButton>("undoButton")->isEnabled());
    f.clickRow({0});
    f.click("removeButton");
    f.doubleClickKind("tanh");
    const QString edited = f.network();
    QCOMPARE(edited, QString("relu tanh dense(units=64) relu dense(units=classes)"));
    QCOMPARE(f.find<QToolButton>("undoButton")->toolTip(), QString("Undo Add tanh layer"));
    f.click("undoButton");
    f.click("undoButton");
    QCOMPARE(f.network(), original);
    QVERIFY(!f.find<QToolButton>("undoButton")->isEnabled());
    f.click("redoButton");
    f.click("redoButton");
    QCOMPARE(f.network(), edited);
    QCOMPARE(f.model()->rowCount(), 5);
}

void BuilderPanelTest::spinBoxBurstIsOneUndoStep() {
    Fixture f;
    f.clickRow({0});
    auto* spin = qobject_cast<QSpinBox*>(
        f.find<LayerPropertyEditor>("propertyEditor")->fieldEditor("units"));
    QVERIFY(spin);
    const int before = f.document.undoStack()->count();
    for (int i = 0; i < 3; ++i) {
        QTest::keyClick(spin, Qt::Key_Up);
    }
    QTRY_COMPARE(f.network(), QString("dense(units=67) relu dense(units=64) relu "
                                      "dense(units=classes)"));
    QCOMPARE(f.document.undoStack()->count(), before + 1);
    // The same spin box is still there (updated in place), so typing goes on.
    QCOMPARE(f.find<LayerPropertyEditor>("propertyEditor")->fieldEditor("units"), spin);
}

void BuilderPanelTest::floatAndChoiceSettings() {
    Fixture f;
    f.clickRow({2});
    f.typeInto("init_std", "1e-4");
    QCOMPARE(f.network(), QString("dense(units=64) relu dense(init_std=1e-4,units=64) relu "
                                  "dense(units=classes)"));
    auto* init = qobject_cast<QComboBox*>(
        f.find<LayerPropertyEditor>("propertyEditor")->fieldEditor("init"));
    QVERIFY(init);
    QVERIFY(
        init->itemData(init->findText("he_normal"), Qt::ToolTipRole).toString().contains("ReLU"));
    init->setFocus();
    QTest::keyClick(init, Qt::Key_End);
    QCOMPARE(init->currentText(), QString("transformer"));
    QCOMPARE(describe({layerAt(f.document.network(), {2})}),
             QString("dense(init=transformer,init_std=1e-4,units=64)"));
    // Back to the default: the setting leaves attrs again.
    QTest::keyClick(init, Qt::Key_Home);
    while (init->currentText() != "he_normal") {
        QTest::keyClick(init, Qt::Key_Down);
    }
    QCOMPARE(layerAt(f.document.network(), {2}).attrs.count("init"), size_t(0));
    auto* bias = qobject_cast<QCheckBox*>(
        f.find<LayerPropertyEditor>("propertyEditor")->fieldEditor("bias"));
    QVERIFY(bias && bias->isChecked());
    f.click("setting_bias");
    QCOMPARE(describe({layerAt(f.document.network(), {2})}),
             QString("dense(bias=false,init_std=1e-4,units=64)"));
    QCOMPARE(f.cell({2}, LayerTreeModel::ParamsColumn), QString("4,096"));
}

void BuilderPanelTest::showsCnnShapesAndParameters() {
    Fixture f;
    f.document.setPreparedData(imageData());
    f.choosePreset("lenet5");
    const QStringList shapes = {"6×28×28", "6×28×28", "6×14×14", "16×10×10", "16×10×10", "16×5×5",
                                "400",     "120",     "120",     "84",       "84",       "10"};
    QCOMPARE(f.model()->rowCount(), shapes.size());
    for (int i = 0; i < shapes.size(); ++i) {
        QCOMPARE(f.cell({i}, LayerTreeModel::OutputColumn), shapes[i]);
    }
    QCOMPARE(f.cell({0}, LayerTreeModel::ParamsColumn), QString("156"));
    QCOMPARE(f.cell({7}, LayerTreeModel::ParamsColumn), QString("48,120"));
    const Network net(resolveNetwork(f.document.network(), 10), Shape{1, 28, 28}, 0);
    QCOMPARE(net.parameterCount(), int64_t(61706));
    QCOMPARE(f.find<QLabel>("totalParams")->text(), QString("Total: 61,706 parameters"));
    QVERIFY(f.error().isEmpty());

    f.choosePreset("cnn");
    QCOMPARE(f.cell({0}, LayerTreeModel::OutputColumn), QString("16×28×28"));
    QCOMPARE(f.cell({3}, LayerTreeModel::OutputColumn), QString("16×14×14"));
    QCOMPARE(f.cell({7}, LayerTreeModel::OutputColumn), QString("32×7×7"));
    QCOMPARE(f.cell({8}, LayerTreeModel::OutputColumn), QString("1568"));
    const Network cnn(resolveNetwork(f.document.network(), 10), Shape{1, 28, 28}, 0);
    QCOMPARE(f.panel.check().totalParameters, cnn.parameterCount());
}

void BuilderPanelTest::showsWhyTheNetworkIsInvalid() {
    Fixture f;
    f.document.setPreparedData(imageData());
    // The spiral MLP on images: dense without flatten.
    QVERIFY(f.error().startsWith("layer 1 (dense): expected input (N, features)"));
    QCOMPARE(f.error(), *f.document.validate());
    QVERIFY(f.find<QLabel>("networkError")->isVisible());
    const QModelIndex bad = f.model()->indexOf({0});
    QVERIFY(f.model()->data(bad, Qt::BackgroundRole).value<QBrush>().color().red() > 200);
    QVERIFY(f.model()->data(bad, Qt::ToolTipRole).toString().contains("add a flatten layer"));
    QCOMPARE(f.cell({1}, LayerTreeModel::OutputColumn), QString("?"));
    QCOMPARE(f.find<QLabel>("totalParams")->text(),
             QString("Total: unknown until every layer fits"));

    // A flatten in front fixes it.
    f.clickRow({0});
    f.doubleClickKind("flatten");
    f.click("moveUpButton");
    QCOMPARE(f.network(), QString("flatten dense(units=64) relu dense(units=64) relu "
                                  "dense(units=classes)"));
    QVERIFY(f.error().isEmpty());
    QVERIFY(!f.find<QLabel>("networkError")->isVisible());

    // conv2d on 2-D points.
    f.document.setPreparedData(spiralData());
    f.choosePreset("cnn");
    QVERIFY(f.error().startsWith("layer 1 (conv2d): expected input (N, C, H, W), got (1, 2)"));
    QCOMPARE(f.error(), *f.document.validate());

    // The output size must match the classes.
    f.choosePreset("spiral");
    QVERIFY(f.error().isEmpty());
    f.clickRow({4});
    f.click("classes_units");
    QCOMPARE(describe({layerAt(f.document.network(), {4})}), QString("dense(units=3)"));
    f.typeInto("units", "5");
    QVERIFY(f.error().contains("set its units to \"classes\""));
}

void BuilderPanelTest::presetReplacesTheNetwork() {
    Fixture f;
    const QString before = f.network();
    f.choosePreset("lenet5");
    QCOMPARE(f.network(), describe(presetExperiment("lenet5").network));
    QCOMPARE(f.document.undoStack()->undoText(), QString("Load the lenet5 network"));
    f.click("undoButton");
    QCOMPARE(f.network(), before);
}

void BuilderPanelTest::editsResidualBlockBodies() {
    Fixture f;
    f.document.setPreparedData(imageData());
    f.choosePreset("cnn");
    f.clickRow({2});
    f.doubleClickKind("residual");
    QCOMPARE(describe({layerAt(f.document.network(), {3})}),
             QString("residual[conv2d(filters=16,kernel=3,padding=1) batchnorm2d relu "
                     "conv2d(filters=16,kernel=3,padding=1) batchnorm2d]"));
    QVERIFY(f.error().isEmpty());
    QCOMPARE(f.cell({3, 0}, LayerTreeModel::OutputColumn), QString("16×28×28"));
    QCOMPARE(f.cell({3}, LayerTreeModel::OutputColumn), QString("16×28×28"));
    // Two 3×3 convolutions 16→16 with bias and two BatchNorms.
    QCOMPARE(f.cell({3}, LayerTreeModel::ParamsColumn), QString("4,704"));

    // A nested layer is edited in the same editor; a wrong body names both levels.
    f.clickRow({3, 3});
    f.typeInto("filters", "8");
    QCOMPARE(describe({layerAt(f.document.network(), {3, 3})}),
             QString("conv2d(filters=8,kernel=3,padding=1)"));
    QCOMPARE(f.cell({3, 3}, LayerTreeModel::OutputColumn), QString("8×28×28"));
    // The shortcut becomes a 1×1 projection 16→8 to match: still valid.
    QVERIFY(f.error().isEmpty());
    f.clickRow({3, 0});
    f.typeInto("kernel", "40");
    QVERIFY2(f.error().startsWith("layer 4 (residual) / layer 1 (conv2d)"), qPrintable(f.error()));
    QCOMPARE(f.error(), *f.document.validate());
    QVERIFY(!f.model()->data(f.model()->indexOf({3, 0}), Qt::ToolTipRole).toString().isEmpty());
    QCOMPARE(f.cell({3, 1}, LayerTreeModel::OutputColumn), QString("?"));
    f.click("undoButton");
    f.click("undoButton");
    QVERIFY(f.error().isEmpty());

    // A kind dragged from the palette onto the block goes into its body.
    std::unique_ptr<QMimeData> mime(new QMimeData);
    mime->setData(LayerTreeModel::kKindMime, "dropout");
    f.dropOnTree(mime.get(), f.tree()->visualRect(f.model()->indexOf({3})).center(),
                 Qt::CopyAction);
    QTRY_COMPARE(layerAt(f.document.network(), {3}).body.size(), size_t(6));
    QCOMPARE(layerAt(f.document.network(), {3, 5}).kind, std::string("dropout"));
    QCOMPARE(f.panel.selectedPath(), (LayerPath{3, 5}));
    f.click("moveUpButton");
    QCOMPARE(layerAt(f.document.network(), {3, 4}).kind, std::string("dropout"));
}

void BuilderPanelTest::screenshot() {
    Fixture f;
    f.panel.resize(360, 960);
    f.document.setPreparedData(imageData());
    f.choosePreset("lenet5");
    f.clickRow({3});
    QTest::qWait(50);
    const QString dir = qEnvironmentVariable("DLAB_SCREENSHOT_DIR", QDir::tempPath());
    QVERIFY(f.panel.grab().save(dir + "/builder.png"));
    f.choosePreset("spiral");
    f.clickRow({0});
    QTest::qWait(50);
    QVERIFY(f.panel.grab().save(dir + "/builder_error.png"));
    // A residual block with its body indented, at a shorter dock height.
    f.panel.resize(360, 720);
    f.choosePreset("cnn");
    f.clickRow({2});
    f.doubleClickKind("residual");
    f.clickRow({3, 0});
    QTest::qWait(50);
    QVERIFY(f.panel.grab().save(dir + "/builder_residual.png"));
}

QTEST_MAIN(BuilderPanelTest)
#include "BuilderPanelTest.moc"
