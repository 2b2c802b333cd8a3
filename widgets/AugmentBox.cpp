#include "widgets/AugmentBox.h"

#include "widgets/AugmentPreview.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QStyle>
#include <QVBoxLayout>

#include <stdexcept>

namespace dlab::ui {
namespace {

using data::AugmentConfig;

struct ParamSpec {
    const char* name;
    const char* label;
    const char* tip;
    double min;
    double max;
    double step;
    int decimals;
    const char* suffix;
    double (*get)(const AugmentConfig&);
    void (*set)(AugmentConfig&, double);
    bool isCheck = false;
};

struct TransformSpec {
    const char* key;
    const char* title;
    const char* tip;
    bool& (*enabled)(AugmentConfig&);
    std::vector<ParamSpec> params;
};

const char* const kProbabilityTip =
    "Chance that a training image gets this transform each time it is drawn "
    "(1 = always, 0.5 = every other time on average).";

ParamSpec probability(double (*get)(const AugmentConfig&), void (*set)(AugmentConfig&, double)) {
    return {"p", "Probability", kProbabilityTip, 0.0, 1.0, 0.1, 2, "", get, set};
}

std::vector<TransformSpec> transformSpecs() {
    using A = AugmentConfig;
    return {
        {"crop", "Random crop with padding",
         "Pad the image with black pixels on every side, then cut out a window of the original "
         "size at a random place: the content moves by up to the padding. The classic CIFAR-10 "
         "augmentation.",
         +[](A& a) -> bool& { return a.crop.enabled; },
         {probability(+[](const A& a) { return a.crop.p; }, +[](A& a, double v) { a.crop.p = v; }),
          {"pad", "Padding", "Pixels added on each side before cropping: the largest shift.", 0,
           64, 1, 0, " px", +[](const A& a) { return double(a.crop.padPx); },
           +[](A& a, double v) { a.crop.padPx = static_cast<int>(v); }}}},
        {"hflip", "Horizontal flip",
         "Mirror the image left to right. Right for photos and clothes; wrong for digits and "
         "text, whose mirror image is another symbol.",
         +[](A& a) -> bool& { return a.horizontalFlip.enabled; },
         {probability(+[](const A& a) { return a.horizontalFlip.p; },
                      +[](A& a, double v) { a.horizontalFlip.p = v; })}},
        {"vflip", "Vertical flip",
         "Mirror the image top to bottom. Only for pictures without an 'up' (cells, satellite "
         "images); a flipped shoe is not a shoe any more.",
         +[](A& a) -> bool& { return a.verticalFlip.enabled; },
         {probability(+[](const A& a) { return a.verticalFlip.p; },
                      +[](A& a, double v) { a.verticalFlip.p = v; })}},
        {"rotation", "Rotation",
         "Rotate about the centre by a random angle between −max and +max degrees; corners "
         "that come from outside the image are black.",
         +[](A& a) -> bool& { return a.rotation.enabled; },
         {probability(+[](const A& a) { return a.rotation.p; },
                      +[](A& a, double v) { a.rotation.p = v; }),
          {"degrees", "Max angle", "Largest rotation either way, in degrees.", 0, 180, 5, 0, "°",
           +[](const A& a) { return a.rotation.maxDegrees; },
           +[](A& a, double v) { a.rotation.maxDegrees = v; }}}},
        {"translation", "Translation",
         "Shift the image by a random amount in x and y, up to a fraction of its size.",
         +[](A& a) -> bool& { return a.translation.enabled; },
         {probability(+[](const A& a) { return a.translation.p; },
                      +[](A& a, double v) { a.translation.p = v; }),
          {"fraction", "Max shift", "Largest shift as a fraction of the width (x) and height (y).",
           0, 1, 0.05, 2, "", +[](const A& a) { return a.translation.maxFraction; },
           +[](A& a, double v) { a.translation.maxFraction = v; }}}},
        {"scale", "Scale (zoom)",
         "Zoom about the centre by a random factor between min and max: above 1 enlarges, below "
         "1 shrinks.",
         +[](A& a) -> bool& { return a.scale.enabled; },
         {probability(+[](const A& a) { return a.scale.p; }, +[](A& a, double v) { a.scale.p = v; }),
          {"min", "Min factor", "Smallest zoom factor (1 = unchanged).", 0.05, 20, 0.05, 2, "×",
           +[](const A& a) { return a.scale.minScale; },
           +[](A& a, double v) { a.scale.minScale = v; }},
          {"max", "Max factor", "Largest zoom factor (1 = unchanged).", 0.05, 20, 0.05, 2, "×",
           +[](const A& a) { return a.scale.maxScale; },
           +[](A& a, double v) { a.scale.maxScale = v; }}}},
        {"color_jitter", "Colour jitter",
         "Change brightness, contrast and saturation by random factors in [1 − s, 1 + s]: "
         "teaches the network that lighting does not change the class.",
         +[](A& a) -> bool& { return a.colorJitter.enabled; },
         {probability(+[](const A& a) { return a.colorJitter.p; },
                      +[](A& a, double v) { a.colorJitter.p = v; }),
          {"brightness", "Brightness", "Strength s of the brightness change (0 = none).", 0, 10,
           0.05, 2, "", +[](const A& a) { return a.colorJitter.brightness; },
           +[](A& a, double v) { a.colorJitter.brightness = v; }},
          {"contrast", "Contrast", "Strength s of the contrast change (0 = none).", 0, 10, 0.05, 2,
           "", +[](const A& a) { return a.colorJitter.contrast; },
           +[](A& a, double v) { a.colorJitter.contrast = v; }},
          {"saturation", "Saturation",
           "Strength s of the saturation change (0 = none; colour images only).", 0, 10, 0.05, 2,
           "", +[](const A& a) { return a.colorJitter.saturation; },
           +[](A& a, double v) { a.colorJitter.saturation = v; }}}},
        {"noise", "Gaussian noise",
         "Add random noise N(0, std²) to every pixel, so the network does not rely on exact "
         "pixel values.",
         +[](A& a) -> bool& { return a.noise.enabled; },
         {probability(+[](const A& a) { return a.noise.p; }, +[](A& a, double v) { a.noise.p = v; }),
          {"std", "Std", "Standard deviation of the noise in pixel units (0 to 255).", 0, 255, 1, 1,
           "", +[](const A& a) { return a.noise.stdPx; }, +[](A& a, double v) { a.noise.stdPx = v; }}}},
        {"erasing", "Random erasing",
         "Blank out one random rectangle (cutout), so the network cannot rely on one small part "
         "of the image.",
         +[](A& a) -> bool& { return a.erasing.enabled; },
         {probability(+[](const A& a) { return a.erasing.p; },
                      +[](A& a, double v) { a.erasing.p = v; }),
          {"min_area", "Min area", "Smallest erased area as a fraction of the image.", 0.01, 1,
           0.01, 2, "", +[](const A& a) { return a.erasing.minArea; },
           +[](A& a, double v) { a.erasing.minArea = v; }},
          {"max_area", "Max area", "Largest erased area as a fraction of the image.", 0.01, 1, 0.01,
           2, "", +[](const A& a) { return a.erasing.maxArea; },
           +[](A& a, double v) { a.erasing.maxArea = v; }},
          {"random_fill", "Random fill",
           "Fill the rectangle with random values; unchecked fills it with black.", 0, 1, 1, 0, "",
           +[](const A& a) { return a.erasing.randomFill ? 1.0 : 0.0; },
           +[](A& a, double v) { a.erasing.randomFill = v > 0.5; }, true}}},
    };
}

}  // namespace

AugmentBox::AugmentBox(QWidget* parent) : QGroupBox(tr("Augmentation"), parent) {
    setToolTip(tr("Random changes to training images, drawn anew every epoch, so the network "
                  "sees more variety than the data set holds. Validation and test images are "
                  "never augmented."));
    auto* layout = new QVBoxLayout(this);
    m_notImages = new QLabel(tr("Augmentation applies to images; this data set has features."), this);
    m_notImages->setWordWrap(true);
    m_notImages->setVisible(false);
    layout->addWidget(m_notImages);

    m_transformArea = new QWidget(this);
    auto* transforms = new QVBoxLayout(m_transformArea);
    transforms->setContentsMargins(0, 0, 0, 0);
    transforms->setSpacing(2);
    layout->addWidget(m_transformArea);
    buildTransforms();
    for (const Transform& t : m_transforms) {
        transforms->addWidget(t.box);
        transforms->addWidget(t.body);
    }

    m_previewHint = new QLabel(tr("Preview: the framed sample and what training may make of it"), this);
    m_previewHint->setWordWrap(true);
    layout->addWidget(m_previewHint);
    m_preview = new AugmentPreview(this);
    m_preview->setObjectName("augmentPreview");
    layout->addWidget(m_preview);
    m_shuffle = new QPushButton(tr("Shuffle"), this);
    m_shuffle->setObjectName("shuffleButton");
    m_shuffle->setToolTip(tr("Show another training image with new random draws."));
    connect(m_shuffle, &QPushButton::clicked, m_preview, &AugmentPreview::shuffle);
    auto* row = new QHBoxLayout;
    row->addStretch();
    row->addWidget(m_shuffle);
    layout->addLayout(row);
    setConfig(m_config);
}

void AugmentBox::buildTransforms() {
    for (const TransformSpec& spec : transformSpecs()) {
        Transform t;
        t.enabled = spec.enabled;
        // A check box over an indented body rather than a QGroupBox: a transform that is
        // off takes one line, not an empty frame.
        t.box = new QCheckBox(tr(spec.title), m_transformArea);
        t.box->setObjectName(QStringLiteral("augment.%1").arg(spec.key));
        t.box->setToolTip(tr(spec.tip));
        t.body = new QWidget(m_transformArea);
        t.body->setToolTip(tr(spec.tip));
        auto* form = new QFormLayout(t.body);
        form->setContentsMargins(t.box->style()->pixelMetric(QStyle::PM_IndicatorWidth) + 8, 0, 0, 4);
        form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
        for (const ParamSpec& p : spec.params) {
            Param param;
            param.get = p.get;
            param.set = p.set;
            const QString name = QStringLiteral("augment.%1.%2").arg(spec.key, p.name);
            const auto set = p.set;
            if (p.isCheck) {
                param.check = new QCheckBox(tr(p.label), t.body);
                param.check->setObjectName(name);
                param.check->setToolTip(tr(p.tip));
                connect(param.check, &QCheckBox::toggled, this,
                        [this, set](bool on) { edit([&](AugmentConfig& a) { set(a, on ? 1.0 : 0.0); }); });
                form->addRow(param.check);
            } else {
                param.spin = new QDoubleSpinBox(t.body);
                param.spin->setObjectName(name);
                param.spin->setRange(p.min, p.max);
                param.spin->setSingleStep(p.step);
                param.spin->setDecimals(p.decimals);
                param.spin->setSuffix(QString::fromUtf8(p.suffix));
                param.spin->setKeyboardTracking(false);
                param.spin->setToolTip(tr(p.tip));
                connect(param.spin, &QDoubleSpinBox::valueChanged, this,
                        [this, set](double v) { edit([&](AugmentConfig& a) { set(a, v); }); });
                auto* label = new QLabel(tr(p.label), t.body);
                label->setToolTip(tr(p.tip));
                form->addRow(label, param.spin);
            }
            t.params.push_back(std::move(param));
        }
        const auto enabled = spec.enabled;
        QWidget* body = t.body;
        connect(t.box, &QCheckBox::toggled, this, [this, enabled, body](bool on) {
            body->setVisible(on);
            edit([&](AugmentConfig& a) { enabled(a) = on; });
        });
        m_transforms.push_back(std::move(t));
    }
}

void AugmentBox::setConfig(const data::AugmentConfig& config) {
    m_config = config;
    for (Transform& t : m_transforms) {
        const QSignalBlocker blockBox(t.box);
        const bool on = t.enabled(m_config);
        t.box->setChecked(on);
        t.body->setVisible(on);
        for (Param& p : t.params) {
            if (p.spin) {
                const QSignalBlocker block(p.spin);
                p.spin->setValue(p.get(m_config));
            } else {
                const QSignalBlocker block(p.check);
                p.check->setChecked(p.get(m_config) > 0.5);
            }
        }
    }
    m_preview->setConfig(m_config);
}

void AugmentBox::setData(std::shared_ptr<const data::PreparedData> data) {
    const bool images = data && data->split.train.isImage();
    m_notImages->setVisible(data && !images);
    m_transformArea->setEnabled(images);
    m_transformArea->setVisible(images || !data);
    m_previewHint->setVisible(images);
    m_shuffle->setVisible(images);
    m_preview->setData(images ? std::move(data) : nullptr);
}

void AugmentBox::edit(const std::function<void(data::AugmentConfig&)>& change) {
    data::AugmentConfig next = m_config;
    change(next);
    try {
        data::validateAugmentConfig(next);
    } catch (const std::invalid_argument& e) {
        setConfig(m_config);
        emit invalid(QString::fromStdString(e.what()));
        return;
    }
    m_config = next;
    m_preview->setConfig(m_config);
    emit changed(m_config);
}

}  // namespace dlab::ui
