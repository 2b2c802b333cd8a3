#pragma once
// LayerTreeModel: the network as the builder's layer list shows it, one row per layer
// with its settings, output shape per sample and parameter count; a block's nested
// layers are its child rows. Layers that do not build are tinted red with the error as
// tooltip.
//
// The model is a read-only picture of ExperimentDocument::network() plus a NetworkCheck;
// it never edits. Drops (a row moved by drag and drop, or a kind dragged from the
// palette) are turned into moveRequested / insertRequested, and the builder applies them
// through the document, which then resets this model.

#include "widgets/LayerInference.h"
#include "widgets/NetworkEdits.h"

#include <QAbstractItemModel>

namespace dlab::ui {

class LayerTreeModel : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Column { LayerColumn, OutputColumn, ParamsColumn, ColumnCount };
    // MIME types of a dragged row (its path, "2,0") and of a dragged palette kind.
    static const QString kPathMime;
    static const QString kKindMime;

    explicit LayerTreeModel(QObject* parent = nullptr);

    // `check` belongs to `specs`; `outputs` is what "classes" stands for.
    void setNetwork(const LayerSpecs& specs, const NetworkCheck& check, int outputs);

    LayerPath pathOf(const QModelIndex& index) const;
    // Invalid index for a path that is not in the model.
    QModelIndex indexOf(const LayerPath& path, int column = LayerColumn) const;

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;

    QStringList mimeTypes() const override;
    QMimeData* mimeData(const QModelIndexList& indexes) const override;
    Qt::DropActions supportedDropActions() const override;
    Qt::DropActions supportedDragActions() const override;
    bool canDropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                         const QModelIndex& parent) const override;
    bool dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                      const QModelIndex& parent) override;

signals:
    // `row` counts in the target list before the move; -1 appends.
    void moveRequested(const dlab::ui::LayerPath& from, const dlab::ui::LayerPath& toParent,
                       int row);
    void insertRequested(const QString& kind, const dlab::ui::LayerPath& parent, int row);

private:
    struct Node {
        LayerPath path;
        int parent = -1;  // node index, -1 for top-level layers
        std::vector<int> children;
        LayerSpec spec;
        LayerCheck check;
    };
    void addNodes(const LayerSpecs& specs, const std::vector<LayerCheck>& checks, int parent,
                  const LayerPath& parentPath, std::vector<int>& into);
    const Node* nodeOf(const QModelIndex& index) const;
    // "dense 64, init=xavier_normal"; `full` false leaves out the init* settings.
    QString layerText(const Node& node, bool full) const;
    static std::optional<LayerPath> decodePath(const QMimeData* data);

    std::vector<Node> m_nodes;
    std::vector<int> m_roots;
    int m_outputs = 0;
};

}  // namespace dlab::ui
