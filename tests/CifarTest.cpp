// CIFAR-10/100 binary files: round trips through fixtures the test writes itself (pixels
// and labels as written, batch order, class-name files), and each way a file can be
// broken, whose message must name the file and say what is wrong.

#include "datasets/Cifar.h"

#include <QTemporaryDir>
#include <QtTest>

#include <functional>

using namespace dlab;
using namespace dlab::data;

namespace {

// Record `index` of a fixture: its pixels are a pattern that differs per record and per
// channel and covers 0 and 255.
std::vector<uint8_t> recordPixels(int index) {
    std::vector<uint8_t> pixels(static_cast<size_t>(kCifarImageBytes));
    for (size_t i = 0; i < pixels.size(); ++i) {
        pixels[i] = static_cast<uint8_t>((i * 7 + static_cast<size_t>(index) * 31) % 256);
    }
    pixels[0] = 0;
    pixels[pixels.size() - 1] = 255;
    return pixels;
}

// CIFAR-10 records (label, pixels of record `first + k`).
QByteArray cifar10Bytes(const std::vector<int>& labels, int first) {
    QByteArray bytes;
    for (size_t k = 0; k < labels.size(); ++k) {
        bytes.append(char(labels[k]));
        const std::vector<uint8_t> pixels = recordPixels(first + static_cast<int>(k));
        bytes.append(reinterpret_cast<const char*>(pixels.data()), qsizetype(pixels.size()));
    }
    return bytes;
}

QByteArray cifar100Bytes(const std::vector<std::pair<int, int>>& coarseFine, int first) {
    QByteArray bytes;
    for (size_t k = 0; k < coarseFine.size(); ++k) {
        bytes.append(char(coarseFine[k].first));
        bytes.append(char(coarseFine[k].second));
        const std::vector<uint8_t> pixels = recordPixels(first + static_cast<int>(k));
        bytes.append(reinterpret_cast<const char*>(pixels.data()), qsizetype(pixels.size()));
    }
    return bytes;
}

std::string writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& bytes) {
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) {
        qFatal("cannot write the fixture %s", qPrintable(path));
    }
    return path.toStdString();
}

QByteArray nameLines(const QString& stem, int count) {
    QByteArray text;
    for (int k = 0; k < count; ++k) {
        text += (stem + QString::number(k) + "\n").toUtf8();
    }
    return text;
}

QString errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const LoadCancelled&) {
        return "<cancelled>";
    } catch (const std::runtime_error& e) {
        return QString::fromUtf8(e.what());
    } catch (const std::exception& e) {
        return "<not a runtime_error: " + QString::fromUtf8(e.what()) + ">";
    }
    return "<no error>";
}

void checkSample(const Dataset& data, int64_t pos, int pattern, int label) {
    std::vector<uint8_t> got(static_cast<size_t>(kCifarImageBytes));
    data.store->readPixels(data.rows[static_cast<size_t>(pos)], got.data());
    QVERIFY2(got == recordPixels(pattern), qPrintable(QString("sample %1").arg(pos)));
    QCOMPARE(data.label(pos), label);
}

}  // namespace

class CifarTest : public QObject {
    Q_OBJECT

private slots:
    void cifar10RoundTrip() {
        QTemporaryDir dir;
        // Batch 10 must follow batch 2: batches are ordered by number, not by name.
        const std::string b10 = writeFile(dir, "data_batch_10.bin", cifar10Bytes({9, 0}, 3));
        const std::string b2 = writeFile(dir, "data_batch_2.bin", cifar10Bytes({1, 2, 3}, 0));
        const std::string test = writeFile(dir, "test_batch.bin", cifar10Bytes({4, 5}, 10));
        writeFile(dir, "batches.meta.txt", nameLines("name", 10) + "\n\n");

        const LoadResult result = loadCifar({b10, test, b2}, {}, {});
        QCOMPARE(result.format, std::string("cifar10"));
        QVERIFY(result.hasTest);
        QVERIFY(result.warnings.empty());
        const Dataset& train = result.train;
        QCOMPARE(train.size(), int64_t(5));
        QCOMPARE(train.sampleShape(), (Shape{3, 32, 32}));
        QVERIFY(train.isImage());
        QCOMPARE(train.numClasses, 10);
        QCOMPARE(train.classNames.front(), std::string("name0"));
        QCOMPARE(train.classNames.back(), std::string("name9"));
        const int labels[] = {1, 2, 3, 9, 0};
        for (int i = 0; i < 5; ++i) {
            checkSample(train, i, i, labels[i]);
        }
        QCOMPARE(result.test.size(), int64_t(2));
        QCOMPARE(result.test.classNames, train.classNames);
        checkSample(result.test, 0, 10, 4);
        checkSample(result.test, 1, 11, 5);
    }

