// CSV/TSV tables: delimiters, headers, label columns, class mapping and regression on
// small texts, and every way a table can be broken (ragged rows, non-numeric cells,
// empty, header only, unclosed quotes, limits), each message naming the source and line.

#include "datasets/Csv.h"

#include <QTemporaryDir>
#include <QtTest>

#include <functional>

using namespace dlab;
using namespace dlab::data;

namespace {

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

CsvResult parse(const std::string& text, const CsvOptions& options = {}) {
    return parseCsv(text, options, "data.csv");
}

QString parseError(const std::string& text, const CsvOptions& options = {}) {
    return errorOf([&] { parse(text, options); });
}

std::vector<float> features(const Dataset& data) {
    const int64_t f = data.sampleShape().numel();
    std::vector<float> all(static_cast<size_t>(data.size() * f));
    for (int64_t i = 0; i < data.size(); ++i) {
        data.store->readFeatures(data.rows[static_cast<size_t>(i)], all.data() + i * f);
    }
    return all;
}

using Names = std::vector<std::string>;
using Floats = std::vector<float>;

}  // namespace

class CsvTest : public QObject {
    Q_OBJECT

private slots:
    void headerAndTextLabels() {
        const CsvResult r = parse("x,y,label\n1,2,cat\n3.5,-4e1,dog\n5, +6 ,cat\n");
        QVERIFY(r.hasHeader);
        QCOMPARE(r.delimiter, ',');
        QCOMPARE(r.featureNames, (Names{"x", "y"}));
        QCOMPARE(r.labelName, std::string("label"));
        const Dataset& d = r.dataset;
        QCOMPARE(d.size(), int64_t(3));
        QCOMPARE(d.sampleShape(), (Shape{2}));
        QVERIFY(!d.isImage());
        QCOMPARE(features(d), (Floats{1, 2, 3.5f, -40, 5, 6}));
        QCOMPARE(d.numClasses, 2);
        QCOMPARE(d.classNames, (Names{"cat", "dog"}));
        QCOMPARE(d.targets, (Floats{0, 1, 0}));
        QCOMPARE(d.targetSize, 1);
    }

    void classNamesAreSorted() {
        const CsvResult r = parse("a,b\n1,zebra\n2,ant\n3,moth\n4,ant\n");
        QCOMPARE(r.dataset.classNames, (Names{"ant", "moth", "zebra"}));
        QCOMPARE(r.dataset.targets, (Floats{2, 0, 1, 0}));
    }

    void noHeaderAndIntegerLabels() {
        const CsvResult r = parse("0.5,1.5,0\n2.5,3.5,2\n4,5,1\n");
        QVERIFY(!r.hasHeader);
        QCOMPARE(r.featureNames, (Names{"column 1", "column 2"}));
        QCOMPARE(r.dataset.numClasses, 3);
        QCOMPARE(r.dataset.classNames, (Names{"class 0", "class 1", "class 2"}));
        QCOMPARE(r.dataset.targets, (Floats{0, 2, 1}));
        QCOMPARE(features(r.dataset), (Floats{0.5f, 1.5f, 2.5f, 3.5f, 4, 5}));
        QVERIFY(r.warnings.empty());
    }

    void integerLabelsWithGapsWarn() {
        const CsvResult r = parse("1,1\n2,2\n3,2.0\n");
        QCOMPARE(r.dataset.numClasses, 3);
        QCOMPARE(r.dataset.targets, (Floats{1, 2, 2}));
        QCOMPARE(r.warnings.size(), size_t(1));
        QVERIFY(
            QString::fromStdString(r.warnings[0]).contains("1 of these 3 classes have no samples"));
    }

    void largeOrNegativeIntegersAreMappedInOrder() {
        const CsvResult r = parse("1,-5\n2,100000\n3,-5\n4,7\n");
        QCOMPARE(r.dataset.classNames, (Names{"-5", "7", "100000"}));
        QCOMPARE(r.dataset.targets, (Floats{0, 2, 0, 1}));
    }

    void labelColumnIsDetectedByName() {
        const CsvResult r = parse("Class,width,height\na,1,2\nb,3,4\n");
        QCOMPARE(r.labelName, std::string("Class"));
        QCOMPARE(r.featureNames, (Names{"width", "height"}));
        QCOMPARE(features(r.dataset), (Floats{1, 2, 3, 4}));
        QCOMPARE(r.dataset.classNames, (Names{"a", "b"}));

        const CsvResult y = parse("a,y,b\n1,0,2\n3,1,4\n");
        QCOMPARE(y.labelName, std::string("y"));
        QCOMPARE(y.featureNames, (Names{"a", "b"}));
    }

