#pragma once
// BuilderPanel: the network builder of the lab window.
//
//   palette     layer kinds by category (LayerPalette); double-click or Add inserts after
//               the selected layer, or drag a kind into the list
//   layer list  one row per layer with its settings, output shape per sample and
//               parameter count (LayerTreeModel in a LayerTreeView); a residual block's
//               layers are indented under it; red rows do not build, with the reason as
//               tooltip; Remove, Duplicate, Move up/down and drag and drop reorder; below
//               it the total parameter count and, in red, why the network cannot train
//   editor      the selected layer's settings (LayerPropertyEditor)
//   presets     replace the network with a built-in one; Undo/Redo of the document
//
// Every edit goes through ExperimentDocument::setNetwork, so it is one undo step and the
// document stays the only copy of the network; the panel redraws on networkChanged,
// dataLoaded and dataConfigChanged.
//
// Shapes are inferred live for the loaded data's sample shape. Before any data loads
// they assume what the data section will give: (2) features for the generated 2-D sets
// (with their class count: the configured classes for spiral and blobs, 2 for circle,
// xor and moons, 1 target for plane, bump and sine), else a (1, 28, 28) image with 10
// classes, the shape of Fashion-MNIST; the panel says so under the list. The red text
// is ExperimentDocument::validate() once data is loaded, else the first layer error
// under the assumed shape, in the same words.

#include "engine/Tensor.h"
#include "widgets/LayerInference.h"
#include "widgets/NetworkEdits.h"

#include <QWidget>

#include <optional>

class QLabel;
class QPushButton;
class QToolButton;

namespace dlab::ui {

class ExperimentDocument;
class LayerPalette;
class LayerPropertyEditor;
class LayerTreeModel;
class LayerTreeView;

class BuilderPanel : public QWidget {
    Q_OBJECT
public:
    explicit BuilderPanel(ExperimentDocument& document, QWidget* parent = nullptr);

    // The selected layer, empty when none.
    LayerPath selectedPath() const;
    void selectPath(const LayerPath& path);

    // What the shapes are computed for: the input per sample and what "classes" stands
    // for (see the header comment for the values before data loads).
    Shape inputShape() const;
    int outputs() const;
    bool usesLoadedData() const;
    // The inference result behind the list, for the window (and tests).
    const NetworkCheck& check() const { return m_check; }

    // The panel's edits, each one undo step; the buttons call them.
    void addLayer(const QString& kind);
    void removeSelected();
    void duplicateSelected();
    // delta -1: up, +1: down, within the layer's own list.
    void moveSelected(int delta);
    void loadPreset(const QString& name);

private:
    void buildPresetMenu();
    void refresh();
    void updateLabels();
    void updateButtons();
    void showSelected();
    // Hands `specs` to the document as one undo step named `what`, then selects `select`.
    void applyEdit(const LayerSpecs& specs, const QString& what, const LayerPath& select);
    void applySetting(const QString& name, const QString& value);
    void moveLayerTo(const LayerPath& from, const LayerPath& toParent, int row);
    void insertLayerAt(const QString& kind, const LayerPath& parent, int row);
    // The shape, per sample, that a layer inserted under `parent` at `row` would get.
    std::optional<Shape> inputShapeAt(const LayerPath& parent, int row) const;
    const LayerCheck* checkAt(const LayerPath& path) const;
    // "layer 3 (dense)", nested "layer 2 (residual) / layer 1 (conv2d)": the error labels.
    QString layerTitle(const LayerPath& path) const;
    // The nearest existing path to `path` after the network changed under it.
    LayerPath clampPath(LayerPath path) const;

    ExperimentDocument& m_document;
    LayerPalette* m_palette;
    QPushButton* m_addButton;
    LayerTreeModel* m_model;
    LayerTreeView* m_tree;
    QToolButton* m_removeButton;
    QToolButton* m_duplicateButton;
    QToolButton* m_upButton;
    QToolButton* m_downButton;
    QLabel* m_totalLabel;
    QLabel* m_inputLabel;
    QLabel* m_errorLabel;
    LayerPropertyEditor* m_editor;
    QToolButton* m_presetButton;
    QToolButton* m_undoButton;
    QToolButton* m_redoButton;

    NetworkCheck m_check;
    LayerPath m_selected;
    LayerPath m_editorPath;
    std::optional<LayerPath> m_selectAfterChange;
    bool m_refreshing = false;
};

}  // namespace dlab::ui
