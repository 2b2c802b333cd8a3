// Image folders: fixtures written with cv::imwrite into a temporary folder (PNG, JPEG,
// BMP; 2–3 classes; with and without train/test; a damaged file; mixed sizes; grey and
// colour). Checks pixel round trips for the lossless formats, the layout and error
// messages, streaming mode against in-memory mode sample by sample, cancelling, and
// single images for inference.

#include "datasets/ImageFolder.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <atomic>
#include <cmath>
#include <thread>

using namespace dlab;
using namespace dlab::data;

namespace {

// A deterministic BGR (channels 3) or grey (channels 1) pattern, distinct per `id`.
cv::Mat pattern(int height, int width, int channels, int id) {
    cv::Mat image(height, width, channels == 3 ? CV_8UC3 : CV_8UC1);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            for (int c = 0; c < channels; ++c) {
                image.ptr<uint8_t>(y)[x * channels + c] =
                    static_cast<uint8_t>((37 * id + 11 * y + 5 * x + 70 * c) % 256);
            }
        }
    }
    return image;
}

// The planar RGB (or grey) bytes dlab should hold for `image`.
std::vector<uint8_t> planar(const cv::Mat& image) {
    const int channels = image.channels();
    const size_t plane = static_cast<size_t>(image.rows * image.cols);
    std::vector<uint8_t> out(plane * static_cast<size_t>(channels));
    for (int y = 0; y < image.rows; ++y) {
        for (int x = 0; x < image.cols; ++x) {
            for (int c = 0; c < channels; ++c) {
                const int target = channels == 3 ? 2 - c : 0;  // BGR → RGB
                out[static_cast<size_t>(target) * plane + static_cast<size_t>(y * image.cols + x)] =
                    image.ptr<uint8_t>(y)[x * channels + c];
            }
        }
    }
    return out;
}

void write(const QString& path, const cv::Mat& image) {
    QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
    QVERIFY(cv::imwrite(path.toStdString(), image));
}

void writeBytes(const QString& path, const QByteArray& bytes) {
    QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(bytes), qint64(bytes.size()));
}

std::vector<uint8_t> sample(const Dataset& data, int64_t pos) {
    std::vector<uint8_t> pixels(static_cast<size_t>(data.sampleShape().numel()));
    data.store->readPixels(data.rows[static_cast<size_t>(pos)], pixels.data());
    return pixels;
}

