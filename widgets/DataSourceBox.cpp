#include "widgets/DataSourceBox.h"

#include "datasets/Idx.h"
#include "datasets/Toy2d.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QVBoxLayout>

namespace dlab::ui {
namespace {

struct BuiltinSet {
    const char* source;
    const char* text;
    const char* tip;
};

const BuiltinSet kBuiltins[] = {
    {"circle", "Circle",
     "Two classes: points inside radius 0.5, and a ring around them. No straight line separates "
     "them; one hidden layer can."},
    {"xor", "XOR",
     "Two classes by the sign of x1·x2: opposite quadrants share a class. The classic problem a "
     "single neuron cannot solve."},
    {"blobs", "Blobs",
     "One Gaussian cluster per class, placed around a circle: nearly linearly separable, a good "
     "first test for a linear classifier."},
    {"spiral", "Spiral",
     "CS231n's spiral: one arm per class winding around the centre. A linear classifier fails; "
     "an MLP with enough hidden units learns it."},
    {"moons", "Moons",
     "scikit-learn's two interleaving half moons: two classes with a curved boundary."},
    {"plane", "Plane (regression)",
     "Regression: y = 0.8·x1 − 0.5·x2 plus noise. A linear model fits it exactly."},
    {"bump", "Bump (regression)",
     "Regression: a Gaussian bump y = exp(−(x1² + x2²) / 0.25), 1 at the centre and near 0 at "
     "the corners."},
    {"sine", "Sine (regression)",
     "Regression: y = sin(π·x1)·cos(π·x2), a saddle pattern that a linear model cannot follow."},
    {"fashion-mnist", "Fashion-MNIST (images)",
     "Zalando's 28×28 grey images of 10 kinds of clothing (T-shirt, trouser, …, ankle boot): "
     "60 000 for training and 10 000 for testing."},
};

bool isGenerated(const QString& source) {
    for (const auto& kind : data::toy2dKinds()) {
        if (source.toStdString() == kind) {
            return true;
        }
    }
    return false;
}

}  // namespace

DataSourceBox::DataSourceBox(QWidget* parent) : QGroupBox(tr("Data set"), parent) {
    setToolTip(tr("What the network learns from: a built-in set, or your own files. You can "
                  "also drop files or a folder anywhere on the window."));
    auto* layout = new QVBoxLayout(this);

    m_builtin = new QComboBox(this);
    m_builtin->setObjectName("builtinCombo");
    m_builtin->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_builtin->setMinimumContentsLength(12);
    m_builtin->setToolTip(tr("Built-in data sets. Choosing one loads it."));
    const bool fashion = data::fashionMnistAvailable();
    for (const BuiltinSet& set : kBuiltins) {
        const bool installed = QString(set.source) != "fashion-mnist" || fashion;
        m_builtin->addItem(installed ? tr(set.text) : tr(set.text) + tr(" (not installed)"),
                           QString(set.source));
        const int index = m_builtin->count() - 1;
        m_builtin->setItemData(index,
                               installed ? tr(set.tip)
                                         : tr("Fashion-MNIST is not installed: install the Debian "
                                              "package dataset-fashion-mnist to use it."),
                               Qt::ToolTipRole);
        if (!installed) {
            if (auto* model = qobject_cast<QStandardItemModel*>(m_builtin->model())) {
                model->item(index)->setEnabled(false);
            }
        }
    }
    connect(m_builtin, &QComboBox::activated, this, [this](int index) {
        const QString source = m_builtin->itemData(index).toString();
        updateOptionsEnabled(source);
        emit builtinChosen(source);
    });
    layout->addWidget(m_builtin);

    m_options = new QWidget(this);
    m_options->setToolTip(tr("Options of the generated sets; changing one generates the set anew."));
    auto* form = new QFormLayout(m_options);
    form->setContentsMargins(0, 0, 0, 0);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    auto addRow = [&](const QString& label, QWidget* field, const QString& tip) {
        field->setToolTip(tip);
        auto* l = new QLabel(label, m_options);
        l->setToolTip(tip);
        form->addRow(l, field);
    };
    m_samples = new QSpinBox(m_options);
    m_samples->setObjectName("samplesSpin");
    m_samples->setRange(4, 1'000'000);
    m_samples->setSingleStep(100);
    addRow(tr("Samples"), m_samples,
           tr("Number of points generated, over all classes (before the split into training, "
              "validation and test)."));
    m_noise = new QDoubleSpinBox(m_options);
    m_noise->setObjectName("noiseSpin");
    m_noise->setRange(0.0, 5.0);
    m_noise->setSingleStep(0.05);
    m_noise->setDecimals(2);
    addRow(tr("Noise"), m_noise,
           tr("How much the points scatter: the std of the Gaussian jitter (spiral: on the "
              "angle; regression sets: on the target). More noise, harder problem."));
    m_classes = new QSpinBox(m_options);
    m_classes->setObjectName("classesSpin");
    m_classes->setRange(2, 10);
    addRow(tr("Classes"), m_classes,
           tr("Number of classes (blobs and spiral; circle, XOR and moons always have two)."));
    m_seed = new QSpinBox(m_options);
    m_seed->setObjectName("seedSpin");
    m_seed->setRange(0, 1'000'000'000);
    addRow(tr("Seed"), m_seed,
           tr("Seed of the random generator: the same seed gives the same points and the same "
              "split every time."));
    for (QSpinBox* spin : {m_samples, m_classes, m_seed}) {
        spin->setKeyboardTracking(false);
        connect(spin, &QSpinBox::valueChanged, this, &DataSourceBox::optionsEdited);
    }
    m_noise->setKeyboardTracking(false);
    connect(m_noise, &QDoubleSpinBox::valueChanged, this, &DataSourceBox::optionsEdited);
    layout->addWidget(m_options);

    m_openFile = new QPushButton(tr("Open file…"), this);
    m_openFile->setObjectName("openFileButton");
    m_openFile->setToolTip(tr("Load your own data: IDX files (MNIST-style, with their labels "
                              "file), CIFAR .bin batches, or a CSV/TSV table."));
    connect(m_openFile, &QPushButton::clicked, this, &DataSourceBox::openFiles);
    m_openFolder = new QPushButton(tr("Open folder…"), this);
    m_openFolder->setObjectName("openFolderButton");
    m_openFolder->setToolTip(tr("Load a folder of images with one sub-folder per class "
                                "(optionally inside train/ and test/), or a folder of data files."));
    connect(m_openFolder, &QPushButton::clicked, this, &DataSourceBox::openFolder);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_openFile);
    buttons->addWidget(m_openFolder);
    layout->addLayout(buttons);
}

void DataSourceBox::setConfig(const data::DataConfig& config) {
    const QString source = QString::fromStdString(config.source);
    const QSignalBlocker blockCombo(m_builtin);
    const int index = m_builtin->findData(source);
    if (index < 0) {
        const QString name = QFileInfo(QString::fromStdString(config.path)).fileName();
        m_builtin->setPlaceholderText(tr("From file: %1").arg(name));
    }
    m_builtin->setCurrentIndex(index);
    {
        const QSignalBlocker a(m_samples), b(m_noise), c(m_classes), d(m_seed);
        m_samples->setValue(static_cast<int>(config.samples));
        m_noise->setValue(config.noise);
        m_classes->setValue(config.classes);
        m_seed->setValue(static_cast<int>(std::min<uint64_t>(config.seed, 1'000'000'000)));
    }
    updateOptionsEnabled(source);
}

void DataSourceBox::applyOptions(data::DataConfig& config) const {
    config.samples = m_samples->value();
    config.noise = m_noise->value();
    config.classes = m_classes->value();
    config.seed = static_cast<uint64_t>(m_seed->value());
}

void DataSourceBox::updateOptionsEnabled(const QString& source) {
    const bool generated = isGenerated(source);
    m_options->setVisible(generated);
    const bool manyClasses = source == "blobs" || source == "spiral";
    m_classes->setEnabled(manyClasses);
    if (!manyClasses) {
        m_classes->setToolTip(tr("This set always has two classes (or is a regression set)."));
    } else {
        m_classes->setToolTip(tr("Number of classes (one blob or one spiral arm each)."));
    }
}

void DataSourceBox::openFiles() {
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Open data files"), QString(),
        tr("Data files (*.gz *-ubyte *.idx* *.bin *.csv *.tsv *.txt);;All files (*)"));
    if (!paths.isEmpty()) {
        emit pathsChosen(paths);
    }
}

void DataSourceBox::openFolder() {
    const QString path = QFileDialog::getExistingDirectory(this, tr("Open a data folder"));
    if (!path.isEmpty()) {
        emit pathsChosen({path});
    }
}

}  // namespace dlab::ui
