// What a user drops -> which loader: IDX pairing (gz and raw, MNIST and "*-images.idx3"
// names, train + t10k, lonely files), CIFAR by name (also inside a wrapper folder),
// CSV/TSV (one table, or train + test), image folders, one image, and the drops that
// must be refused with a clear message. Fixtures are written by the test.

#include "datasets/Detect.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/support/Fixtures.h"

#include <zlib.h>

#include <functional>

using namespace dlab;
using namespace dlab::data;
using dlab::test::errorOf;
using dlab::test::idxBytes;

namespace {

// `n` images of 2×3 pixels; pixel k of image i is (i * 6 + k) * 11 % 256.
QByteArray idxImages(uint32_t n) {
    QByteArray pixels;
    for (uint32_t i = 0; i < n * 6; ++i) {
        pixels.append(char((i * 11) % 256));
    }
    return idxBytes(0x08, {n, 2, 3}, pixels);
}

QByteArray idxLabels(const std::vector<int>& labels) {
    QByteArray bytes;
    for (int l : labels) {
        bytes.append(char(l));
    }
    return idxBytes(0x08, {uint32_t(labels.size())}, bytes);
}

QByteArray cifar10Bytes(const std::vector<int>& labels) {
    QByteArray bytes;
    for (int l : labels) {
        bytes.append(char(l));
        bytes.append(QByteArray(3072, char(l * 20)));
    }
    return bytes;
}

// A 2×2 grey PGM image.
QByteArray pgmBytes(uint8_t value) {
    return QByteArray("P5\n2 2\n255\n") + QByteArray(4, char(value));
}

std::string write(const QString& path, const QByteArray& bytes) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size()) {
        qFatal("cannot write the fixture %s", qPrintable(path));
    }
    return path.toStdString();
}

std::string writeGz(const QString& path, const QByteArray& bytes) {
    gzFile file = gzopen(path.toUtf8().constData(), "wb");
    if (!file || gzwrite(file, bytes.constData(), unsigned(bytes.size())) != int(bytes.size())) {
        qFatal("cannot write the fixture %s", qPrintable(path));
    }
    gzclose(file);
    return path.toStdString();
}

std::vector<uint8_t> pixelsOf(const Dataset& data, int64_t pos) {
    std::vector<uint8_t> out(static_cast<size_t>(data.sampleShape().numel()));
    data.store->readPixels(data.rows[static_cast<size_t>(pos)], out.data());
    return out;
}

// MNIST-style folder: train (gz images, raw labels) and t10k (raw images, gz labels).
void writeMnistFolder(const QTemporaryDir& dir) {
    writeGz(dir.filePath("train-images-idx3-ubyte.gz"), idxImages(3));
    write(dir.filePath("train-labels-idx1-ubyte"), idxLabels({2, 0, 1}));
    write(dir.filePath("t10k-images-idx3-ubyte"), idxImages(2));
    writeGz(dir.filePath("t10k-labels-idx1-ubyte.gz"), idxLabels({1, 1}));
}

}  // namespace

class DetectTest : public QObject {
    Q_OBJECT

private slots:
    void idxFolderWithTrainAndTest() {
        QTemporaryDir dir;
        writeMnistFolder(dir);
        write(dir.filePath("README.md"), "notes");
        const DroppedInput input = detectDropped({dir.path().toStdString()});
        QCOMPARE(input.format, DroppedFormat::Idx);
        QCOMPARE(input.files.size(), size_t(4));

        const LoadResult result = loadDropped({dir.path().toStdString()}, {}, {});
        QCOMPARE(result.format, std::string("idx"));
        QVERIFY(result.hasTest);
        QVERIFY(result.warnings.empty());  // a readme in a dropped folder is no news
        QCOMPARE(result.train.size(), int64_t(3));
        QCOMPARE(result.train.sampleShape(), (Shape{1, 2, 3}));
        QCOMPARE(result.test.size(), int64_t(2));
        QCOMPARE(result.train.label(0), 2);
        QCOMPARE(result.test.label(1), 1);
        // Both sets agree on the classes although the test labels stop at 1.
        QCOMPARE(result.test.numClasses, 3);
        QCOMPARE(result.train.numClasses, 3);
        const std::vector<uint8_t> second = pixelsOf(result.train, 1);
        for (size_t k = 0; k < second.size(); ++k) {
            QCOMPARE(int(second[k]), int(((6 + k) * 11) % 256));
        }
    }