QString errorOf(const std::string& root, const LoadOptions& options = {}) {
    try {
        loadImageFolder(root, options);
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

bool anyWarningContains(const LoadResult& result, const char* text) {
    return std::any_of(result.warnings.begin(), result.warnings.end(),
                       [text](const std::string& w) { return w.find(text) != std::string::npos; });
}

}  // namespace

class ImageFolderTest : public QObject {
    Q_OBJECT

private slots:
    void pngRoundTrip() {
        QTemporaryDir dir;
        const QString root = dir.path() + "/pets";
        const cv::Mat a = pattern(5, 6, 3, 1), b = pattern(5, 6, 3, 2), c = pattern(5, 6, 3, 3);
        write(root + "/dogs/c.png", c);
        write(root + "/cats/b.png", b);
        write(root + "/cats/a.png", a);

        const LoadResult result = loadImageFolder(root.toStdString(), {});
        QCOMPARE(result.format, std::string("image-folder"));
        QVERIFY(!result.hasTest);
        QVERIFY(result.skippedFiles.empty());
        QVERIFY(result.warnings.empty());
        const Dataset& train = result.train;
        QCOMPARE(train.name, std::string("pets"));
        QCOMPARE(train.size(), int64_t(3));
        QCOMPARE(train.sampleShape(), Shape({3, 5, 6}));
        QVERIFY(train.isImage());
        QCOMPARE(train.numClasses, 2);
        QCOMPARE(train.classNames, std::vector<std::string>({"cats", "dogs"}));
        QCOMPARE(train.label(0), 0);
        QCOMPARE(train.label(1), 0);
        QCOMPARE(train.label(2), 1);
        QVERIFY(sample(train, 0) == planar(a));
        QVERIFY(sample(train, 1) == planar(b));
        QVERIFY(sample(train, 2) == planar(c));
        QVERIFY(
            QString::fromStdString(train.store->sampleName(train.rows[2])).endsWith("dogs/c.png"));
    }

    void formatsAndThreeClasses() {
        QTemporaryDir dir;
        const cv::Mat png = pattern(8, 8, 1, 4), bmp = pattern(8, 8, 1, 5);
        cv::Mat smooth(8, 8, CV_8UC1, cv::Scalar(120));
        write(dir.path() + "/a/x.png", png);
        write(dir.path() + "/b/y.BMP", bmp);
        write(dir.path() + "/c/z.jpg", smooth);
        writeBytes(dir.path() + "/c/notes.txt", "not an image");

        const LoadResult result = loadImageFolder(dir.path().toStdString(), {});
        QCOMPARE(result.train.numClasses, 3);
        QCOMPARE(result.train.sampleShape(), Shape({1, 8, 8}));
        QVERIFY(sample(result.train, 0) == planar(png));
        QVERIFY(sample(result.train, 1) == planar(bmp));
        for (uint8_t v : sample(result.train, 2)) {
            QVERIFY(std::abs(int(v) - 120) <= 2);  // JPEG is lossy, a flat image nearly not
        }
        QVERIFY(anyWarningContains(result, "1 files without an image extension"));
    }

    void trainAndTestFolders() {
        for (const QString& testName : {QString("test"), QString("val")}) {
            QTemporaryDir dir;
            write(dir.path() + "/train/ants/1.png", pattern(4, 4, 3, 1));
            write(dir.path() + "/train/ants/2.png", pattern(4, 4, 3, 2));
            write(dir.path() + "/train/bees/3.png", pattern(4, 4, 3, 3));
            write(dir.path() + "/" + testName + "/bees/4.png", pattern(4, 4, 3, 4));
            const LoadResult result = loadImageFolder(dir.path().toStdString(), {});
            QVERIFY(result.hasTest);
            QCOMPARE(result.train.size(), int64_t(3));
            QCOMPARE(result.test.size(), int64_t(1));
            QCOMPARE(result.test.label(0), 1);
            QCOMPARE(result.test.classNames, result.train.classNames);
            QVERIFY(result.test.store == result.train.store);
            QVERIFY(sample(result.test, 0) == planar(pattern(4, 4, 3, 4)));
        }
        QTemporaryDir dir;
        write(dir.path() + "/train/ants/1.png", pattern(4, 4, 3, 1));
        write(dir.path() + "/train/bees/2.png", pattern(4, 4, 3, 2));
        write(dir.path() + "/test/wasps/3.png", pattern(4, 4, 3, 3));
        QVERIFY(errorOf(dir.path().toStdString()).contains("class 'wasps' has no folder"));
    }

    void damagedFilesAreSkippedAndListed() {
        QTemporaryDir dir;
        write(dir.path() + "/a/1.png", pattern(4, 4, 1, 1));
        write(dir.path() + "/a/3.png", pattern(4, 4, 1, 3));
        write(dir.path() + "/b/4.png", pattern(4, 4, 1, 4));
        writeBytes(dir.path() + "/a/2.png", QByteArray("definitely not a PNG file"));
        writeBytes(dir.path() + "/b/0.jpg", QByteArray(300, 'x'));

        const LoadResult result = loadImageFolder(dir.path().toStdString(), {});
        QCOMPARE(result.train.size(), int64_t(3));
        QCOMPARE(result.skippedFiles.size(), size_t(2));
        QVERIFY(QString::fromStdString(result.skippedFiles[0]).endsWith("a/2.png"));
        QVERIFY(QString::fromStdString(result.skippedFiles[1]).endsWith("b/0.jpg"));
        QVERIFY(anyWarningContains(result, "2 files could not be read"));
        QVERIFY(sample(result.train, 1) == planar(pattern(4, 4, 1, 3)));
    }

    void mixedSizesAreResized() {
        QTemporaryDir dir;
        write(dir.path() + "/a/1.png", pattern(8, 10, 3, 1));
        write(dir.path() + "/a/2.png", pattern(16, 12, 3, 2));
        write(dir.path() + "/b/3.png", pattern(8, 10, 3, 3));
        const LoadResult result = loadImageFolder(dir.path().toStdString(), {});
        QCOMPARE(result.train.sampleShape(), Shape({3, 8, 10}));
        QVERIFY(anyWarningContains(result, "resized to 10×8"));

        LoadOptions options;
        options.imageHeight = 4;
        options.imageWidth = 5;
        const LoadResult chosen = loadImageFolder(dir.path().toStdString(), options);
        QCOMPARE(chosen.train.sampleShape(), Shape({3, 4, 5}));
        QVERIFY(!anyWarningContains(chosen, "resized"));
    }

    void colourModes() {
        QTemporaryDir dir;
        const cv::Mat grey = pattern(3, 3, 1, 1);
        const cv::Mat colour = pattern(3, 3, 3, 2);
        write(dir.path() + "/a/1.png", grey);
        write(dir.path() + "/b/2.png", colour);

        const LoadResult kept = loadImageFolder(dir.path().toStdString(), {});
        QCOMPARE(kept.train.sampleShape(), Shape({3, 3, 3}));
        const std::vector<uint8_t> widened = sample(kept.train, 0);
        const std::vector<uint8_t> g = planar(grey);
        for (size_t c = 0; c < 3; ++c) {
            QVERIFY(std::equal(g.begin(), g.end(), widened.begin() + static_cast<long>(c * 9)));
        }
        QVERIFY(sample(kept.train, 1) == planar(colour));

        LoadOptions options;
        options.color = LoadOptions::ColorMode::Gray;
        const LoadResult grey1 = loadImageFolder(dir.path().toStdString(), options);
        QCOMPARE(grey1.train.sampleShape(), Shape({1, 3, 3}));
        QVERIFY(sample(grey1.train, 0) == g);
        const std::vector<uint8_t> rgb = planar(colour);
        const int expected = (4899 * rgb[4] + 9617 * rgb[13] + 1868 * rgb[22] + 8192) >> 14;
        QCOMPARE(int(sample(grey1.train, 1)[4]), expected);

        QTemporaryDir greyDir;
        write(greyDir.path() + "/a/1.png", grey);
        write(greyDir.path() + "/b/2.png", grey);
        QCOMPARE(loadImageFolder(greyDir.path().toStdString(), {}).train.sampleShape(),
                 Shape({1, 3, 3}));
        options.color = LoadOptions::ColorMode::Color;
        QCOMPARE(loadImageFolder(greyDir.path().toStdString(), options).train.sampleShape(),
                 Shape({3, 3, 3}));
    }

    void badFoldersAreNamed() {
        QTemporaryDir dir;
        const std::string root = dir.path().toStdString();
        QVERIFY(errorOf(root + "/missing").contains("no such folder"));
        QVERIFY(errorOf(root).contains("the folder is empty"));

        write(dir.path() + "/cats/1.png", pattern(4, 4, 1, 1));
        QCOMPARE(errorOf(root),
                 QString::fromStdString(root) +
                     ": a classifier needs at least 2 classes, found 1 (folder 'cats')");

        QTemporaryDir loose;
        write(loose.path() + "/1.png", pattern(4, 4, 1, 1));
        QVERIFY(errorOf(loose.path().toStdString()).contains("no class folders"));

        QTemporaryDir noImages;
        writeBytes(noImages.path() + "/a/readme.txt", "x");
        writeBytes(noImages.path() + "/b/data.csv", "1,2");
        QVERIFY(errorOf(noImages.path().toStdString()).contains("no images found"));

        QTemporaryDir unreadable;
        writeBytes(unreadable.path() + "/a/1.png", "x");
        writeBytes(unreadable.path() + "/b/2.png", "y");
        QVERIFY(errorOf(unreadable.path().toStdString()).contains("none of the 2 image files"));
    }

    void streamingGivesTheSamePixels() {
        QTemporaryDir dir;
        int id = 0;
        for (const char* cls : {"a", "b", "c"}) {
            for (int i = 0; i < 4; ++i, ++id) {
                const bool odd = id % 5 == 3;  // a few of another size, resized
                write(dir.path() + "/" + cls + "/" + QString::number(i) + ".png",
                      pattern(odd ? 13 : 9, odd ? 7 : 11, 3, id));
            }
        }
        write(dir.path() + "/b/5.jpg", pattern(9, 11, 3, 50));
        const std::string root = dir.path().toStdString();

        const LoadResult memory = loadImageFolder(root, {});
        LoadOptions options;
        options.memoryBudgetBytes = 100;
        options.streamCacheBytes = 2 * 3 * 9 * 11;  // two samples
        const LoadResult streamed = loadImageFolder(root, options);

        const auto* store = dynamic_cast<const StreamingImageStore*>(streamed.train.store.get());
        QVERIFY(store != nullptr);
        QVERIFY(dynamic_cast<const MemoryStore*>(memory.train.store.get()) != nullptr);
        QVERIFY(anyWarningContains(streamed, "streamed from disk"));
        QCOMPARE(streamed.skippedFiles, memory.skippedFiles);
        QCOMPARE(streamed.train.sampleShape(), memory.train.sampleShape());
        QCOMPARE(streamed.train.rows, memory.train.rows);
        QCOMPARE(streamed.train.targets, memory.train.targets);
        QCOMPARE(memory.train.size(), int64_t(13));
        for (int64_t pos = 0; pos < memory.train.size(); ++pos) {
            QVERIFY2(sample(streamed.train, pos) == sample(memory.train, pos),
                     qPrintable(QString("sample %1").arg(pos)));
            QCOMPARE(store->sampleName(pos), memory.train.store->sampleName(pos));
        }
        QVERIFY(store->cachedBytes() <= store->cacheBytes());
        const int64_t decodes = store->decodes();
        sample(streamed.train, 12);
        QCOMPARE(store->decodes(), decodes);  // the last one read is cached

        // Several threads at once read the same bytes.
        std::atomic<int> mismatches{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&, t] {
                for (int round = 0; round < 5; ++round) {
                    for (int64_t pos = 0; pos < memory.train.size(); ++pos) {
                        const int64_t p = (pos + t) % memory.train.size();
                        if (sample(streamed.train, p) != sample(memory.train, p)) {
                            ++mismatches;
                        }
                    }
                }
            });
        }
        for (std::thread& thread : threads) {
            thread.join();
        }
        QCOMPARE(mismatches.load(), 0);
        QVERIFY(store->cachedBytes() <= store->cacheBytes());

        // Streaming only lists the files: a damaged one is found when read, by name.
        writeBytes(dir.path() + "/c/9.png", "broken");
        QCOMPARE(loadImageFolder(root, {}).skippedFiles.size(), size_t(1));
        const LoadResult damaged = loadImageFolder(root, options);
        QVERIFY(damaged.skippedFiles.empty());
        QCOMPARE(damaged.train.size(), int64_t(14));
        try {
            sample(damaged.train, 13);
            QFAIL("expected an error");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("9.png: cannot decode"), e.what());
        }
    }

    void progressAndCancel() {
        QTemporaryDir dir;
        for (int i = 0; i < 10; ++i) {
            write(dir.path() + (i % 2 ? "/a/" : "/b/") + QString::number(i) + ".png",
                  pattern(4, 4, 1, i));
        }
        const std::string root = dir.path().toStdString();
        std::vector<double> fractions;
        loadImageFolder(root, {}, [&](double fraction, const std::string&) {
            fractions.push_back(fraction);
            return true;
        });
        QVERIFY(fractions.size() >= 10);
        QVERIFY(std::is_sorted(fractions.begin(), fractions.end()));
        QCOMPARE(fractions.back(), 1.0);

        // While decoding (the sixth call: after listing the folder and its two classes,
        // the third image), and while listing, which is all that streaming does.
        for (const auto& [budget, cancelAt] :
             {std::pair{int64_t{2} << 30, 6}, std::pair{int64_t{1}, 2}}) {
            LoadOptions options;
            options.memoryBudgetBytes = budget;
            int calls = 0;
            const auto cancel = [&, at = cancelAt](double, const std::string&) {
                return ++calls < at;
            };
            QVERIFY_THROWS_EXCEPTION(LoadCancelled, loadImageFolder(root, options, cancel));
            QCOMPARE(calls, cancelAt);
        }
    }

    void singleImageForInference() {
        QTemporaryDir dir;
        const cv::Mat colour = pattern(6, 5, 3, 7);
        const QString path = dir.path() + "/digit.png";
        write(path, colour);
        const Tensor input = loadImageForInference(path.toStdString(), Shape{3, 6, 5});
        QCOMPARE(input.shape(), Shape({1, 3, 6, 5}));
        const std::vector<uint8_t> expected = planar(colour);
        for (size_t i = 0; i < expected.size(); ++i) {
            QCOMPARE(input.at(static_cast<int64_t>(i)), float(expected[i]));
        }
        QCOMPARE(loadImageForInference(path.toStdString(), Shape{1, 28, 28}).shape(),
                 Shape({1, 1, 28, 28}));

        try {
            loadImageForInference((dir.path() + "/none.png").toStdString(), Shape{1, 4, 4});
            QFAIL("expected an error");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("none.png: no such file"), e.what());
        }
        writeBytes(dir.path() + "/bad.jpg", "garbage");
        try {
            loadImageForInference((dir.path() + "/bad.jpg").toStdString(), Shape{1, 4, 4});
            QFAIL("expected an error");
        } catch (const std::runtime_error& e) {
            QVERIFY2(QString(e.what()).contains("bad.jpg: cannot decode"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument,
                                 loadImageForInference(path.toStdString(), Shape{4, 4}));
    }

    void detection() {
        QTemporaryDir dir;
        QVERIFY(!looksLikeImageFolder(dir.path().toStdString()));
        write(dir.path() + "/train/a/1.png", pattern(2, 2, 1, 1));
        QVERIFY(looksLikeImageFolder(dir.path().toStdString()));
        QVERIFY(looksLikeImageFolder((dir.path() + "/train").toStdString()));
        QVERIFY(!looksLikeImageFolder((dir.path() + "/train/a/1.png").toStdString()));
    }
};

QTEST_APPLESS_MAIN(ImageFolderTest)
#include "ImageFolderTest.moc"
