#pragma once
// DataSourceBox: where the data comes from. A list of the built-in sets (the generated 2-D
// sets and Fashion-MNIST when it is installed) with the generated sets' options, and
// buttons that open a file or a folder.
//
// It only asks: the owner turns `builtinChosen`, `optionsEdited` and `pathsChosen` into a
// load and a document edit. setConfig shows a data section without emitting anything.
// GUI thread only.

#include "datasets/DataConfig.h"

#include <QGroupBox>
#include <QStringList>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QPushButton;
class QSpinBox;

namespace dlab::ui {

class DataSourceBox : public QGroupBox {
    Q_OBJECT
public:
    explicit DataSourceBox(QWidget* parent = nullptr);

    void setConfig(const data::DataConfig& config);
    // Writes the generated sets' options (samples, noise, classes, seed) into `config`.
    void applyOptions(data::DataConfig& config) const;

signals:
    void builtinChosen(const QString& source);
    void optionsEdited();
    void pathsChosen(const QStringList& paths);

private:
    void updateOptionsEnabled(const QString& source);
    void openFiles();
    void openFolder();

    QComboBox* m_builtin = nullptr;
    QPushButton* m_openFile = nullptr;
    QPushButton* m_openFolder = nullptr;
    QWidget* m_options = nullptr;
    QSpinBox* m_samples = nullptr;
    QDoubleSpinBox* m_noise = nullptr;
    QSpinBox* m_classes = nullptr;
    QSpinBox* m_seed = nullptr;
    QLabel* m_optionsHint = nullptr;
};

}  // namespace dlab::ui
