// The Data panel driven as a user drives it, offscreen: choosing built-in sets from the
// list, dropping a corrupt file (the error names it, the data loaded before stays), an
// image folder with an unreadable file (grid and warning shown), cancelling a load, the
// normalization combo and undo, and the augmentation preview. Screenshots of the panel
// go to the temp folder to be looked at: data_spiral.png, data_error.png, and with
// Fashion-MNIST (when installed) data_fashion.png and data_presentation.png (large font).

#include "datasets/Idx.h"
#include "widgets/AugmentBox.h"
#include "widgets/AugmentPreview.h"
#include "widgets/DataPanel.h"
#include "widgets/ExperimentDocument.h"
#include "widgets/SampleGridView.h"
#include "widgets/ScatterView.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QToolButton>
#include <QUndoStack>
#include <QtTest>

#include <set>

using namespace dlab;
using namespace dlab::ui;

namespace {

constexpr int kLoadTimeoutMs = 60000;

// Waits for the next loadFinished of `panel` after `trigger`; true when it succeeded.
bool loadAndWait(DataPanel& panel, const std::function<void()>& trigger) {
    QSignalSpy spy(&panel, &DataPanel::loadFinished);
    trigger();
    if (!spy.wait(kLoadTimeoutMs)) {
        return false;
    }
    return spy.last().at(0).toBool();
}

// Types the start of an entry's name into the closed list, as a user picks from it by
// keyboard. Letters typed within the keyboard interval add up to one search, so a pause
// separates this choice from the previous one.
void typeChoice(QComboBox* combo, const QString& text) {
    QTest::qWait(QApplication::keyboardInputInterval() + 50);
    QTest::keyClicks(combo, text);
}

// Clicks a check box on its indicator (its centre may lie beyond the text).
void clickCheckBox(QCheckBox* box) {
    QVERIFY(box);
    QTest::mouseClick(box, Qt::LeftButton, {}, QPoint(6, box->height() / 2));
}

QString summaryText(DataPanel& panel) {
    return panel.findChild<QLabel*>("summaryLabel")->text();
}

void writeFile(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

QByteArray bigEndian32(uint32_t v) {
    QByteArray b(4, 0);
    for (int i = 0; i < 4; ++i) {
        b[i] = static_cast<char>((v >> (24 - 8 * i)) & 0xFF);
    }
    return b;
}

// Small pictures a person can tell apart: class 0 a bright disc, class 1 a bar, on a
// gradient that makes every geometric augmentation visible.
QImage examplePicture(int label, int index, int size) {
    QImage image(size, size, QImage::Format_RGB32);
    for (int y = 0; y < size; ++y) {
        for (int x = 0; x < size; ++x) {
            const int v = (x * 200 / size + index * 7) % 256;
            image.setPixel(x, y, qRgb(v, y * 255 / size, 90));
        }
    }
    QPainter p(&image);
    p.setBrush(Qt::white);
    p.setPen(Qt::NoPen);
    if (label == 0) {
        p.drawEllipse(QPoint(size / 2, size / 2), size / 4, size / 4);
    } else {
        p.drawRect(size / 6, size / 3 + index % 3, size * 2 / 3, size / 5);
    }
    return image;
}

// root/<class>/<i>.png for classes "disc" and "bar"; plus one unreadable file when asked.
void writeImageFolder(const QString& root, int perClass, int size, bool withBroken) {
    const QStringList classes = {"disc", "bar"};
    for (int c = 0; c < classes.size(); ++c) {
        QVERIFY(QDir().mkpath(root + "/" + classes[c]));
        for (int i = 0; i < perClass; ++i) {
            QVERIFY(examplePicture(c, i, size).save(QStringLiteral("%1/%2/%3.png").arg(root, classes[c]).arg(i)));
        }
    }
    if (withBroken) {
        writeFile(root + "/bar/broken.png", "this is not a PNG file");
    }
}

}  // namespace

class DataPanelTest : public QObject {
    Q_OBJECT
private slots:
    void choosingBuiltinSetsLoadsThem();
    void corruptFileShowsErrorAndKeepsData();
    void raggedCsvShowsErrorWithLine();
    void imageFolderShowsGridAndWarnings();
    void cancelKeepsPreviousData();
    void closingWhileLoadingIsSafe();
    void normalizationComboEditsDocument();
    void augmentationPreviewShowsDifferentTiles();
    void screenshots();

private:
    QTemporaryDir m_dir;
};

void DataPanelTest::choosingBuiltinSetsLoadsThem() {
    ExperimentDocument document;
    DataPanel panel(document);
    panel.show();
    auto* combo = panel.findChild<QComboBox*>("builtinCombo");
    QVERIFY(combo);
    QSignalSpy loaded(&document, &ExperimentDocument::dataLoaded);

    QVERIFY(loadAndWait(panel, [&] { typeChoice(combo, "Moons"); }));
    QCOMPARE(document.dataConfig().source, std::string("moons"));
    QVERIFY(summaryText(panel).contains("2 classes"));

    // Typing into the closed list moves through "Sine" on the way: only the last load counts.
    QVERIFY(loadAndWait(panel, [&] { typeChoice(combo, "Spiral"); }));
    QCOMPARE(document.dataConfig().source, std::string("spiral"));
    QVERIFY(document.preparedData());
    QCOMPARE(document.preparedData()->split.train.numClasses, 3);
    QVERIFY2(summaryText(panel).contains("3 classes"), qPrintable(summaryText(panel)));
    QVERIFY(panel.findChild<ScatterView*>("scatterView")->isVisible());
    QVERIFY(!panel.findChild<ScatterView*>("scatterView")->scatter().isNull());
    QVERIFY(!panel.findChild<SampleGridView*>("sampleGrid")->isVisible());
    QCOMPARE(document.undoStack()->count(), 2);
    QCOMPARE(document.undoStack()->undoText(), QString("Load spiral"));
}

void DataPanelTest::corruptFileShowsErrorAndKeepsData() {
    ExperimentDocument document;
    DataPanel panel(document);
    panel.show();
    QVERIFY(loadAndWait(panel, [&] { panel.loadCurrent(); }));
    const auto before = document.preparedData();
    QVERIFY(before);

    // A header that declares 100 images of 28×28 over 50 bytes of data, with valid labels.
    const QString folder = m_dir.filePath("corrupt");
    QVERIFY(QDir().mkpath(folder));
    const QString images = folder + "/x-images-idx3-ubyte";
    const QString labels = folder + "/x-labels-idx1-ubyte";
    writeFile(images, QByteArray("\x00\x00\x08\x03", 4) + bigEndian32(100) + bigEndian32(28) +
                          bigEndian32(28) + QByteArray(50, 'x'));
    writeFile(labels, QByteArray("\x00\x00\x08\x01", 4) + bigEndian32(100) + QByteArray(100, 1));

    QSignalSpy loadedSpy(&document, &ExperimentDocument::dataLoaded);
    QVERIFY(!loadAndWait(panel, [&] { panel.loadPaths({images, labels}); }));
    QVERIFY2(panel.errorText().contains("x-images-idx3-ubyte"), qPrintable(panel.errorText()));
    QVERIFY(panel.findChild<QLabel*>("errorLabel")->isVisible());
    QCOMPARE(loadedSpy.count(), 0);
    QCOMPARE(document.preparedData(), before);
    QCOMPARE(document.dataConfig().source, std::string("spiral"));
    QVERIFY(summaryText(panel).contains("3 classes"));
    QCOMPARE(document.undoStack()->count(), 0);

    // The next good load clears the error.
    QVERIFY(loadAndWait(panel, [&] { panel.loadCurrent(); }));
    QVERIFY(panel.errorText().isEmpty());
}

void DataPanelTest::raggedCsvShowsErrorWithLine() {
    ExperimentDocument document;
    DataPanel panel(document);
    QVERIFY(loadAndWait(panel, [&] { panel.loadCurrent(); }));
    const QString csv = m_dir.filePath("ragged.csv");
    writeFile(csv, "x1,x2,label\n0.1,0.2,0\n0.3,1\n0.5,0.6,1\n");
    QVERIFY(!loadAndWait(panel, [&] { panel.loadPaths({csv}); }));
    QVERIFY2(panel.errorText().contains("ragged.csv"), qPrintable(panel.errorText()));
    QCOMPARE(document.dataConfig().source, std::string("spiral"));
}

void DataPanelTest::imageFolderShowsGridAndWarnings() {
    ExperimentDocument document;
    DataPanel panel(document);
    panel.resize(380, 900);
    panel.show();
    QVERIFY(loadAndWait(panel, [&] { panel.loadCurrent(); }));
    const QString root = m_dir.filePath("shapes");
    writeImageFolder(root, 12, 24, true);

    QVERIFY(loadAndWait(panel, [&] { panel.loadPaths({root}); }));
    QCOMPARE(document.dataConfig().source, std::string("path"));
    QCOMPARE(QString::fromStdString(document.dataConfig().path), root);
    auto* grid = panel.findChild<SampleGridView*>("sampleGrid");
    QVERIFY(grid->isVisible());
    QCOMPARE(grid->grid().rows(), 2);
    QCOMPARE(grid->grid().rowLabels, QStringList({"bar", "disc"}));
    QVERIFY(grid->height() > 40);
    QVERIFY(!panel.findChild<ScatterView*>("scatterView")->isVisible());
    QVERIFY(summaryText(panel).contains("2 classes"));
    QVERIFY(summaryText(panel).contains("24 × 24"));

    auto* skipped = panel.findChild<QToolButton*>("skippedToggle");
    QVERIFY(skipped->isVisible());
    QCOMPARE(skipped->text(), QString("1 file could not be read"));
    QVERIFY(panel.findChild<QLabel*>("warningLabel")->text().contains("could not be read"));
    QTest::mouseClick(skipped, Qt::LeftButton);
    QVERIFY(panel.findChild<QWidget*>("skippedList")->isVisible());

    // Undo brings the spiral back, loaded again in the background.
    QVERIFY(loadAndWait(panel, [&] { document.undoStack()->undo(); }));
    QCOMPARE(document.dataConfig().source, std::string("spiral"));
    QVERIFY(summaryText(panel).contains("3 classes"));
    QVERIFY(!skipped->isVisible());
}

void DataPanelTest::cancelKeepsPreviousData() {
    ExperimentDocument document;
    DataPanel panel(document);
    panel.show();
    QVERIFY(loadAndWait(panel, [&] { panel.loadCurrent(); }));
    const auto before = document.preparedData();
    const QString root = m_dir.filePath("many");
    writeImageFolder(root, 1500, 16, false);

    QSignalSpy loadedSpy(&document, &ExperimentDocument::dataLoaded);
    QSignalSpy finished(&panel, &DataPanel::loadFinished);
    panel.loadPaths({root});
    QVERIFY(panel.isLoading());
    auto* cancel = panel.findChild<QPushButton*>("cancelButton");
    QVERIFY(cancel->isVisible());
    QTest::mouseClick(cancel, Qt::LeftButton);
    QVERIFY(!panel.isLoading());
    QVERIFY(!cancel->isVisible());
    QCOMPARE(finished.count(), 1);
    QCOMPARE(finished.last().at(0).toBool(), false);

    // Whatever the worker was doing, nothing of it arrives later.
    QTest::qWait(1500);
    QCOMPARE(loadedSpy.count(), 0);
    QCOMPARE(document.preparedData(), before);
    QCOMPARE(document.dataConfig().source, std::string("spiral"));
    QVERIFY(summaryText(panel).contains("3 classes"));
    QCOMPARE(finished.count(), 1);

    // A new load after a cancel works.
    QVERIFY(loadAndWait(panel, [&] { panel.loadPaths({root}); }));
    QCOMPARE(document.preparedData()->split.train.numClasses, 2);
}

void DataPanelTest::closingWhileLoadingIsSafe() {
    const QString root = m_dir.filePath("closing");
    writeImageFolder(root, 400, 16, false);
    ExperimentDocument document;
    for (int delayMs : {0, 5, 30}) {
        auto panel = std::make_unique<DataPanel>(document);
        panel->loadPaths({root});
        QVERIFY(panel->isLoading());
        QTest::qWait(delayMs);
        panel.reset();
    }
    // A load that finished before the close was committed whole, or nothing was.
    QVERIFY(document.dataConfig().source == "spiral" || document.preparedData());
}

void DataPanelTest::normalizationComboEditsDocument() {
    ExperimentDocument document;
    DataPanel panel(document);
    panel.show();
    QVERIFY(loadAndWait(panel, [&] { panel.loadCurrent(); }));
    QCOMPARE(document.dataConfig().normalization, std::string("standardize"));
    auto* combo = panel.findChild<QComboBox*>("normalizationCombo");
    QVERIFY(combo);
    for (int i = 0; i < combo->count(); ++i) {
        QVERIFY(!combo->itemData(i, Qt::ToolTipRole).toString().isEmpty());
    }

    QVERIFY(loadAndWait(panel, [&] { QTest::keyClick(combo, Qt::Key_Up); }));
    QCOMPARE(document.dataConfig().normalization, std::string("channel_mean"));
    QCOMPARE(document.preparedData()->normalization.kind, data::NormalizationKind::ChannelMean);
    QCOMPARE(document.undoStack()->undoText(), QString("Normalization: channel_mean"));

    QVERIFY(loadAndWait(panel, [&] { document.undoStack()->undo(); }));
    QCOMPARE(document.dataConfig().normalization, std::string("standardize"));
    QCOMPARE(document.preparedData()->normalization.kind, data::NormalizationKind::Standardize);
    QCOMPARE(combo->currentData().toString(), QString("standardize"));
}

void DataPanelTest::augmentationPreviewShowsDifferentTiles() {
    ExperimentDocument document;
    DataPanel panel(document);
    panel.resize(380, 900);
    panel.show();
    const QString root = m_dir.filePath("preview");
    writeImageFolder(root, 8, 32, false);
    QVERIFY(loadAndWait(panel, [&] { panel.loadPaths({root}); }));
    auto* preview = panel.findChild<AugmentPreview*>("augmentPreview");
    QVERIFY(preview);
    QTRY_COMPARE(static_cast<int>(preview->tiles().size()), preview->count());

    auto* rotation = panel.findChild<QCheckBox*>("augment.rotation");
    auto* probability = panel.findChild<QDoubleSpinBox*>("augment.rotation.p");
    auto* degrees = panel.findChild<QDoubleSpinBox*>("augment.rotation.degrees");
    QVERIFY(rotation && probability && degrees);
    QSignalSpy updated(preview, &AugmentPreview::updated);
    clickCheckBox(rotation);
    QVERIFY(rotation->isChecked());
    probability->setValue(1.0);
    degrees->setValue(40.0);
    QVERIFY(document.dataConfig().augment.rotation.enabled);
    QCOMPARE(document.dataConfig().augment.rotation.p, 1.0);
    QCOMPARE(document.dataConfig().augment.rotation.maxDegrees, 40.0);
    QVERIFY(document.preparedData()->augment.rotation.enabled);
    QCOMPARE(document.undoStack()->undoText(), QString("Change augmentation"));

    QTRY_VERIFY(updated.count() > 0 && !preview->tiles().empty() &&
                document.dataConfig().augment.rotation.maxDegrees == 40.0);
    QTRY_COMPARE(static_cast<int>(preview->tiles().size()), 8);
    std::set<QByteArray> distinct;
    for (const QImage& tile : preview->tiles()) {
        QVERIFY(tile != preview->original());
        distinct.insert(QByteArray(reinterpret_cast<const char*>(tile.constBits()), tile.sizeInBytes()));
    }
    QVERIFY2(distinct.size() >= 6, qPrintable(QString::number(distinct.size())));

    const std::vector<QImage> first = preview->tiles();
    updated.clear();
    QTest::mouseClick(panel.findChild<QPushButton*>("shuffleButton"), Qt::LeftButton);
    QTRY_VERIFY(updated.count() > 0);
    QVERIFY(preview->tiles() != first);
}

void DataPanelTest::screenshots() {
    ExperimentDocument document;
    DataPanel panel(document);
    panel.resize(380, 1500);
    panel.show();
    QVERIFY(loadAndWait(panel, [&] { panel.loadCurrent(); }));
    QTest::qWait(100);
    const QString spiral = QDir::temp().filePath("data_spiral.png");
    QVERIFY(panel.grab().save(spiral));
    qInfo("wrote %s", qPrintable(spiral));

    const QString bad = m_dir.filePath("train-images-idx3-ubyte");
    writeFile(bad, "this is not an IDX file, it is text someone renamed");
    QVERIFY(!loadAndWait(panel, [&] { panel.loadPaths({bad}); }));
    const QString error = QDir::temp().filePath("data_error.png");
    QVERIFY(panel.grab(QRect(0, 0, 380, 700)).save(error));
    qInfo("wrote %s", qPrintable(error));

    if (!data::fashionMnistAvailable()) {
        QSKIP("Fashion-MNIST is not installed (dataset-fashion-mnist): no second screenshot");
    }
    auto* combo = panel.findChild<QComboBox*>("builtinCombo");
    QVERIFY(loadAndWait(panel, [&] { typeChoice(combo, "Fashion"); }));
    QCOMPARE(document.preparedData()->split.train.numClasses, 10);
    QVERIFY(!panel.findChild<QWidget*>("testSpin")->isEnabled());
    auto* preview = panel.findChild<AugmentPreview*>("augmentPreview");
    clickCheckBox(panel.findChild<QCheckBox*>("augment.hflip"));
    clickCheckBox(panel.findChild<QCheckBox*>("augment.crop"));
    clickCheckBox(panel.findChild<QCheckBox*>("augment.erasing"));
    QVERIFY(document.dataConfig().augment.erasing.enabled);
    QTRY_COMPARE(static_cast<int>(preview->tiles().size()), preview->count());
    panel.resize(380, 2300);
    QTest::qWait(200);
    const QString fashion = QDir::temp().filePath("data_fashion.png");
    QVERIFY(panel.grab().save(fashion));
    qInfo("wrote %s", qPrintable(fashion));

    // Presentation mode enlarges the application font; the panel must still fit 380 px.
    QFont large = panel.font();
    large.setPointSizeF(large.pointSizeF() * 1.6);
    panel.setFont(large);
    panel.resize(380, 3000);
    QTest::qWait(200);
    const QString presentation = QDir::temp().filePath("data_presentation.png");
    QVERIFY(panel.grab().save(presentation));
    qInfo("wrote %s", qPrintable(presentation));
}

QTEST_MAIN(DataPanelTest)
#include "DataPanelTest.moc"