    void labelColumnFromOptions() {
        CsvOptions options;
        options.labelColumn = "B";  // a header name, case-insensitive
        CsvResult r = parse("a,b,c\n1,0,2\n3,1,4\n", options);
        QCOMPARE(r.labelName, std::string("b"));
        QCOMPARE(features(r.dataset), (Floats{1, 2, 3, 4}));

        options.labelColumn = "0";  // a 0-based index
        r = parse("a,b,c\n0,1,2\n1,3,4\n", options);
        QCOMPARE(r.labelName, std::string("a"));

        options.labelColumn = "-2";  // from the end
        r = parse("5,0,2\n6,1,4\n", options);
        QCOMPARE(r.labelName, std::string("column 2"));
        QCOMPARE(features(r.dataset), (Floats{5, 2, 6, 4}));

        options.labelColumn = "species";
        const QString error = parseError("a,b,c\n1,0,2\n3,1,4\n", options);
        QVERIFY2(error.startsWith("data.csv: no label column \"species\" (columns: a, b, c"),
                 qPrintable(error));
        options.labelColumn = "3";
        QVERIFY(parseError("1,0,2\n3,1,4\n", options).contains("no label column \"3\""));
    }

    void regressionTarget() {
        CsvOptions options;
        options.regression = true;
        const CsvResult r = parse("x,target\n1,0.25\n2,-1.5\n3,1e3\n", options);
        QCOMPARE(r.dataset.numClasses, 0);
        QCOMPARE(r.dataset.targetSize, 1);
        QVERIFY(r.dataset.classNames.empty());
        QCOMPARE(r.dataset.targets, (Floats{0.25f, -1.5f, 1000}));
        const QString error = parseError("x,target\n1,0.25\n2,high\n", options);
        QVERIFY2(
            error.startsWith("data.csv line 3, column 2 (\"target\"): \"high\" is not a number"),
            qPrintable(error));
    }

    void nonIntegerNumericLabelsNeedRegression() {
        const QString error = parseError("x,y\n1,0.5\n2,1\n");
        QVERIFY2(error.contains("holds non-integer numbers (such as \"0.5\")") &&
                     error.contains("regression"),
                 qPrintable(error));
    }

    void oneClassIsRefused() {
        const QString error = parseError("x,label\n1,a\n2,a\n");
        QVERIFY2(error.contains("holds one class only (\"a\")"), qPrintable(error));
    }

    void tabsSemicolonsAndQuotes() {
        CsvResult r = parse("x\ty\tlabel\n1\t2\tone, two\n3\t4\tthree\n");
        QCOMPARE(r.delimiter, '\t');
        QCOMPARE(r.dataset.classNames, (Names{"one, two", "three"}));

        r = parse("x;y;label\n1;2;a\n3;4;b\n");
        QCOMPARE(r.delimiter, ';');
        // Decimal commas split by the semicolons are still not numbers.
        QVERIFY(parseError("x;y;label\n1,5;2;a\n3;4;b\n").contains("\"1,5\" is not a number"));

        r = parse(
            "\"x, first\",\"y\",label\n\"1\",2,\"New York, NY\"\n3,\"4\",\"say \"\"hi\"\"\"\n");
        QCOMPARE(r.featureNames, (Names{"x, first", "y"}));
        QCOMPARE(features(r.dataset), (Floats{1, 2, 3, 4}));
        QCOMPARE(r.dataset.classNames, (Names{"New York, NY", "say \"hi\""}));

        // A quoted field may span lines; line numbers stay those of the file.
        const QString error = parseError("x,label\n1,\"two\nlines\"\n2,b\nbad,c\n");
        QVERIFY2(error.startsWith("data.csv line 5, column 1"), qPrintable(error));
    }

    void crlfAndBlankLinesAndBom() {
        const CsvResult lf = parse("x,y,label\n1,2,a\n3,4,b\n");
        const CsvResult crlf = parse("\xEF\xBB\xBFx,y,label\r\n1,2,a\r\n\r\n3,4,b\r\n");
        QCOMPARE(crlf.featureNames, lf.featureNames);
        QCOMPARE(features(crlf.dataset), features(lf.dataset));
        QCOMPARE(crlf.dataset.classNames, lf.dataset.classNames);
        QCOMPARE(crlf.dataset.targets, lf.dataset.targets);
        const QString error = parseError("x,y,label\r\n1,2,a\r\n\r\n3,oops,b\r\n");
        QVERIFY2(error.startsWith("data.csv line 4, column 2 (\"y\"): \"oops\" is not a number"),
                 qPrintable(error));
    }

    void raggedRowsAreRefused() {
        const QString error = parseError("a,b,c,label\n1,2,3,x\n1,2,3,4,y\n");
        QCOMPARE(error, QString("data.csv line 3: 5 columns, expected 4"));
        QCOMPARE(parseError("a,b,c,label\n1,2,3,x\n\n1,2,y\n"),
                 QString("data.csv line 4: 3 columns, expected 4"));
        // A ragged row among the first rows must not hide the delimiter.
        QCOMPARE(parseError("1,2,3,x\n1,2,3,4,y\n1,2,3,z\n"),
                 QString("data.csv line 2: 5 columns, expected 4"));
    }

