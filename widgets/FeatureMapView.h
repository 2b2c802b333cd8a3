#pragma once
// FeatureMapView ("Feature maps" tab): what the conv layers make of one image.
//
// The sample is a validation image (chosen by index, or at random) or an image file
// dropped on the view, decoded and resized to the network's input like the training images
// (data::loadImageForInference) and normalized like the data. The view shows
//   - the input as the network sees it (after normalization, min–max scaled to grey/RGB),
//   - the top classes: softmax of the output for cross-entropy (probabilities), the raw
//     scores for other losses, with the true label when the sample comes from the data,
//   - for every conv layer (top level and inside residual blocks), its first
//     kMaxChannels channels, one grey tile each, with one min–max scale per layer;
//     by default after the batchnorm/activation that follow it (what the next stage sees),
//     or the convolution's own output.
//
// The probe runs one forward pass in Mode::Eval with a batch of one on the training
// thread and publishes finished tile images; the view lays them out (its height follows
// its width, inside a scroll area).

#include <QString>
#include <mutex>
#include <string>
#include <vector>

#include "engine/InspectImages.h"
#include "engine/Tensor.h"
#include "widgets/InspectView.h"
#include "widgets/Inspection.h"
#include "widgets/TileImages.h"

class QComboBox;
class QLabel;
class QPushButton;
class QScrollArea;
class QSpinBox;

namespace dlab::ui {

class FeatureMapCanvas;

struct FeatureMapLayer {
    QString label;         // "layer 1 (conv2d) → 3 (relu)"
    QString description;   // the conv layer's settings
    Shape shape;           // (C, H, W) of the maps
    TileGrid grid;         // channel c is tile c; lo/hi: this layer's scale
    int64_t channels = 0;  // C (the grid may hold fewer)
};

struct Prediction {
    int index = 0;       // class (or output) index
    QString name;        // class name, "class 3", or "output 3" for regression
    float value = 0.0f;  // probability, or score
};

// What one capture drew. Immutable once published.
struct FeatureMapSnapshot {
    QString unavailable;     // non-empty: nothing to draw, and why (not image data)
    int64_t splitSize = 0;   // samples of the probed split (the index's range)
    QString splitName;       // "validation" or "training"
    int64_t index = -1;      // the sample shown, -1 for a dropped file
    QString source;          // "validation sample 17" or the file's name
    int trueClass = -1;      // the sample's label, -1 when unknown (a file, regression)
    QString trueName;        // its class name
    float trueValue = 0.0f;  // the probability (or score) the network gives it
    QString note;            // e.g. why a dropped file could not be used
    Tensor input;            // the normalized input (1, C, H, W), as the network got it
    TileGrid inputGrid;      // the same, as a picture (min–max)
    std::vector<FeatureMapLayer> layers;
    bool afterActivation = true;
    QString noMapsReason;         // non-empty when the network has no conv layer
    std::vector<Prediction> top;  // best first
    bool probabilities = false;   // top holds softmax probabilities (else raw outputs)
    Tensor output;                // the network's output for the input (1, ...)
    int64_t step = 0;
};

class FeatureMapProbe final : public Probe {
public:
    static constexpr int64_t kMaxChannels = 32;  // channels drawn per layer
    static constexpr int kTopClasses = 5;

    // Any thread; each asks for a capture. setSample also forgets a dropped file.
    void setSample(int64_t index);
    void setFile(const std::string& path);
    void setAfterActivation(bool on);

    void capture(InspectContext& context) override;

    Latest<FeatureMapSnapshot> latest;

private:
    std::mutex m_mutex;  // guards the request below
    int64_t m_index = 0;
    std::string m_file;
    bool m_afterActivation = true;
    // The decoded file (raw 0..255, (1, C, H, W)); capture thread only.
    std::string m_loadedPath;
    Shape m_loadedShape;
    Tensor m_loaded;
    std::string m_loadError;
};

class FeatureMapView final : public InspectView {
    Q_OBJECT
public:
    explicit FeatureMapView(TrainingSession& session, QWidget* parent = nullptr);

    // Asks for the maps of an image file, as a drop does.
    void showFile(const QString& path);
    QSpinBox* sampleBox() const { return m_sample; }
    QPushButton* randomButton() const { return m_random; }
    QComboBox* stageBox() const { return m_stage; }
    std::shared_ptr<const FeatureMapSnapshot> shown() const { return m_shown; }
    void setPresentationMode(bool on) override;
    // The whole picture (every layer, also those scrolled out of sight), without controls.
    bool exportPng(const QString& path) override;

protected:
    void refresh() override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    std::shared_ptr<FeatureMapProbe> m_probe;
    std::shared_ptr<const FeatureMapSnapshot> m_shown;
    QSpinBox* m_sample = nullptr;
    QLabel* m_sampleRange = nullptr;
    QPushButton* m_random = nullptr;
    QComboBox* m_stage = nullptr;
    QScrollArea* m_scroll = nullptr;
    FeatureMapCanvas* m_canvas = nullptr;
    bool m_filling = false;
};

}  // namespace dlab::ui
