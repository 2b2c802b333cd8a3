// Finite-difference gradient checks for every registered layer kind, with respect to
// the input and every parameter, through the one helper in support/GradCheck.h.
// Tolerance: worst relative error ≤ 1e-2 at ε = 1e-2 (float32 engine, double checker).
// A final test fails when a registered kind has no row here.

#include "engine/Registry.h"
#include "tests/support/GradCheck.h"

#include <QtTest>

#include <set>

using namespace dlab;

namespace {

enum class InputKind { Random, Distinct };

struct Row {
    const char* name;
    LayerSpec spec;
    Shape input;  // batched
    InputKind inputKind = InputKind::Random;
    test::GradCheckOptions options = {};
};

std::vector<Row> rows() {
    std::vector<Row> r;
    r.push_back({"dense", LayerSpec("dense").set("units", 5), {3, 4}});
    r.push_back({"dense_no_bias", LayerSpec("dense").set("units", 3).set("bias", "false"), {2, 6}});
    r.push_back({"flatten", LayerSpec("flatten"), {2, 3, 2, 2}});
    for (const char* act : {"identity", "sigmoid", "tanh", "relu", "gelu", "selu", "silu",
                            "softplus"}) {
        r.push_back({act, LayerSpec(act), {3, 7}});
    }
    r.push_back({"leaky_relu", LayerSpec("leaky_relu").set("alpha", 0.1), {3, 7}});
    r.push_back({"elu", LayerSpec("elu").set("alpha", 1.0), {3, 7}});
    return r;
}

}  // namespace

class LayerGradTest : public QObject {
    Q_OBJECT
private slots:
    void gradients_data() {
        QTest::addColumn<int>("index");
        const auto all = rows();
        for (size_t i = 0; i < all.size(); ++i) {
            QTest::newRow(all[i].name) << static_cast<int>(i);
        }
    }

    void gradients() {
        QFETCH(int, index);
        Row row = rows()[static_cast<size_t>(index)];
        row.spec.label = row.name;
        auto layer = LayerRegistry::instance().create(row.spec, row.input);
        Rng rng(11);
        layer->initialize(rng);
        layer->setRng(&rng);
        Tensor x = row.inputKind == InputKind::Distinct ? test::distinctInput(row.input, 3)
                                                        : test::randomInput(row.input, 3);
        auto result = test::checkLayerGradients(*layer, x, row.options);
        QVERIFY2(result.checked > 0, "nothing was checked");
        QVERIFY2(result.ok(row.options), qPrintable(QString("worst error %1 at %2")
                                                        .arg(result.worstError)
                                                        .arg(QString::fromStdString(result.worstWhere))));
    }

    // Every kind in the registry must have a gradient-check row.
    void everyKindIsChecked() {
        std::set<std::string> checked;
        for (const auto& row : rows()) {
            checked.insert(row.spec.kind);
        }
        for (const LayerInfo* info : LayerRegistry::instance().all()) {
            QVERIFY2(checked.count(info->kind),
                     qPrintable(QString("no gradient check for layer kind '%1'")
                                    .arg(QString::fromStdString(info->kind))));
        }
    }

    void unknownSettingIsNamed() {
        LayerSpec spec("dense");
        spec.set("units", 4).set("unitz", 3);
        spec.label = "layer 2 (dense)";
        try {
            LayerRegistry::instance().create(spec, {1, 3});
            QFAIL("expected an error");
        } catch (const std::invalid_argument& e) {
            const QString msg = e.what();
            QVERIFY2(msg.contains("layer 2 (dense)") && msg.contains("unitz"), qPrintable(msg));
        }
    }

    void shapeMismatchNamesBothShapes() {
        LayerSpec spec("dense");
        spec.set("units", 4);
        spec.label = "layer 1 (dense)";
        try {
            LayerRegistry::instance().create(spec, {1, 1, 28, 28});
            QFAIL("expected an error");
        } catch (const std::invalid_argument& e) {
            const QString msg = e.what();
            QVERIFY2(msg.contains("(1, 1, 28, 28)") && msg.contains("flatten"), qPrintable(msg));
        }
    }
};

QTEST_APPLESS_MAIN(LayerGradTest)
#include "LayerGradTest.moc"
