// Finite-difference gradient checks for every registered layer kind, with respect to
// the input and every parameter, through the one helper in support/GradCheck.h.
// Tolerance: worst relative error ≤ 1e-2 at ε = 1e-2 (float32 engine, double checker).
// A final test fails when a registered kind has no row here.

#include "engine/Registry.h"
#include "engine/layers/BatchNorm.h"
#include "engine/layers/Dropout.h"
#include "tests/support/GradCheck.h"

#include <QtTest>

#include <functional>
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
    // Runs after initialize and setRng, before the check (fix a mask, set statistics).
    std::function<void(Layer&)> prepare = {};
};

test::GradCheckOptions evalMode() {
    test::GradCheckOptions o;
    o.mode = Mode::Eval;
    return o;
}

// Finite differences compare several forward passes, which must all see one mask.
void freezeDropout(Layer& layer) {
    dynamic_cast<Dropout&>(layer).freezeMask(true);
}

// Running statistics unlike the batch's, and a non-trivial affine part, so the eval
// path is checked with every term mattering.
void setNormStatistics(Layer& layer) {
    auto& bn = dynamic_cast<BatchNorm&>(layer);
    for (int64_t c = 0; c < bn.gamma().value.numel(); ++c) {
        bn.runningMean().value.at(c) = 0.3f - 0.2f * static_cast<float>(c);
        bn.runningVar().value.at(c) = 0.5f + 0.7f * static_cast<float>(c);
        bn.gamma().value.at(c) = 1.2f - 0.3f * static_cast<float>(c);
        bn.beta().value.at(c) = 0.1f * static_cast<float>(c);
    }
}

LayerSpec conv(int filters, int kernel, int stride = 1, int padding = 0) {
    return LayerSpec("conv2d")
        .set("filters", filters)
        .set("kernel", kernel)
        .set("stride", stride)
        .set("padding", padding);
}

LayerSpec residual(std::vector<LayerSpec> body, const char* shortcut, const char* activation) {
    LayerSpec spec("residual");
    spec.set("shortcut", shortcut).set("activation", activation);
    spec.body = std::move(body);
    return spec;
}

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

    r.push_back({"conv_k3", conv(3, 3), {2, 2, 5, 5}});
    r.push_back({"conv_k3_s2_p1", conv(3, 3, 2, 1), {2, 2, 5, 5}});
    r.push_back({"conv_k2_p1", conv(2, 2, 1, 1), {2, 2, 4, 4}});
    r.push_back({"conv_k3_s2_even", conv(2, 3, 2, 0), {1, 3, 6, 6}});
    r.push_back({"conv_1x1", conv(4, 1), {2, 3, 3, 3}});
    r.push_back({"conv_no_bias", conv(2, 3, 1, 1).set("bias", "false"), {2, 2, 4, 4}});
    r.push_back({"maxpool_2", LayerSpec("maxpool2d"), {2, 2, 4, 4}, InputKind::Distinct});
    r.push_back({"maxpool_3_s2_p1",
                 LayerSpec("maxpool2d").set("kernel", 3).set("stride", 2).set("padding", 1),
                 {2, 2, 5, 5}, InputKind::Distinct});
    r.push_back({"avgpool_2", LayerSpec("avgpool2d"), {2, 2, 4, 4}});
    r.push_back({"avgpool_3_s2_p1",
                 LayerSpec("avgpool2d").set("kernel", 3).set("stride", 2).set("padding", 1),
                 {2, 2, 5, 5}});
    r.push_back({"global_avgpool", LayerSpec("global_avgpool"), {2, 3, 3, 4}});
    r.push_back({"dropout_inverted", LayerSpec("dropout"), {4, 6}, InputKind::Random, {},
                 freezeDropout});
    r.push_back({"dropout_scale_at_test_train",
                 LayerSpec("dropout").set("rate", 0.3).set("mode", "scale_at_test"),
                 {2, 3, 2, 2}, InputKind::Random, {}, freezeDropout});
    r.push_back({"dropout_inverted_eval", LayerSpec("dropout"), {4, 6}, InputKind::Random,
                 evalMode()});
    r.push_back({"dropout_scale_at_test_eval",
                 LayerSpec("dropout").set("rate", 0.3).set("mode", "scale_at_test"), {4, 6},
                 InputKind::Random, evalMode()});
    r.push_back({"batchnorm1d_train", LayerSpec("batchnorm1d"), {5, 3}});
    r.push_back({"batchnorm1d_eval", LayerSpec("batchnorm1d"), {5, 3}, InputKind::Random,
                 evalMode(), setNormStatistics});
    r.push_back({"batchnorm2d_train", LayerSpec("batchnorm2d"), {3, 2, 3, 3}, InputKind::Random,
                 {}, setNormStatistics});
    r.push_back({"batchnorm2d_eval", LayerSpec("batchnorm2d"), {3, 2, 3, 3}, InputKind::Random,
                 evalMode(), setNormStatistics});
    r.push_back({"layernorm_features", LayerSpec("layernorm"), {3, 5}});
    r.push_back({"layernorm_images", LayerSpec("layernorm"), {2, 2, 3, 3}});
    r.push_back({"maxout_dense", LayerSpec("maxout"), {3, 6}, InputKind::Distinct});
    r.push_back({"maxout_conv_k3", LayerSpec("maxout").set("pieces", 3), {2, 6, 2, 2},
                 InputKind::Distinct});
    r.push_back({"residual_identity",
                 residual({conv(2, 3, 1, 1), LayerSpec("relu"), conv(2, 3, 1, 1)}, "identity",
                          "relu"),
                 {2, 2, 4, 4}});
    r.push_back({"residual_projection_conv",
                 residual({conv(4, 3, 2, 1), LayerSpec("tanh"), conv(4, 3, 1, 1)}, "auto",
                          "relu"),
                 {2, 2, 5, 5}});
    r.push_back({"residual_projection_same_shape",
                 residual({conv(2, 3, 1, 1), LayerSpec("batchnorm2d")}, "projection", "tanh"),
                 {2, 2, 3, 3}});
    r.push_back({"residual_dense_identity",
                 residual({LayerSpec("dense").set("units", 5), LayerSpec("tanh"),
                           LayerSpec("dense").set("units", 5)},
                          "auto", "identity"),
                 {3, 5}});
    // tanh inside: with ReLU on both sides of this small block a pre-activation lands
    // within ε of the kink and the central difference straddles it.
    r.push_back({"residual_dense_projection",
                 residual({LayerSpec("dense").set("units", 6), LayerSpec("tanh"),
                           LayerSpec("dense").set("units", 4)},
                          "auto", "relu"),
                 {3, 5}});
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
        if (row.prepare) {
            row.prepare(*layer);
        }
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
