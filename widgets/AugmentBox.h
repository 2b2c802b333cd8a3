#pragma once
// AugmentBox: the augmentation settings of the data section, one checkable section per
// transform (a check box named "augment.<key>" over its probability and parameters), with a live preview of augmented versions
// of one training image and a button to draw another.
//
// It edits a copy: `changed` carries the whole new AugmentConfig (already validated) and
// the owner writes it into the document. setConfig shows a config without emitting.
// GUI thread only.

#include "datasets/Augment.h"
#include "datasets/Prepare.h"

#include <QGroupBox>

#include <functional>
#include <memory>
#include <vector>

class QDoubleSpinBox;
class QCheckBox;
class QLabel;
class QPushButton;

namespace dlab::ui {

class AugmentPreview;

class AugmentBox : public QGroupBox {
    Q_OBJECT
public:
    explicit AugmentBox(QWidget* parent = nullptr);

    void setConfig(const data::AugmentConfig& config);
    const data::AugmentConfig& config() const { return m_config; }
    // The loaded data: image data enables the settings and feeds the preview; feature data
    // disables them (augmentation applies to images only).
    void setData(std::shared_ptr<const data::PreparedData> data);

    AugmentPreview* preview() const { return m_preview; }

signals:
    void changed(const dlab::data::AugmentConfig& config);
    // A setting was refused (min above max, ...); the message says which.
    void invalid(const QString& message);

private:
    struct Param {
        QDoubleSpinBox* spin = nullptr;
        QCheckBox* check = nullptr;
        std::function<double(const data::AugmentConfig&)> get;
        std::function<void(data::AugmentConfig&, double)> set;
    };
    struct Transform {
        QCheckBox* box = nullptr;
        QWidget* body = nullptr;
        std::function<bool&(data::AugmentConfig&)> enabled;
        std::vector<Param> params;
    };
    void buildTransforms();
    void edit(const std::function<void(data::AugmentConfig&)>& change);

    data::AugmentConfig m_config;
    std::vector<Transform> m_transforms;
    QWidget* m_transformArea = nullptr;
    QLabel* m_notImages = nullptr;
    AugmentPreview* m_preview = nullptr;
    QLabel* m_previewHint = nullptr;
    QPushButton* m_shuffle = nullptr;
};

}  // namespace dlab::ui
