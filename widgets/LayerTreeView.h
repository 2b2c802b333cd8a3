#pragma once
// LayerTreeView: the builder's layer list as a view of a LayerTreeModel.
//
// Single row selection; rows drag (a move) and accept drops of rows and of palette
// kinds, which the model turns into requests; the Layer column takes the spare width and
// wraps long settings onto a second line instead of cutting them off in a narrow dock.
// Blocks stay expanded: their nested layers are always shown, indented.

#include <QTreeView>

class QTimer;

namespace dlab::ui {

class LayerTreeModel;

class LayerTreeView : public QTreeView {
    Q_OBJECT
public:
    explicit LayerTreeView(LayerTreeModel* model, QWidget* parent = nullptr);

private:
    QTimer* m_relayout;
};

}  // namespace dlab::ui