    void cifar100FineAndCoarse() {
        QTemporaryDir dir;
        const std::string train =
            writeFile(dir, "train.bin", cifar100Bytes({{19, 99}, {0, 0}, {7, 42}}, 0));
        writeFile(dir, "fine_label_names.txt", nameLines("fine", 100));

        const LoadResult fine = loadCifar({train}, {}, {});
        QCOMPARE(fine.format, std::string("cifar100"));
        QVERIFY(!fine.hasTest);
        QCOMPARE(fine.train.numClasses, 100);
        QCOMPARE(fine.train.classNames[42], std::string("fine42"));
        checkSample(fine.train, 0, 0, 99);
        checkSample(fine.train, 2, 2, 42);

        LoadOptions options;
        options.cifar100Coarse = true;
        const LoadResult coarse = loadCifar({train}, options, {});
        QCOMPARE(coarse.train.numClasses, 20);
        // No coarse_label_names.txt: default names.
        QCOMPARE(coarse.train.classNames[7], std::string("class 7"));
        checkSample(coarse.train, 0, 0, 19);
        checkSample(coarse.train, 2, 2, 7);
    }

    void withoutNameFileClassesAreNumbered() {
        QTemporaryDir dir;
        const std::string batch = writeFile(dir, "data_batch_1.bin", cifar10Bytes({0, 1}, 0));
        const LoadResult result = loadCifar({batch}, {}, {});
        QCOMPARE(result.train.classNames.size(), size_t(10));
        QCOMPARE(result.train.classNames[3], std::string("class 3"));
    }

    void nameFileWithWrongCountWarns() {
        QTemporaryDir dir;
        const std::string batch = writeFile(dir, "data_batch_1.bin", cifar10Bytes({0, 1}, 0));
        const std::string test = writeFile(dir, "test_batch.bin", cifar10Bytes({2}, 0));
        writeFile(dir, "batches.meta.txt", nameLines("n", 9));
        const LoadResult result = loadCifar({batch, test}, {}, {});
        QCOMPARE(result.train.classNames[0], std::string("class 0"));
        QCOMPARE(result.warnings.size(), size_t(1));  // once, not once per set
        QVERIFY(QString::fromStdString(result.warnings[0])
                    .contains("lists 9 class names, expected 10"));
    }

    void onlyTestFileBecomesTheDataset() {
        QTemporaryDir dir;
        const std::string test = writeFile(dir, "test_batch.bin", cifar10Bytes({3, 4}, 0));
        const LoadResult result = loadCifar({test}, {}, {});
        QVERIFY(!result.hasTest);
        QCOMPARE(result.train.size(), int64_t(2));
        QCOMPARE(result.warnings.size(), size_t(1));
    }

    void truncatedRecordIsRefused() {
        QTemporaryDir dir;
        const std::string batch =
            writeFile(dir, "data_batch_1.bin", cifar10Bytes({1, 2}, 0).left(2 * 3073 - 5));
        const QString error = errorOf([&] { loadCifar({batch}, {}, {}); });
        QVERIFY2(error.startsWith(QString::fromStdString(batch) + ": "), qPrintable(error));
        QVERIFY2(error.contains("6141 bytes is not a multiple of the 3073-byte CIFAR-10 record "
                                "(1 whole records and 3068 bytes over)"),
                 qPrintable(error));
    }

    void cifar100DataUnderCifar10NameGetsAHint() {
        QTemporaryDir dir;
        const std::string batch =
            writeFile(dir, "data_batch_1.bin", cifar100Bytes({{1, 2}, {3, 4}}, 0));
        const QString error = errorOf([&] { loadCifar({batch}, {}, {}); });
        QVERIFY2(error.contains("is it a CIFAR-100 file?"), qPrintable(error));
    }

    void badLabelsAreRefused() {
        QTemporaryDir dir;
        const std::string batch = writeFile(dir, "data_batch_1.bin", cifar10Bytes({1, 10}, 0));
        QString error = errorOf([&] { loadCifar({batch}, {}, {}); });
        QVERIFY2(error.startsWith(QString::fromStdString(batch) +
                                  ": record 1: label 10 is out "
                                  "of range for the 10 CIFAR-10 classes"),
                 qPrintable(error));

        const std::string fine = writeFile(dir, "train.bin", cifar100Bytes({{0, 1}, {2, 100}}, 0));
        error = errorOf([&] { loadCifar({fine}, {}, {}); });
        QVERIFY2(error.contains("record 1: fine label 100 is out of range for the 100"),
                 qPrintable(error));

        // A bad coarse label is an error even when the fine labels are used.
        const std::string coarse = writeFile(dir, "test.bin", cifar100Bytes({{20, 1}}, 0));
        error = errorOf([&] { loadCifar({coarse}, {}, {}); });
        QVERIFY2(error.contains("record 0: coarse label 20 is out of range for the 20"),
                 qPrintable(error));
    }

