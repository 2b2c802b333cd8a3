#pragma once
// FiltersView ("Filters" tab): the weights of one layer as pictures.
//
//   conv2d        each filter's kernel (O, I, k, k): per input channel (a grid of O rows
//                 and I columns), averaged over the input channels (one tile per filter),
//                 or, for a layer that reads an RGB image, in colour (one RGB tile each)
//   dense on the  each unit's weights reshaped to the image (C, H, W): the "templates"
//   flattened     a linear classifier matches the input against, titled with the class
//   image         names when the layer's units are the network's outputs
//
// One symmetric scale per layer (engine/InspectImages.h): grey is 0, black −m, white +m
// with m the largest |weight| drawn, written beside a grey bar, so tiles compare with
// each other. Tiles are scaled up with nearest-neighbour sampling and drawn with gaps.
//
// The probe builds the tile image on the training thread (FiltersProbe::capture); the
// view lays it out and paints it on the GUI thread. The layer and mode are asked for
// by the layer's label, so a rebuilt network keeps the choice where the layer still exists.

#include <QString>
#include <QStringList>
#include <mutex>
#include <string>
#include <vector>

#include "engine/InspectImages.h"
#include "widgets/InspectView.h"
#include "widgets/Inspection.h"
#include "widgets/TileImages.h"

class QComboBox;
class QLabel;

namespace dlab::ui {

class FiltersCanvas;

// What one capture drew. Immutable once published.
struct FiltersSnapshot {
    QString unavailable;            // non-empty: nothing to draw, and why (no conv layer, ...)
    QStringList layerLabels;        // every drawable layer ("layer 1 (conv2d)"), for the chooser
    QStringList layerDescriptions;  // their describe() texts, same order
    int layer = -1;                 // the index drawn in layerLabels
    KernelMode mode = KernelMode::PerChannel;
    std::vector<KernelMode> modes;  // the modes this layer offers, the default first
    bool isTemplate = false;
    TileGrid grid;         // tile f·inputs + i (PerChannel), tile f otherwise
    int fixedColumns = 0;  // PerChannel with several inputs: one row per filter
    int64_t filters = 0;   // drawn
    int64_t inputs = 1;    // tiles per filter
    int64_t totalFilters = 0;
    int64_t totalInputs = 0;
    QStringList titles;   // one per tile (class names of output templates), or empty
    QString weightShape;  // "(16, 1, 3, 3)"
    int64_t step = 0;     // the training step of the weights drawn
};

class FiltersProbe final : public Probe {
public:
    // At most this many filters, and (per channel) input channels, are drawn.
    static constexpr int64_t kMaxFilters = 256;
    static constexpr int64_t kMaxPerChannelFilters = 32;
    static constexpr int64_t kMaxPerChannelInputs = 32;

    // Any thread. An unknown label draws the first layer; `useDefaultMode` lets the probe
    // pick the layer's default mode (colour for an RGB input layer, else per channel).
    void setRequest(const std::string& layerLabel, KernelMode mode, bool useDefaultMode);

    void capture(InspectContext& context) override;

    Latest<FiltersSnapshot> latest;

private:
    std::mutex m_mutex;  // guards the request
    std::string m_layerLabel;
    KernelMode m_mode = KernelMode::PerChannel;
    bool m_defaultMode = true;
};

class FiltersView final : public InspectView {
    Q_OBJECT
public:
    explicit FiltersView(TrainingSession& session, QWidget* parent = nullptr);

    // For tests: the chooser of the layer and of the mode, and what is drawn.
    QComboBox* layerBox() const { return m_layerBox; }
    QComboBox* modeBox() const { return m_modeBox; }
    std::shared_ptr<const FiltersSnapshot> shown() const { return m_shown; }
    void setPresentationMode(bool on) override;

protected:
    void refresh() override;

private:
    void sendRequest();
    void fillChoosers(const FiltersSnapshot& snapshot);

    std::shared_ptr<FiltersProbe> m_probe;
    std::shared_ptr<const FiltersSnapshot> m_shown;
    QComboBox* m_layerBox = nullptr;
    QComboBox* m_modeBox = nullptr;
    QLabel* m_modeLabel = nullptr;
    QLabel* m_caption = nullptr;
    FiltersCanvas* m_canvas = nullptr;
    bool m_filling = false;  // choosers being refilled: their signals are not the user's
};

}  // namespace dlab::ui