    void idxFilesDroppedAsAListWithOtherNames() {
        QTemporaryDir dir;
        const std::string images = write(dir.filePath("digits-images.idx3"), idxImages(2));
        const std::string labels = write(dir.filePath("digits-labels.idx1"), idxLabels({0, 1}));
        const std::string other = write(dir.filePath("notes.md"), "x");
        const std::vector<IdxFilePair> pairs = pairIdxFiles({labels, images});
        QCOMPARE(pairs.size(), size_t(1));
        QCOMPARE(pairs[0].images, images);
        QCOMPARE(pairs[0].labels, labels);
        QVERIFY(!pairs[0].test);

        const LoadResult result = loadDropped({images, other, labels}, {}, {});
        QCOMPARE(result.format, std::string("idx"));
        QVERIFY(!result.hasTest);
        QCOMPARE(result.train.size(), int64_t(2));
        QCOMPARE(result.warnings.size(), size_t(1));  // a dropped file that was ignored
        QVERIFY(QString::fromStdString(result.warnings[0]).contains("notes.md"));
    }

    void idxPairsByNameAmongSeveral() {
        QTemporaryDir dir;
        writeMnistFolder(dir);
        std::vector<std::string> files;
        for (const QString& name : QDir(dir.path()).entryList(QDir::Files)) {
            files.push_back(dir.filePath(name).toStdString());
        }
        std::vector<IdxFilePair> pairs = pairIdxFiles(files);
        QCOMPARE(pairs.size(), size_t(2));
        std::sort(pairs.begin(), pairs.end(),
                  [](const IdxFilePair& a, const IdxFilePair& b) { return a.test < b.test; });
        QVERIFY(QString::fromStdString(pairs[0].labels).endsWith("train-labels-idx1-ubyte"));
        QVERIFY(pairs[1].test);
        QVERIFY(QString::fromStdString(pairs[1].labels).endsWith("t10k-labels-idx1-ubyte.gz"));
    }

    void idxImagesWithoutLabelsAreRefused() {
        QTemporaryDir dir;
        write(dir.filePath("train-images-idx3-ubyte"), idxImages(2));
        write(dir.filePath("t10k-images-idx3-ubyte"), idxImages(2));
        write(dir.filePath("t10k-labels-idx1-ubyte"), idxLabels({0, 1}));
        const QString error = errorOf([&] { loadDropped({dir.path().toStdString()}, {}, {}); });
        QVERIFY2(error.startsWith(dir.filePath("train-images-idx3-ubyte") +
                                  ": no labels file for these images (looked for "
                                  "train-labels-idx1-ubyte, raw or .gz, beside it)"),
                 qPrintable(error));

        QTemporaryDir only;
        write(only.filePath("train-images-idx3-ubyte"), idxImages(2));
        QVERIFY(errorOf([&] {
                    loadDropped({only.path().toStdString()}, {}, {});
                }).contains("no labels file for these images"));
    }

    void idxLabelsWithoutImagesAreRefused() {
        QTemporaryDir dir;
        writeMnistFolder(dir);
        QVERIFY(QFile::remove(dir.filePath("t10k-images-idx3-ubyte")));
        const QString error = errorOf([&] { loadDropped({dir.path().toStdString()}, {}, {}); });
        QVERIFY2(error.contains("t10k-labels-idx1-ubyte.gz: no images file for these labels "
                                "(looked for t10k-images-idx3-ubyte"),
                 qPrintable(error));
    }

    void idxOnlyTestSetWarns() {
        QTemporaryDir dir;
        write(dir.filePath("t10k-images-idx3-ubyte"), idxImages(2));
        write(dir.filePath("t10k-labels-idx1-ubyte"), idxLabels({0, 1}));
        const LoadResult result = loadDropped({dir.path().toStdString()}, {}, {});
        QVERIFY(!result.hasTest);
        QCOMPARE(result.train.size(), int64_t(2));
        QCOMPARE(result.warnings.size(), size_t(1));
    }

    void brokenIdxFileNamesItself() {
        QTemporaryDir dir;
        const std::string images =
            write(dir.filePath("train-images-idx3-ubyte"), idxImages(3).left(20));
        write(dir.filePath("train-labels-idx1-ubyte"), idxLabels({0, 1, 2}));
        const QString error = errorOf([&] { loadDropped({dir.path().toStdString()}, {}, {}); });
        QVERIFY2(error.startsWith(QString::fromStdString(images) + ": truncated"),
                 qPrintable(error));
    }

