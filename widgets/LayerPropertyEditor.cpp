#include "widgets/LayerPropertyEditor.h"

#include "engine/Init.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleValidator>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>
#include <cmath>

namespace dlab::ui {
namespace {

constexpr int kCommitDelayMs = 400;

QString richTooltip(const QString& text) {
    return QStringLiteral("<p>%1</p>").arg(text.toHtmlEscaped());
}

QString numberText(double v) {
    return QString::number(v, 'g', 12);
}

QString settingTooltip(const SettingInfo& s) {
    QString text = QString::fromStdString(s.help);
    const bool hasMin = s.min > -1e299, hasMax = s.max < 1e299;
    if (hasMin && hasMax) {
        text += QStringLiteral(" Range %1 to %2.").arg(numberText(s.min), numberText(s.max));
    } else if (hasMin) {
        text += QStringLiteral(" At least %1.").arg(numberText(s.min));
    }
    text += s.defaultValue.empty()
                ? QStringLiteral(" Required.")
                : QStringLiteral(" Default: %1.").arg(QString::fromStdString(s.defaultValue));
    return richTooltip(text);
}

QString choiceTooltip(const SettingInfo& s, const std::string& choice) {
    if (s.name == "init") {
        try {
            return richTooltip(QString::fromStdString(initKindHelp(parseInitKind(choice))));
        } catch (const std::invalid_argument&) {
            return {};
        }
    }
    // Activation choices are layer kinds with their own help.
    const LayerInfo* kind = LayerRegistry::instance().find(choice);
    return kind ? richTooltip(QString::fromStdString(kind->help)) : QString();
}

bool sameNumber(const QString& a, const std::string& b) {
    bool okA = false;
    const double x = a.toDouble(&okA);
    bool okB = false;
    const double y = QString::fromStdString(b).toDouble(&okB);
    return okA && okB && x == y;
}

}  // namespace

LayerPropertyEditor::LayerPropertyEditor(QWidget* parent) : QWidget(parent) {
    m_title = new QLabel(this);
    QFont bold = m_title->font();
    bold.setBold(true);
    m_title->setFont(bold);
    m_title->setWordWrap(true);
    m_help = new QLabel(this);
    m_help->setWordWrap(true);
    m_help->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_title);
    layout->addWidget(m_help);
    layout->addStretch(1);
    m_commitTimer.setSingleShot(true);
    m_commitTimer.setInterval(kCommitDelayMs);
    connect(&m_commitTimer, &QTimer::timeout, this, &LayerPropertyEditor::commitPending);
    showHint(tr("Select a layer to edit its settings."));
}

void LayerPropertyEditor::showHint(const QString& hint) {
    m_commitTimer.stop();
    m_pendingName.clear();
    m_shownTitle.clear();
    m_shownKind.clear();
    retireForm();
    m_fields.clear();
    m_title->setText(tr("No layer selected"));
    m_help->setText(hint);
}

void LayerPropertyEditor::showLayer(const LayerSpec& spec, const QString& title, int outputs) {
    m_commitTimer.stop();
    m_pendingName.clear();
    const LayerInfo* info = LayerRegistry::instance().find(spec.kind);
    if (!info) {
        showHint(tr("Unknown layer kind '%1': it has no settings to edit.")
                     .arg(QString::fromStdString(spec.kind)));
        return;
    }
    m_outputs = outputs;
    if (title != m_shownTitle || spec.kind != m_shownKind) {
        m_shownTitle = title;
        m_shownKind = spec.kind;
        rebuild(*info);
    }
    m_title->setText(title);
    for (Field& field : m_fields) {
        const auto it = spec.attrs.find(field.info.name);
        setFieldValue(field, it != spec.attrs.end() ? it->second : field.info.defaultValue);
    }
}

void LayerPropertyEditor::retireForm() {
    if (!m_form) {
        return;
    }
    // Hiding a focused editor makes it report editingFinished, and its handler indexes
    // m_fields, which is about to change: the old editors must stay silent.
    for (QWidget* child : m_form->findChildren<QWidget*>()) {
        child->blockSignals(true);
    }
    m_form->hide();
    // Out of the widget tree now, so nobody finds its editors by name; deleted later, not
    // now: this may run inside a signal of one of them.
    m_form->setParent(nullptr);
    m_form->deleteLater();
    m_form = nullptr;
    m_formLayout = nullptr;
}

