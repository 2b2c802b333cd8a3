#pragma once
// LayerPalette: every layer kind of the LayerRegistry, grouped by category (core,
// convolution, normalization, activation, block), each with its help as tooltip.
// Activating a kind (double-click or Enter) asks for it to be added; a kind can also be
// dragged onto the builder's layer list (MIME type LayerTreeModel::kKindMime).
// It reads the registry once, at construction.

#include <QTreeWidget>

namespace dlab::ui {

class LayerPalette : public QTreeWidget {
    Q_OBJECT
public:
    explicit LayerPalette(QWidget* parent = nullptr);

    // The selected kind ("dense"), empty when a category or nothing is selected.
    QString currentKind() const;
    // The item of a kind, for tests and for selecting it from code.
    QTreeWidgetItem* itemForKind(const QString& kind) const;

signals:
    void kindActivated(const QString& kind);
    void currentKindChanged(const QString& kind);

protected:
    // Copy only: a drag that ended as a move would let the view delete the kind from
    // the palette.
    Qt::DropActions supportedDropActions() const override;
    QStringList mimeTypes() const override;
    QMimeData* mimeData(const QList<QTreeWidgetItem*>& items) const override;
};

}  // namespace dlab::ui