    void idxUnderACifarNameIsIdx() {
        QTemporaryDir dir;
        const std::string images = write(dir.filePath("train.bin"), idxImages(2));
        const std::string labels = write(dir.filePath("labels.idx1"), idxLabels({0, 1}));
        const DroppedInput input = detectDropped({images, labels});
        QCOMPARE(input.format, DroppedFormat::Idx);
        QCOMPARE(input.files.size(), size_t(2));
        // A CIFAR-named file that is neither whole records nor IDX is CIFAR's to report.
        const std::string bad = write(dir.filePath("test.bin"), "0123");
        QCOMPARE(detectDropped({bad}).format, DroppedFormat::Cifar);
        QVERIFY(
            errorOf([&] {
                loadDropped({bad}, {}, {});
            }).contains("test.bin: 4 bytes is not a multiple of the 3074-byte CIFAR-100 record"));
    }

    void cifarInsideAWrapperFolder() {
        QTemporaryDir dir;
        const QString inner = dir.filePath("cifar-10-batches-bin");
        write(inner + "/data_batch_1.bin", cifar10Bytes({1, 2}));
        write(inner + "/data_batch_2.bin", cifar10Bytes({3}));
        write(inner + "/test_batch.bin", cifar10Bytes({4}));
        write(inner + "/readme.html", "<html/>");
        QByteArray names;
        for (const char* n : {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
                              "horse", "ship", "truck"}) {
            names += QByteArray(n) + "\n";
        }
        write(inner + "/batches.meta.txt", names);

        const DroppedInput input = detectDropped({dir.path().toStdString()});
        QCOMPARE(input.format, DroppedFormat::Cifar);
        const LoadResult result = loadDropped({dir.path().toStdString()}, {}, {});
        QCOMPARE(result.format, std::string("cifar10"));
        QVERIFY(result.hasTest);
        QCOMPARE(result.train.size(), int64_t(3));
        QCOMPARE(result.train.label(2), 3);
        QCOMPARE(result.train.classNames[3], std::string("cat"));
        QCOMPARE(int(pixelsOf(result.test, 0)[100]), 80);
    }

    void cifar100FilesDroppedAsAList() {
        QTemporaryDir dir;
        QByteArray record;
        record.append(char(3));
        record.append(char(42));
        record.append(QByteArray(3072, char(9)));
        const std::string train = write(dir.filePath("train.bin"), record + record);
        const std::string test = write(dir.filePath("test.bin"), record);
        LoadOptions options;
        options.cifar100Coarse = true;
        const LoadResult result = loadDropped({test, train}, options, {});
        QCOMPARE(result.format, std::string("cifar100"));
        QCOMPARE(result.train.size(), int64_t(2));
        QCOMPARE(result.test.size(), int64_t(1));
        QCOMPARE(result.train.label(0), 3);
    }

    void csvFileAndFolder() {
        QTemporaryDir dir;
        const std::string csv = write(dir.filePath("points.csv"), "x,y,label\n1,2,a\n3,4,b\n");
        const LoadResult fromFile = loadDropped({csv}, {}, {});
        QCOMPARE(fromFile.format, std::string("csv"));
        QCOMPARE(fromFile.train.size(), int64_t(2));
        QCOMPARE(fromFile.train.name, std::string("points"));

        const LoadResult fromFolder = loadDropped({dir.path().toStdString()}, {}, {});
        QCOMPARE(fromFolder.format, std::string("csv"));

        QTemporaryDir tsv;
        const std::string table = write(tsv.filePath("data.txt"), "a\tb\tc\n1\t2\t0\n3\t4\t1\n");
        QCOMPARE(detectDropped({table}).format, DroppedFormat::Csv);
        LoadOptions options;
        options.regression = true;
        const LoadResult regression = loadDropped({table}, options, {});
        QCOMPARE(regression.train.numClasses, 0);
        QCOMPARE(regression.train.targets, (std::vector<float>{0, 1}));
    }

    void csvTrainAndTestShareClasses() {
        QTemporaryDir dir;
        write(dir.filePath("train.csv"), "x,label\n1,cat\n2,dog\n3,emu\n");
        write(dir.filePath("test.csv"), "x,label\n4,emu\n5,dog\n");
        // Two tables in a folder: not an image folder, not CIFAR; the pair is kept.
        const LoadResult result = loadDropped({dir.path().toStdString()}, {}, {});
        QVERIFY(result.hasTest);
        QCOMPARE(result.test.classNames, result.train.classNames);
        QCOMPARE(result.test.targets, (std::vector<float>{2, 1}));

        write(dir.filePath("test.csv"), "x,label\n4,emu\n5,yak\n");
        QVERIFY(errorOf([&] {
                    loadDropped({dir.path().toStdString()}, {}, {});
                }).contains("test.csv: class \"yak\" does not occur in"));

        QTemporaryDir two;
        const std::string a = write(two.filePath("a.csv"), "x,label\n1,a\n2,b\n");
        const std::string b = write(two.filePath("b.csv"), "x,label\n1,a\n2,b\n");
        QVERIFY(errorOf([&] {
                    loadDropped({a, b}, {}, {});
                }).startsWith("several tables were given"));
    }