void LayerPropertyEditor::rebuild(const LayerInfo& info) {
    retireForm();
    m_fields.clear();
    m_help->setText(QString::fromStdString(info.help));
    m_form = new QWidget(this);
    m_formLayout = new QFormLayout(m_form);
    m_formLayout->setContentsMargins(0, 0, 0, 0);
    m_formLayout->setRowWrapPolicy(QFormLayout::WrapLongRows);
    m_formLayout->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_fields.reserve(info.settings.size());
    for (const SettingInfo& s : info.settings) {
        m_fields.push_back(Field{s});
    }
    for (Field& field : m_fields) {
        QWidget* editor = makeEditor(field);
        auto* label = new QLabel(QString::fromStdString(field.info.name), m_form);
        label->setToolTip(settingTooltip(field.info));
        label->setBuddy(field.spin   ? static_cast<QWidget*>(field.spin)
                        : field.line ? static_cast<QWidget*>(field.line)
                                     : editor);
        m_formLayout->addRow(label, editor);
    }
    if (info.settings.empty()) {
        m_formLayout->addRow(new QLabel(tr("This kind has no settings."), m_form));
    }
    // The form goes right under the title, above the kind's help: the settings are what
    // the user came for, the explanation can scroll.
    static_cast<QVBoxLayout*>(layout())->insertWidget(1, m_form);
}

QWidget* LayerPropertyEditor::makeEditor(Field& field) {
    const SettingInfo& s = field.info;
    const QString tip = settingTooltip(s);
    const QString name = QString::fromStdString(s.name);
    const size_t index = static_cast<size_t>(&field - m_fields.data());
    switch (s.type) {
        case SettingType::Int: {
            field.spin = new QSpinBox(m_form);
            field.spin->setObjectName("setting_" + name);
            field.spin->setRange(static_cast<int>(std::max(s.min, static_cast<double>(INT_MIN))),
                                 static_cast<int>(std::min(s.max, static_cast<double>(INT_MAX))));
            field.spin->setKeyboardTracking(false);
            field.spin->setAccelerated(true);
            field.spin->setToolTip(tip);
            connect(field.spin, &QSpinBox::valueChanged, this,
                    [this, index](int v) { setPending(m_fields[index].info, QString::number(v)); });
            connect(field.spin, &QSpinBox::editingFinished, this,
                    &LayerPropertyEditor::commitPending);
            if (s.name != "units") {
                return field.spin;
            }
            auto* row = new QWidget(m_form);
            auto* h = new QHBoxLayout(row);
            h->setContentsMargins(0, 0, 0, 0);
            field.classes = new QCheckBox(tr("= number of classes"), row);
            field.classes->setObjectName("classes_" + name);
            field.classes->setToolTip(richTooltip(
                tr("Use as many units as the data has classes (or regression targets), so the "
                   "same network fits any data set. Saved as \"classes\".")));
            connect(field.classes, &QCheckBox::clicked, this, [this, index](bool on) {
                m_commitTimer.stop();
                m_pendingName.clear();
                const Field& f = m_fields[index];
                f.spin->setEnabled(!on);
                report(f.info, on ? QStringLiteral("classes") : QString::number(f.spin->value()));
            });
            field.spin->setParent(row);
            h->addWidget(field.spin, 1);
            h->addWidget(field.classes);
            return row;
        }
        case SettingType::Float: {
            field.line = new QLineEdit(m_form);
            field.line->setObjectName("setting_" + name);
            auto* validator = new QDoubleValidator(std::max(s.min, -1e300), std::min(s.max, 1e300),
                                                   12, field.line);
            validator->setNotation(QDoubleValidator::ScientificNotation);
            // The experiment file writes numbers with a dot, whatever the desktop's locale.
            validator->setLocale(QLocale::c());
            field.line->setValidator(validator);
            field.line->setPlaceholderText(QString::fromStdString(s.defaultValue));
            field.line->setToolTip(tip);
            connect(field.line, &QLineEdit::editingFinished, this, [this, index] {
                const Field& f = m_fields[index];
                report(f.info, f.line->text().trimmed());
            });
            return field.line;
        }
        case SettingType::Choice: {
            field.combo = new QComboBox(m_form);
            field.combo->setObjectName("setting_" + name);
            field.combo->setToolTip(tip);
            for (const std::string& c : s.choices) {
                field.combo->addItem(QString::fromStdString(c));
                field.combo->setItemData(field.combo->count() - 1, choiceTooltip(s, c),
                                         Qt::ToolTipRole);
            }
            connect(field.combo, &QComboBox::activated, this, [this, index] {
                const Field& f = m_fields[index];
                report(f.info, f.combo->currentText());
            });
            return field.combo;
        }
        case SettingType::Bool: {
            field.check = new QCheckBox(m_form);
            field.check->setObjectName("setting_" + name);
            field.check->setToolTip(tip);
            // As wide as its box, so a click in the empty row beside it does not toggle it.
            field.check->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
            connect(field.check, &QCheckBox::clicked, this, [this, index](bool on) {
                report(m_fields[index].info, on ? QStringLiteral("true") : QStringLiteral("false"));
            });
            return field.check;
        }
    }
    return new QWidget(m_form);
}

