#include "widgets/DataPrepBox.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QSignalBlocker>

namespace dlab::ui {
namespace {

struct NormalizationChoice {
    const char* name;
    const char* text;
    const char* tip;
};

const NormalizationChoice kNormalizations[] = {
    {"none", "None",
     "Use the values as loaded: pixels 0 to 255, features as in the file. Large raw inputs "
     "make training slow and unstable."},
    {"unit", "Scale to [0, 1]",
     "Divide pixels by 255 (features: min–max per feature) so every input lies in [0, 1]."},
    {"mean_image", "Mean image",
     "Scale to [0, 1], then subtract the average training image, pixel by pixel: the data "
     "is centred on zero (CS231n's 'mean image')."},
    {"channel_mean", "Channel mean",
     "Scale to [0, 1], then subtract each channel's mean over the training set (one number "
     "per colour channel or feature, as VGG does)."},
    {"standardize", "Standardize",
     "Scale to [0, 1], then (x − mean) / std per channel or feature: zero mean and unit "
     "variance. The usual default; statistics come from the training split only."},
};

}  // namespace

DataPrepBox::DataPrepBox(QWidget* parent) : QGroupBox(tr("Split and normalization"), parent) {
    setToolTip(tr("How the data is divided and scaled before training. The statistics are "
                  "computed on the training split only and reused for validation and test."));
    auto* form = new QFormLayout(this);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    auto addRow = [&](const QString& label, QWidget* field, const QString& tip) {
        field->setToolTip(tip);
        auto* l = new QLabel(label, this);
        l->setToolTip(tip);
        form->addRow(l, field);
    };
    auto percent = [this](const char* name) {
        auto* spin = new QDoubleSpinBox(this);
        spin->setObjectName(name);
        spin->setRange(0.0, 90.0);
        spin->setSingleStep(5.0);
        spin->setDecimals(1);
        spin->setSuffix(QStringLiteral(" %"));
        spin->setKeyboardTracking(false);
        connect(spin, &QDoubleSpinBox::valueChanged, this, &DataPrepBox::splitEdited);
        return spin;
    };
    m_validation = percent("validationSpin");
    addRow(tr("Validation"), m_validation,
           tr("Share of the data held out to watch for overfitting and to choose "
              "hyperparameters; the network never trains on it."));
    m_test = percent("testSpin");
    addRow(tr("Test"), m_test,
           tr("Share of the data kept for the final score, looked at once at the end."));

    m_normalization = new QComboBox(this);
    m_normalization->setObjectName("normalizationCombo");
    m_normalization->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_normalization->setMinimumContentsLength(10);
    for (const NormalizationChoice& choice : kNormalizations) {
        m_normalization->addItem(tr(choice.text), QString(choice.name));
        m_normalization->setItemData(m_normalization->count() - 1, tr(choice.tip), Qt::ToolTipRole);
    }
    connect(m_normalization, &QComboBox::activated, this, &DataPrepBox::normalizationEdited);
    addRow(tr("Normalization"), m_normalization,
           tr("Preprocessing of the inputs. Networks train best on inputs centred near zero "
              "with a similar spread; hover over a choice for what it does."));
}

void DataPrepBox::setConfig(const data::DataConfig& config) {
    const QSignalBlocker a(m_validation), b(m_test), c(m_normalization);
    m_validation->setValue(config.validation * 100.0);
    m_test->setValue(config.test * 100.0);
    const int index = m_normalization->findData(QString::fromStdString(config.normalization));
    m_normalization->setCurrentIndex(index);
}

void DataPrepBox::setShippedTest(bool shipped) {
    m_test->setEnabled(!shipped);
    m_test->setToolTip(shipped ? tr("This data set comes with its own test set; it is used "
                                    "as it is, so no share of the training data is set aside.")
                               : tr("Share of the data kept for the final score, looked at "
                                    "once at the end."));
}

double DataPrepBox::validationFraction() const {
    return m_validation->value() / 100.0;
}

double DataPrepBox::testFraction() const {
    return m_test->value() / 100.0;
}

QString DataPrepBox::normalization() const {
    return m_normalization->currentData().toString();
}

}  // namespace dlab::ui