    void brokenCsvIsReportedWithItsLine() {
        QTemporaryDir dir;
        const std::string csv = write(dir.filePath("bad.csv"), "a,b,label\n1,2,x\n1,2,3,y\n");
        const QString error = errorOf([&] { loadDropped({csv}, {}, {}); });
        QCOMPARE(error, QString::fromStdString(csv) + " line 3: 4 columns, expected 3");
    }

    void imageFolderIsDetected() {
        QTemporaryDir dir;
        write(dir.filePath("cats/a.pgm"), pgmBytes(10));
        write(dir.filePath("cats/b.pgm"), pgmBytes(20));
        write(dir.filePath("dogs/c.pgm"), pgmBytes(30));
        write(dir.filePath("labels.csv"), "file,label\n1,2\n");  // outranked by the class folders
        const DroppedInput input = detectDropped({dir.path().toStdString()});
        QCOMPARE(input.format, DroppedFormat::ImageFolder);
        QCOMPARE(input.root, dir.path().toStdString());

        const LoadResult result = loadDropped({dir.path().toStdString()}, {}, {});
        QCOMPARE(result.format, std::string("image-folder"));
        QCOMPARE(result.train.size(), int64_t(3));
        QCOMPARE(result.train.numClasses, 2);

        QTemporaryDir split;
        write(split.filePath("train/cats/a.pgm"), pgmBytes(10));
        write(split.filePath("train/dogs/b.pgm"), pgmBytes(20));
        write(split.filePath("test/cats/c.pgm"), pgmBytes(30));
        QCOMPARE(detectDropped({split.path().toStdString()}).format, DroppedFormat::ImageFolder);
    }

    void singleImageIsForInference() {
        QTemporaryDir dir;
        const std::string image = write(dir.filePath("digit.pgm"), pgmBytes(200));
        const LoadResult result = loadDropped({image}, {}, {});
        QCOMPARE(result.kind, LoadResult::Kind::SingleImage);
        QCOMPARE(result.format, std::string("image"));
        QCOMPARE(result.imagePath, image);
        QCOMPARE(result.train.size(), int64_t(0));

        const std::string fake = write(dir.filePath("fake.png"), "not a png at all");
        QVERIFY(errorOf([&] { loadDropped({fake}, {}, {}); }).contains("fake.png: not an image"));
    }

    void refusedDrops() {
        QTemporaryDir dir;
        const std::string a = write(dir.filePath("a.pgm"), pgmBytes(1));
        const std::string b = write(dir.filePath("b.pgm"), pgmBytes(2));
        QVERIFY(errorOf([&] { detectDropped({a, b}); }).startsWith("2 images were dropped"));
        // A folder of images without class folders.
        QVERIFY(errorOf([&] {
                    detectDropped({dir.path().toStdString()});
                }).contains("holds 2 images but no class sub-folders"));

        QTemporaryDir empty;
        QVERIFY(errorOf([&] {
                    detectDropped({empty.path().toStdString()});
                }).startsWith(empty.path() + ": no dataset found"));
        QVERIFY(errorOf([&] {
                    detectDropped({empty.path().toStdString() + "/missing"});
                }).endsWith("missing: no such file or folder"));
        QVERIFY(errorOf([&] { detectDropped({}); }).startsWith("nothing was dropped"));
        QVERIFY(errorOf([&] {
                    detectDropped({empty.path().toStdString(), a});
                }).startsWith("several items were dropped with a folder among them"));
        const std::string notes = write(empty.filePath("notes.md"), "hello");
        QVERIFY(errorOf([&] {
                    detectDropped({notes});
                }).startsWith("none of the dropped files is a dataset (notes.md)"));
    }

    void cancellingStopsLoading() {
        QTemporaryDir dir;
        writeMnistFolder(dir);
        QCOMPARE(errorOf([&] {
                     loadDropped({dir.path().toStdString()}, {},
                                 [](double, const std::string&) { return false; });
                 }),
                 QString("<cancelled>"));
    }

    void idxMagicIsRecognised() {
        QTemporaryDir dir;
        int rank = 0;
        QVERIFY(isIdxFile(writeGz(dir.filePath("x.gz"), idxLabels({1})), rank));
        QCOMPARE(rank, 1);
        QVERIFY(!isIdxFile(write(dir.filePath("y"), "hello"), rank));
        QVERIFY(!isIdxFile(write(dir.filePath("z"), QByteArray("\0\0\x08\x09", 4)), rank));
    }
};

QTEST_GUILESS_MAIN(DetectTest)
#include "DetectTest.moc"