void LayerPropertyEditor::setFieldValue(Field& field, const std::string& value) {
    const QString text = QString::fromStdString(value);
    if (field.spin) {
        const QSignalBlocker block(field.spin);
        const bool classes = value == "classes";
        if (field.classes) {
            const QSignalBlocker blockClasses(field.classes);
            field.classes->setChecked(classes);
            field.spin->setEnabled(!classes);
        }
        if (classes) {
            if (m_outputs > 0) {
                field.spin->setValue(m_outputs);
            }
        } else if (!value.empty()) {
            field.spin->setValue(static_cast<int>(std::lround(text.toDouble())));
        }
    } else if (field.line) {
        // "1e-4" typed by the user stays as typed when the document says 0.0001.
        const bool keepTyped = field.line->hasFocus() && sameNumber(field.line->text(), value);
        if (!keepTyped && field.line->text() != text) {
            field.line->setText(text);
            field.line->setCursorPosition(0);
        }
    } else if (field.combo) {
        const QSignalBlocker block(field.combo);
        field.combo->setCurrentText(text);
    } else if (field.check) {
        const QSignalBlocker block(field.check);
        field.check->setChecked(value == "true");
    }
}

void LayerPropertyEditor::report(const SettingInfo& info, const QString& value) {
    const bool isDefault = value.isEmpty() || value.toStdString() == info.defaultValue ||
                           ((info.type == SettingType::Int || info.type == SettingType::Float) &&
                            sameNumber(value, info.defaultValue));
    emit settingEdited(QString::fromStdString(info.name), isDefault ? QString() : value);
}

void LayerPropertyEditor::setPending(const SettingInfo& info, const QString& value) {
    m_pendingName = QString::fromStdString(info.name);
    m_pendingValue = value;
    m_commitTimer.start();
}

void LayerPropertyEditor::commitPending() {
    m_commitTimer.stop();
    if (m_pendingName.isEmpty()) {
        return;
    }
    const QString name = m_pendingName;
    m_pendingName.clear();
    for (const Field& field : m_fields) {
        if (QString::fromStdString(field.info.name) == name) {
            report(field.info, m_pendingValue);
            return;
        }
    }
}

QWidget* LayerPropertyEditor::fieldEditor(const QString& setting) const {
    for (const Field& field : m_fields) {
        if (QString::fromStdString(field.info.name) == setting) {
            if (field.spin) {
                return field.spin;
            }
            if (field.line) {
                return field.line;
            }
            return field.combo ? static_cast<QWidget*>(field.combo) : field.check;
        }
    }
    return nullptr;
}

}  // namespace dlab::ui