    void emptyAndMissingFilesAreRefused() {
        QTemporaryDir dir;
        const std::string empty = writeFile(dir, "data_batch_1.bin", {});
        QString error = errorOf([&] { loadCifar({empty}, {}, {}); });
        QVERIFY2(error.contains("data_batch_1.bin: empty file"), qPrintable(error));

        const std::string missing = dir.filePath("data_batch_2.bin").toStdString();
        error = errorOf([&] { loadCifar({missing}, {}, {}); });
        QVERIFY2(error.contains("data_batch_2.bin: cannot open: no such file"), qPrintable(error));

        error = errorOf([&] { loadCifar({dir.filePath("other.bin").toStdString()}, {}, {}); });
        QVERIFY2(error.startsWith("no CIFAR files given"), qPrintable(error));
    }

    void mixingCifar10And100IsRefused() {
        QTemporaryDir dir;
        const std::string a = writeFile(dir, "data_batch_1.bin", cifar10Bytes({1}, 0));
        const std::string b = writeFile(dir, "train.bin", cifar100Bytes({{1, 1}}, 0));
        QVERIFY(errorOf([&] { loadCifar({a, b}, {}, {}); }).contains("load one set at a time"));
    }

    void memoryBudgetIsChecked() {
        QTemporaryDir dir;
        const std::string batch = writeFile(dir, "data_batch_1.bin", cifar10Bytes({1, 2, 3}, 0));
        LoadOptions options;
        options.memoryBudgetBytes = 2 * kCifarImageBytes;
        const QString error = errorOf([&] { loadCifar({batch}, options, {}); });
        QVERIFY2(error.contains("3 images need 9216 bytes, more than the memory budget"),
                 qPrintable(error));
    }

    void progressReportsAndCancels() {
        QTemporaryDir dir;
        const std::string batch = writeFile(dir, "data_batch_1.bin", cifar10Bytes({1, 2}, 0));
        const std::string test = writeFile(dir, "test_batch.bin", cifar10Bytes({1}, 0));
        std::vector<double> seen;
        loadCifar({batch, test}, {}, [&](double f, const std::string&) {
            seen.push_back(f);
            return true;
        });
        QVERIFY(!seen.empty());
        QVERIFY(std::is_sorted(seen.begin(), seen.end()));
        QCOMPARE(seen.back(), 1.0);
        const QString error = errorOf(
            [&] { loadCifar({batch}, {}, [](double, const std::string&) { return false; }); });
        QCOMPARE(error, QString("<cancelled>"));
    }

    void parsesFromMemory() {
        const QByteArray bytes = cifar10Bytes({7, 8}, 5);
        const CifarRecords records =
            parseCifarRecords(reinterpret_cast<const uint8_t*>(bytes.constData()),
                              size_t(bytes.size()), CifarVariant::Cifar10, false, "memory");
        QCOMPARE(records.count, int64_t(2));
        QCOMPARE(records.labels, (std::vector<uint8_t>{7, 8}));
        QVERIFY(std::equal(records.pixels.begin() + kCifarImageBytes, records.pixels.end(),
                           recordPixels(6).begin()));
        const QString error = errorOf([&] {
            parseCifarRecords(reinterpret_cast<const uint8_t*>(bytes.constData()), 3000,
                              CifarVariant::Cifar10, false, "memory");
        });
        QVERIFY2(error.startsWith("memory: 3000 bytes is not a multiple"), qPrintable(error));
    }

    void namesTellTheVariant() {
        CifarVariant v{};
        QVERIFY(cifarVariantOfName("/x/data_batch_3.bin", v) && v == CifarVariant::Cifar10);
        QVERIFY(cifarVariantOfName("test_batch.bin", v) && v == CifarVariant::Cifar10);
        QVERIFY(cifarVariantOfName("/y/train.bin", v) && v == CifarVariant::Cifar100);
        QVERIFY(cifarVariantOfName("test.bin", v) && v == CifarVariant::Cifar100);
        QVERIFY(!cifarVariantOfName("data_batch_.bin", v));
        QVERIFY(!cifarVariantOfName("data_batch_1.bin.gz", v));
        QVERIFY(!cifarVariantOfName("batches.meta.txt", v));
    }
};

QTEST_GUILESS_MAIN(CifarTest)
#include "CifarTest.moc"
