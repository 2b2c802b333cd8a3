// IDX reading: round trips through raw and gzipped fixtures the test writes itself, and
// one test per way a file can be broken, each of which must name the file and say what
// is wrong. The real Fashion-MNIST test set is checked when it is installed.

#include "datasets/Idx.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QtTest>

#include "tests/support/Fixtures.h"

#include <zlib.h>

#include <algorithm>
#include <functional>

using namespace dlab;
using namespace dlab::data;
using dlab::test::errorOf;
using dlab::test::idxBytes;

namespace {

// 3 images of 2×4 pixels: values cover 0, 255 and the upper half (a signed-char trap).
QByteArray imagePixels() {
    QByteArray pixels;
    for (int i = 0; i < 24; ++i) {
        pixels.append(char(i == 0 ? 0 : i == 23 ? 255 : (i * 37) % 256));
    }
    return pixels;
}

QByteArray labelBytes(std::initializer_list<int> labels) {
    QByteArray bytes;
    for (int l : labels) {
        bytes.append(char(l));
    }
    return bytes;
}

void writeRaw(const std::string& path, const QByteArray& bytes) {
    QFile file(QString::fromStdString(path));
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(bytes), qint64(bytes.size()));
}

void writeGz(const std::string& path, const QByteArray& bytes) {
    gzFile file = gzopen(path.c_str(), "wb");
    QVERIFY(file != nullptr);
    if (!bytes.isEmpty()) {
        QCOMPARE(gzwrite(file, bytes.constData(), unsigned(bytes.size())), int(bytes.size()));
    }
    QCOMPARE(gzclose(file), Z_OK);
}

}  // namespace

