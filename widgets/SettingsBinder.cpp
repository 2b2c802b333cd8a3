#include "widgets/SettingsBinder.h"

#include "widgets/ExperimentDocument.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QLocale>
#include <QSpinBox>

#include <cmath>

namespace dlab::ui {
namespace {

// Display names for the engine's identifiers; a kind added to the engine later without
// a label here shows under its own name.
struct Label {
    const char* name;
    const char* text;
};

constexpr Label kLabels[] = {
    {"cross_entropy", "Cross-entropy (softmax)"},
    {"hinge", "Hinge (multiclass SVM)"},
    {"mse", "Mean squared error"},
    {"l1", "Mean absolute error (L1)"},
    {"bce_logits", "Binary cross-entropy (logits)"},
    {"sgd", "SGD"},
    {"momentum", "SGD + momentum"},
    {"nesterov", "Nesterov momentum"},
    {"adagrad", "AdaGrad"},
    {"rmsprop", "RMSProp"},
    {"adam", "Adam"},
    {"adamw", "AdamW"},
    {"constant", "Constant"},
    {"step", "Step decay"},
    {"multistep", "Step decay at milestones"},
    {"exponential", "Exponential decay"},
    {"cosine", "Cosine"},
    {"warmup_cosine", "Warmup, then cosine"},
};

QString labelFor(const std::string& name) {
    for (const Label& label : kLabels) {
        if (name == label.name) {
            return QString::fromUtf8(label.text);
        }
    }
    return QString::fromStdString(name);
}

}  // namespace

std::optional<double> parseSettingNumber(const QString& text) {
    bool ok = false;
    const double v = QLocale::c().toDouble(text.trimmed(), &ok);
    return ok && std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

QString formatSettingNumber(double v) {
    return QString::number(v, 'g', 6);
}

void showSettingNumber(QLineEdit* field, double v) {
    const QString text = formatSettingNumber(v);
    if (field->text() != text) {
        field->setText(text);
    }
}

void selectSettingChoice(QComboBox* combo, const std::string& name, const QString& generalHelp) {
    const int index = combo->findData(QString::fromStdString(name));
    combo->setCurrentIndex(index);
    combo->setToolTip(generalHelp + "\n\n" + combo->itemData(index, Qt::ToolTipRole).toString());
}

SettingsBinder::SettingsBinder(ExperimentDocument& document, QObject* parent)
    : QObject(parent), m_document(document) {}

void SettingsBinder::edit(const QString& what, const std::function<bool(TrainConfig&)>& change) {
    if (m_syncing) {
        return;
    }
    TrainConfig config = m_document.training();
    if (!change(config)) {
        return;
    }
    m_document.setTraining(config, what);
    emit edited();
}

QLineEdit* SettingsBinder::numberField(const char* name, const QString& help, double minimum,
                                       bool minimumAllowed, const QString& what,
                                       ApplyNumber apply) {
    auto* field = new QLineEdit;
    field->setObjectName(name);
    field->setToolTip(help);
    connect(field, &QLineEdit::editingFinished, this, [=, this] {
        // Leaving a field untouched must not write back its rounded display ("0.000123457").
        if (m_syncing || !field->isModified()) {
            return;
        }
        field->setModified(false);
        const auto v = parseSettingNumber(field->text());
        if (!v || *v < minimum || (!minimumAllowed && *v == minimum)) {
            // "Change learning rate" names the setting as "Learning rate".
            QString setting = what.section(' ', 1);
            setting[0] = setting[0].toUpper();
            const QString expected = minimumAllowed ? tr("a number ≥ %1").arg(minimum)
                                                    : tr("a number > %1").arg(minimum);
            emit rejected(tr("%1: expected %2 (for example 1e-3 or 0.001), got \"%3\".")
                              .arg(setting, expected, field->text()));
            return;
        }
        edit(what, [&](TrainConfig& c) { return apply(c, *v); });
    });
    return field;
}

QDoubleSpinBox* SettingsBinder::decimalBox(const char* name, const QString& help, double minimum,
                                           double maximum, int decimals, double step,
                                           const QString& what, ApplyNumber apply) {
    auto* box = new QDoubleSpinBox;
    box->setObjectName(name);
    box->setToolTip(help);
    box->setDecimals(decimals);
    box->setRange(minimum, maximum);
    box->setSingleStep(step);
    // One edit per finished entry, not one per keystroke.
    box->setKeyboardTracking(false);
    connect(box, &QDoubleSpinBox::valueChanged, this,
            [=, this](double v) { edit(what, [&](TrainConfig& c) { return apply(c, v); }); });
    return box;
}

QSpinBox* SettingsBinder::integerBox(const char* name, const QString& help, int minimum,
                                     int maximum, const QString& what, ApplyInteger apply) {
    auto* box = new QSpinBox;
    box->setObjectName(name);
    box->setToolTip(help);
    box->setRange(minimum, maximum);
    box->setKeyboardTracking(false);
    connect(box, &QSpinBox::valueChanged, this,
            [=, this](int v) { edit(what, [&](TrainConfig& c) { return apply(c, v); }); });
    return box;
}

QComboBox* SettingsBinder::choiceBox(const char* name, const std::vector<std::string>& names,
                                     const Help& help, const QString& what, ApplyChoice apply) {
    auto* combo = new QComboBox;
    combo->setObjectName(name);
    // Long labels must not widen a narrow dock; the list itself still shows them whole.
    combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    combo->setMinimumContentsLength(10);
    for (const std::string& n : names) {
        combo->addItem(labelFor(n), QString::fromStdString(n));
        combo->setItemData(combo->count() - 1, QString::fromStdString(help(n)), Qt::ToolTipRole);
    }
    connect(combo, &QComboBox::currentIndexChanged, this, [=, this] {
        const std::string chosen = combo->currentData().toString().toStdString();
        edit(what, [&](TrainConfig& c) { return apply(c, chosen); });
    });
    return combo;
}

}  // namespace dlab::ui
