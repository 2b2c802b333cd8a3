#pragma once
// SettingsBinder: makes the fields of the training-settings form and binds each one to a
// part of the document's TrainConfig.
//
// A finished entry (Return, focus out, a spin-box arrow, a combo choice) becomes one
// undoable ExperimentDocument::setTraining command named after the setting ("Change
// learning rate"); an entry that would not change the value pushes nothing. While the
// owner rewrites the fields from the document (inside a SyncScope) their signals change
// nothing, so a sync never turns into an edit.
//
// Numbers are read and written in the C locale and accept scientific notation ("3e-4").
// Text that is not a valid value is refused: `rejected` carries a message in words and
// the owner shows the document's value again. GUI thread only.

#include "engine/Trainer.h"

#include <QObject>
#include <QString>

#include <functional>
#include <optional>
#include <string>
#include <vector>

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace dlab::ui {

class ExperimentDocument;

// Sets `field` to `value`; false when it already was (nothing to push).
template <typename T>
bool assignIfChanged(T& field, const T& value) {
    if (field == value) {
        return false;
    }
    field = value;
    return true;
}

std::optional<double> parseSettingNumber(const QString& text);
QString formatSettingNumber(double v);
// Writes the number into the field unless it already shows exactly that text.
void showSettingNumber(QLineEdit* field, double v);
// Selects the entry whose data is `name`; the combo's tooltip becomes `generalHelp`
// followed by that entry's help.
void selectSettingChoice(QComboBox* combo, const std::string& name, const QString& generalHelp);

class SettingsBinder : public QObject {
    Q_OBJECT
public:
    using ApplyNumber = std::function<bool(TrainConfig&, double)>;
    using ApplyInteger = std::function<bool(TrainConfig&, int)>;
    using ApplyChoice = std::function<bool(TrainConfig&, const std::string&)>;
    using Help = std::function<std::string(const std::string&)>;

    explicit SettingsBinder(ExperimentDocument& document, QObject* parent = nullptr);

    // Applies `change` to a copy of the document's settings and pushes it as one edit
    // named `what`, unless `change` returns false. Does nothing while syncing.
    void edit(const QString& what, const std::function<bool(TrainConfig&)>& change);

    // A text field for a number >= minimum (> minimum unless `minimumAllowed`).
    QLineEdit* numberField(const char* name, const QString& help, double minimum,
                           bool minimumAllowed, const QString& what, ApplyNumber apply);
    QDoubleSpinBox* decimalBox(const char* name, const QString& help, double minimum,
                               double maximum, int decimals, double step, const QString& what,
                               ApplyNumber apply);
    QSpinBox* integerBox(const char* name, const QString& help, int minimum, int maximum,
                         const QString& what, ApplyInteger apply);
    // A combo listing the engine's `names` (as item data) under readable labels, each with
    // its help as tooltip; `apply` receives the chosen name.
    QComboBox* choiceBox(const char* name, const std::vector<std::string>& names, const Help& help,
                         const QString& what, ApplyChoice apply);

    bool syncing() const { return m_syncing; }

    // Mutes the fields' signals while the owner writes the document's values into them.
    class SyncScope {
    public:
        explicit SyncScope(SettingsBinder& binder) : m_binder(binder) { m_binder.m_syncing = true; }
        ~SyncScope() { m_binder.m_syncing = false; }
        SyncScope(const SyncScope&) = delete;
        SyncScope& operator=(const SyncScope&) = delete;

    private:
        SettingsBinder& m_binder;
    };

signals:
    void rejected(const QString& message);
    void edited();

private:
    ExperimentDocument& m_document;
    bool m_syncing = false;
};

}  // namespace dlab::ui