class IdxTest : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    std::string path(const char* name) const {
        return QDir(m_dir.path()).filePath(name).toStdString();
    }

    // Reading `file` fails with a message that names it and contains `fragment`.
    void expectReadError(const std::string& file, const QString& fragment) {
        const QString message = errorOf([&] { readIdx(file); });
        QVERIFY2(message.contains(QString::fromStdString(file)), qPrintable(message));
        QVERIFY2(message.contains(fragment), qPrintable(message));
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void readsRawFile() {
        const std::string file = path("images-idx3-ubyte");
        writeRaw(file, idxBytes(0x08, {3, 2, 4}, imagePixels()));
        const IdxArray array = readIdx(file);
        QCOMPARE(array.dims, (std::vector<int64_t>{3, 2, 4}));
        const QByteArray pixels = imagePixels();
        QCOMPARE(array.data.size(), size_t(24));
        for (int i = 0; i < 24; ++i) {
            QCOMPARE(int(array.data[size_t(i)]), int(uint8_t(pixels[i])));
        }
    }

    void readsGzipFile() {
        const std::string file = path("images-idx3-ubyte.gz");
        writeGz(file, idxBytes(0x08, {3, 2, 4}, imagePixels()));
        const IdxArray array = readIdx(file);
        QCOMPARE(array.dims, (std::vector<int64_t>{3, 2, 4}));
        QCOMPARE(int(array.data[23]), 255);
        QCOMPARE(int(array.data[1]), 37);
    }

    void loadsImageLabelPair() {
        const std::string images = path("pair-images.gz");
        const std::string labels = path("pair-labels");
        writeGz(images, idxBytes(0x08, {3, 2, 4}, imagePixels()));
        writeRaw(labels, idxBytes(0x08, {3}, labelBytes({2, 0, 1})));

        const Dataset data = loadIdxPair(images, labels, "tiny", {"a", "b", "c", "d"});
        QCOMPARE(data.name, std::string("tiny"));
        QVERIFY(data.isImage());
        QCOMPARE(data.sampleShape(), (Shape{1, 2, 4}));
        QCOMPARE(data.store->size(), int64_t(3));
        QCOMPARE(data.rows, (std::vector<int64_t>{0, 1, 2}));
        QCOMPARE(data.inputsTensor().shape(), (Shape{3, 1, 2, 4}));
        QCOMPARE(data.targetsTensor().shape(), (Shape{3}));
        QCOMPARE(data.pixelMax(), 255.0f);
        QCOMPARE(data.numClasses, 4);
        QCOMPARE(data.classNames.size(), size_t(4));
        // The store keeps the file's bytes as uint8; read as floats they are 0..255.
        const QByteArray pixels = imagePixels();
        uint8_t sample[8];
        for (int64_t row = 0; row < 3; ++row) {
            data.store->readPixels(row, sample);
            for (int i = 0; i < 8; ++i) {
                QCOMPARE(int(sample[i]), int(uint8_t(pixels[int(row) * 8 + i])));
            }
        }
        const std::vector<float> asFloat = data.inputsTensor().toVector();
        for (int i = 0; i < 24; ++i) {
            QCOMPARE(asFloat[size_t(i)], float(uint8_t(pixels[i])));
        }
        QCOMPARE(data.targets, (std::vector<float>{2, 0, 1}));

        const Dataset unnamed = loadIdxPair(images, labels, "tiny");
        QCOMPARE(unnamed.numClasses, 3);
        QCOMPARE(unnamed.classNames.back(), std::string("class 2"));
    }

    void badMagic() {
        const std::string file = path("bad-magic");
        QByteArray bytes = idxBytes(0x08, {3}, labelBytes({1, 2, 3}));
        bytes[0] = char(0x12);
        writeRaw(file, bytes);
        expectReadError(file, "bad magic");
    }

    void wrongTypeByte() {
        const std::string floats = path("float-type");
        writeRaw(floats, idxBytes(0x0D, {1}, QByteArray(4, 0)));
        expectReadError(floats, "float32");
        expectReadError(floats, "not supported");
        const std::string unknown = path("unknown-type");
        writeRaw(unknown, idxBytes(0x42, {1}, QByteArray(1, 0)));
        expectReadError(unknown, "unknown IDX element type 0x42");
    }

    void badDimensionCount() {
        const std::string none = path("rank0");
        writeRaw(none, idxBytes(0x08, {}, QByteArray()));
        expectReadError(none, "0 dimensions");
        const std::string five = path("rank5");
        writeRaw(five, idxBytes(0x08, {1, 1, 1, 1, 1}, QByteArray(1, 0)));
        expectReadError(five, "5 dimensions");
    }

    void truncatedHeader() {
        const std::string file = path("short-header");
        writeRaw(file, idxBytes(0x08, {3, 2, 4}, QByteArray()).left(10));
        expectReadError(file, "truncated");
    }

    void truncatedData() {
        const QByteArray bytes = idxBytes(0x08, {3, 2, 4}, imagePixels().left(10));
        const std::string raw = path("truncated-idx3-ubyte");
        writeRaw(raw, bytes);
        expectReadError(raw, "truncated: header declares 3×2×4 = 24 bytes of data, file has 10");
        const std::string gz = path("truncated-idx3-ubyte.gz");
        writeGz(gz, bytes);
        expectReadError(gz, "truncated: header declares 3×2×4 = 24 bytes of data, file has 10");
    }

    void truncatedGzipStream() {
        const std::string whole = path("whole.gz");
        QByteArray payload;
        for (int i = 0; i < 20000; ++i) {
            payload.append(char((i * 7919) % 251));
        }
        writeGz(whole, idxBytes(0x08, {20000}, payload));
        QFile in(QString::fromStdString(whole));
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QByteArray compressed = in.readAll();
        const std::string cut = path("cut.gz");
        writeRaw(cut, compressed.left(compressed.size() / 2));
        expectReadError(cut, "truncated");
        const std::string cutHeader = path("cut-header.gz");
        writeRaw(cutHeader, compressed.left(6));
        expectReadError(cutHeader, "truncated gzip stream");
    }

    void corruptGzipData() {
        const std::string whole = path("corrupt.gz");
        QByteArray payload;
        for (int i = 0; i < 20000; ++i) {
            payload.append(char((i * 7919) % 251));
        }
        writeGz(whole, idxBytes(0x08, {20000}, payload));
        QFile file(QString::fromStdString(whole));
        QVERIFY(file.open(QIODevice::ReadWrite));
        QByteArray compressed = file.readAll();
        for (qsizetype i = compressed.size() / 3; i < compressed.size() / 3 + 16; ++i) {
            compressed[i] = char(compressed[i] ^ 0x5a);
        }
        QVERIFY(file.seek(0));
        QCOMPARE(file.write(compressed), qint64(compressed.size()));
        file.close();
        const QString message = errorOf([&] { readIdx(whole); });
        QVERIFY2(message.contains(QString::fromStdString(whole)), qPrintable(message));
    }

    void trailingGarbage() {
        const QByteArray bytes = idxBytes(0x08, {3}, labelBytes({1, 2, 3})) + "extra";
        const std::string raw = path("trailing");
        writeRaw(raw, bytes);
        expectReadError(raw, "size mismatch");
        expectReadError(raw, "5 bytes of trailing data");
        const std::string gz = path("trailing.gz");
        writeGz(gz, bytes);
        expectReadError(gz, "5 bytes of trailing data");
    }

    void imageLabelCountMismatch() {
        const std::string images = path("mismatch-images");
        const std::string labels = path("mismatch-labels");
        writeRaw(images, idxBytes(0x08, {3, 2, 4}, imagePixels()));
        writeRaw(labels, idxBytes(0x08, {2}, labelBytes({0, 1})));
        const QString message = errorOf([&] { loadIdxPair(images, labels, "x"); });
        QVERIFY2(message.contains(QString::fromStdString(images)), qPrintable(message));
        QVERIFY2(message.contains(QString::fromStdString(labels)), qPrintable(message));
        QVERIFY2(message.contains("3 images but 2 labels"), qPrintable(message));
    }

    void wrongRankForPair() {
        const std::string images = path("rank-images");
        writeRaw(images, idxBytes(0x08, {3, 2, 4}, imagePixels()));
        const QString message = errorOf([&] { loadIdxPair(images, images, "x"); });
        QVERIFY2(message.contains("expected labels as (N,)"), qPrintable(message));
    }

    void hugeDeclaredSizeFailsFast() {
        QElapsedTimer timer;
        timer.start();
        const uint32_t big = 0xFFFFFFFFu;
        const QByteArray overLimit = idxBytes(0x08, {big, big, big, big}, QByteArray(8, 1));
        const std::string raw = path("huge");
        writeRaw(raw, overLimit);
        expectReadError(raw, "limit");
        const std::string gz = path("huge.gz");
        writeGz(gz, overLimit);
        expectReadError(gz, "limit");

        // Under the limit (1 GiB) but with 8 bytes behind it: refused before (raw) or
        // while (gzip) reading, without allocating the declared gigabyte up front.
        const QByteArray gib = idxBytes(0x08, {1, 32768, 32768}, QByteArray(8, 1));
        const std::string rawGib = path("gib");
        writeRaw(rawGib, gib);
        expectReadError(rawGib, "= 1073741824 bytes of data, file has 8");
        const std::string gzGib = path("gib.gz");
        writeGz(gzGib, gib);
        expectReadError(gzGib, "= 1073741824 bytes of data, file has 8");
        QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed()) + " ms"));
    }

    void labelOutOfRange() {
        const std::string images = path("range-images");
        const std::string labels = path("range-labels");
        writeRaw(images, idxBytes(0x08, {3, 2, 4}, imagePixels()));
        writeRaw(labels, idxBytes(0x08, {3}, labelBytes({0, 7, 1})));
        const QString message = errorOf([&] { loadIdxPair(images, labels, "x", {"a", "b", "c"}); });
        QVERIFY2(message.contains(QString::fromStdString(labels)), qPrintable(message));
        QVERIFY2(message.contains("label 7 of sample 1 is out of range for 3 classes"),
                 qPrintable(message));
    }

    void emptyFile() {
        const std::string raw = path("empty");
        writeRaw(raw, QByteArray());
        expectReadError(raw, "empty");
        const std::string gz = path("empty.gz");
        writeRaw(gz, QByteArray());
        expectReadError(gz, "empty");
        const std::string emptyStream = path("empty-stream.gz");
        writeGz(emptyStream, QByteArray());
        expectReadError(emptyStream, "empty");
    }

    void notGzipButNamedGz() {
        const std::string file = path("plain-idx1-ubyte.gz");
        writeRaw(file, idxBytes(0x08, {3}, labelBytes({1, 2, 3})));
        expectReadError(file, "not a gzip file");
    }

    void missingFile() {
        expectReadError(path("does-not-exist.gz"), "no such file");
        expectReadError(m_dir.path().toStdString(), "not a regular file");
        const QString message = errorOf([&] { loadFashionMnist(path("no-such-dir"), false); });
        QVERIFY2(message.contains("Fashion-MNIST not found"), qPrintable(message));
        QVERIFY(!fashionMnistAvailable(path("no-such-dir")));
    }

    // The fuzz targets' entry point: what the file reader gives, raw or gzip (one member
    // or several back to back, as gzread reads them), with the same errors.
    void readsFromMemory() {
        const QByteArray raw = idxBytes(0x08, {3, 2, 4}, imagePixels());
        const auto* rawBytes = reinterpret_cast<const uint8_t*>(raw.constData());
        IdxArray array = readIdxFromMemory(rawBytes, size_t(raw.size()), "memory");
        QCOMPARE(array.dims, (std::vector<int64_t>{3, 2, 4}));
        QCOMPARE(int(array.data[23]), 255);

        const auto gzipped = [&](const char* name, const QByteArray& bytes) {
            writeGz(path(name), bytes);
            QFile in(QString::fromStdString(path(name)));
            return in.open(QIODevice::ReadOnly) ? in.readAll() : QByteArray();
        };
        const QByteArray gz = gzipped("memory.gz", raw);
        const auto* gzBytes = reinterpret_cast<const uint8_t*>(gz.constData());
        QCOMPARE(readIdxFromMemory(gzBytes, size_t(gz.size()), "memory").data, array.data);
        const QByteArray members = gzipped("m1.gz", raw.left(10)) + gzipped("m2.gz", raw.mid(10));
        QCOMPARE(readIdxFromMemory(reinterpret_cast<const uint8_t*>(members.constData()),
                                   size_t(members.size()), "memory")
                     .data,
                 array.data);

        QString message = errorOf([&] { readIdxFromMemory(rawBytes, size_t(raw.size()) - 1, "memory"); });
        QVERIFY2(message.startsWith("memory: truncated: header declares"), qPrintable(message));
        message = errorOf([&] { readIdxFromMemory(gzBytes, size_t(gz.size()) / 2, "memory"); });
        QVERIFY2(message.startsWith("memory: truncated"), qPrintable(message));
        message = errorOf([&] { readIdxFromMemory(rawBytes, 0, "memory"); });
        QCOMPARE(message, QString("memory: empty file"));
    }

    void fashionMnistTestSet() {
        if (!fashionMnistAvailable(kFashionMnistDir)) {
            QSKIP(
                "Fashion-MNIST is not installed in /usr/share/datasets/fashion-mnist "
                "(Debian package dataset-fashion-mnist)");
        }
        const Dataset test = loadFashionMnist(kFashionMnistDir, false);
        QCOMPARE(test.size(), int64_t(10000));
        QCOMPARE(test.sampleShape(), (Shape{1, 28, 28}));
        QCOMPARE(test.numClasses, 10);
        QCOMPARE(test.classNames.front(), std::string("T-shirt/top"));
        QCOMPARE(test.classNames.back(), std::string("Ankle boot"));
        QCOMPARE(test.classCounts(), std::vector<int64_t>(10, 1000));
        QVERIFY(test.isImage());
        QCOMPARE(test.store->size(), int64_t(10000));
        std::vector<uint8_t> pixels(28 * 28);
        int maxPixel = 0;
        for (int64_t row : test.rows) {
            test.store->readPixels(row, pixels.data());
            maxPixel = std::max(maxPixel, int(*std::max_element(pixels.begin(), pixels.end())));
        }
        QCOMPARE(maxPixel, 255);
    }
};

QTEST_APPLESS_MAIN(IdxTest)
#include "IdxTest.moc"
