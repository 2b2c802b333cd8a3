#pragma once
// LayerPropertyEditor: the form for one layer's settings, generated from the kind's
// SettingInfo list in the LayerRegistry, so a new layer kind needs no editor code:
//   Int     QSpinBox within the setting's range ("units" also gets "= number of
//           classes", which writes the "classes" placeholder)
//   Float   QLineEdit that accepts 0.01, 1e-4, 2.5E3
//   Choice  QComboBox, Bool QCheckBox
// Each field carries the setting's help as tooltip; its editor's object name is
// "setting_<name>" ("classes_<name>" for the classes box).
//
// The editor only reports edits (settingEdited); it never changes a spec itself. A value
// equal to the default is reported as empty, meaning "remove it from attrs". Spin box
// steps are coalesced: the edit is reported when typing ends (Enter, focus leaves) or
// 400 ms after the last arrow click, so one burst of clicks is one undo step.

#include "engine/Registry.h"

#include <QTimer>
#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace dlab::ui {

class LayerPropertyEditor : public QWidget {
    Q_OBJECT
public:
    explicit LayerPropertyEditor(QWidget* parent = nullptr);

    // Shows `spec`'s settings under `title` ("layer 3 (dense)"). Showing the same title
    // and kind again updates the fields in place, so focus and the cursor survive the
    // round trip of an edit through the document; anything else rebuilds the form.
    // `outputs` is what "classes" stands for (0 when unknown). Drops a pending edit.
    void showLayer(const LayerSpec& spec, const QString& title, int outputs);
    // No layer selected: shows `hint` instead of a form.
    void showHint(const QString& hint);
    // Reports a spin box edit still waiting for its coalescing timer, if any.
    void commitPending();

    // The editor widget of a setting of the shown layer, or null.
    QWidget* fieldEditor(const QString& setting) const;

signals:
    // `value` empty: the setting goes back to its default.
    void settingEdited(const QString& name, const QString& value);

private:
    struct Field {
        SettingInfo info;
        QSpinBox* spin = nullptr;
        QLineEdit* line = nullptr;
        QComboBox* combo = nullptr;
        QCheckBox* check = nullptr;
        QCheckBox* classes = nullptr;
    };
    void rebuild(const LayerInfo& info);
    // Silences and schedules the deletion of the current form.
    void retireForm();
    QWidget* makeEditor(Field& field);
    void setFieldValue(Field& field, const std::string& value);
    // Reports `value`, or empty when it equals the default.
    void report(const SettingInfo& info, const QString& value);
    void setPending(const SettingInfo& info, const QString& value);

    QLabel* m_title;
    QLabel* m_help;
    QWidget* m_form = nullptr;
    QFormLayout* m_formLayout = nullptr;
    QString m_shownTitle;
    std::string m_shownKind;
    int m_outputs = 0;
    std::vector<Field> m_fields;
    QTimer m_commitTimer;
    QString m_pendingName;
    QString m_pendingValue;
};

}  // namespace dlab::ui
