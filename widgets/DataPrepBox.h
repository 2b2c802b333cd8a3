#pragma once
// DataPrepBox: how the loaded data is prepared for training: the validation and test
// fractions of the split, and the normalization of the inputs.
//
// It only asks: the owner turns `splitEdited` and `normalizationEdited` into a document
// edit and a reload. setConfig shows a data section without emitting. GUI thread only.

#include "datasets/DataConfig.h"

#include <QGroupBox>

class QComboBox;
class QDoubleSpinBox;

namespace dlab::ui {

class DataPrepBox : public QGroupBox {
    Q_OBJECT
public:
    explicit DataPrepBox(QWidget* parent = nullptr);

    void setConfig(const data::DataConfig& config);
    // The data came with its own test set: the test fraction does not apply.
    void setShippedTest(bool shipped);

    double validationFraction() const;
    double testFraction() const;
    QString normalization() const;

signals:
    void splitEdited();
    void normalizationEdited();

private:
    QDoubleSpinBox* m_validation = nullptr;
    QDoubleSpinBox* m_test = nullptr;
    QComboBox* m_normalization = nullptr;
};

}  // namespace dlab::ui