    void badCellsAreRefused() {
        QCOMPARE(parseError("w,h,label\n1,2,a\n3,abc,b\n"),
                 QString("data.csv line 3, column 2 (\"h\"): \"abc\" is not a number"));
        QCOMPARE(parseError("w,h,label\n1,,a\n3,4,b\n"),
                 QString("data.csv line 2, column 2 (\"h\"): empty cell"));
        QCOMPARE(parseError("w,h,label\n1,nan,a\n3,4,b\n"),
                 QString("data.csv line 2, column 2 (\"h\"): \"nan\" is not a number"));
        QCOMPARE(parseError("w,h,label\n1,1e50,a\n3,4,b\n"),
                 QString("data.csv line 2, column 2 (\"h\"): \"1e50\" is out of the range of "
                         "32-bit floats"));
        QCOMPARE(parseError("w,h,label\n1,2,\n3,4,b\n"),
                 QString("data.csv line 2, column 3 (\"label\"): empty label"));
        const QString longCell = parseError("w,label\n1,a\n" + std::string(100, 'z') + ",b\n");
        QVERIFY2(
            longCell.contains("\"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz...\" is not a number"),
            qPrintable(longCell));
    }

    void emptyAndHeaderOnlyAreRefused() {
        QCOMPARE(parseError(""), QString("data.csv: empty file"));
        QCOMPARE(parseError("\n\r\n  \n"), QString("data.csv: empty file"));
        QCOMPARE(parseError("x,y,label\n"), QString("data.csv: a header but no data rows"));
        QCOMPARE(parseError("x,y,label\n\n\n"), QString("data.csv: a header but no data rows"));
        QVERIFY(parseError("1\n2\n3\n").startsWith("data.csv line 1: one column only"));
    }

    void brokenQuotesAreRefused() {
        QCOMPARE(parseError("x,label\n1,a\n2,\"b\n3,c\n"),
                 QString("data.csv line 3: a quoted field opened on this line is never closed"));
        QCOMPARE(parseError("x,label\n1,\"a\"b\n"),
                 QString("data.csv line 2: unexpected character 'b' after a closing quote"));
    }

    void limitsBoundMemory() {
        CsvOptions options;
        options.maxColumns = 10;
        QCOMPARE(parseError("1,2,3,4,5,6,7,8,9,10,11,12\n", options),
                 QString("data.csv line 1: more than 10 columns"));
        options = {};
        options.maxRows = 2;
        QCOMPARE(parseError("1,a\n2,b\n3,a\n", options),
                 QString("data.csv line 3: more than 2 data rows"));
        options = {};
        options.maxBytes = 8;
        QVERIFY(parseError("1,a\n2,b\n3,a\n", options).contains("more than the 8-byte limit"));
        options = {};
        options.memoryBudgetBytes = 16;  // two rows of two features
        QVERIFY(parseError("1,2,a\n3,4,b\n5,6,a\n", options)
                    .startsWith("data.csv line 3: the features need"));

        std::string many = "x,label\n";
        for (int i = 0; i <= kCsvMaxClasses; ++i) {
            many += std::to_string(i) + ",c" + std::to_string(i) + "\n";
        }
        QVERIFY(parseError(many).contains("more than 10000 distinct labels"));
    }

    void loadsFilesAndNamesThem() {
        QTemporaryDir dir;
        const QString path = dir.filePath("iris.tsv");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("sepal\tpetal\tspecies\n1\t2\tsetosa\n3\t4\tvirginica\n3\tx\tvirginica\n");
        file.close();
        const QString error = errorOf([&] { loadCsv(path.toStdString(), {}); });
        QCOMPARE(error, path + " line 4, column 2 (\"petal\"): \"x\" is not a number");

        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("sepal\tpetal\tspecies\n1\t2\tsetosa\n3\t4\tvirginica\n");
        file.close();
        std::vector<double> seen;
        const CsvResult r = loadCsv(path.toStdString(), {}, [&](double f, const std::string&) {
            seen.push_back(f);
            return true;
        });
        QCOMPARE(r.dataset.name, std::string("iris"));
        QCOMPARE(r.dataset.size(), int64_t(2));
        QCOMPARE(seen.back(), 1.0);
        QCOMPARE(errorOf([&] {
                     loadCsv(path.toStdString(), {},
                             [](double, const std::string&) { return false; });
                 }),
                 QString("<cancelled>"));
        QVERIFY(errorOf([&] {
                    loadCsv(dir.filePath("none.csv").toStdString(), {});
                }).endsWith("none.csv: cannot open: no such file"));
    }

    void optionsFromLoadOptions() {
        LoadOptions load;
        load.csvLabelColumn = "y";
        load.regression = true;
        load.memoryBudgetBytes = 1234;
        const CsvOptions csv = csvOptionsFrom(load);
        QCOMPARE(csv.labelColumn, std::string("y"));
        QVERIFY(csv.regression);
        QCOMPARE(csv.memoryBudgetBytes, int64_t(1234));
    }
};

QTEST_GUILESS_MAIN(CsvTest)
#include "CsvTest.moc"
