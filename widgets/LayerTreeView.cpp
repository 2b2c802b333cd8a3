#include "widgets/LayerTreeView.h"

#include "widgets/LayerTreeModel.h"

#include <QHeaderView>
#include <QStyledItemDelegate>
#include <QTimer>

#include <algorithm>

namespace dlab::ui {
namespace {

// Gives wrapped text the height it takes at the column's actual width: QTreeView asks
// delegates for a row's height without one, which leaves long wrapped rows cut off.
class WrappingDelegate : public QStyledItemDelegate {
public:
    explicit WrappingDelegate(QTreeView* view) : QStyledItemDelegate(view), m_view(view) {}

    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        int width = m_view->header()->sectionSize(index.column());
        if (index.column() == 0) {
            for (QModelIndex p = index.parent(); p.isValid(); p = p.parent()) {
                width -= m_view->indentation();
            }
        }
        // The style wraps only inside a valid rect; the height does not matter here.
        opt.rect = QRect(0, 0, std::max(width, 1), QWIDGETSIZE_MAX);
        const QWidget* widget = opt.widget ? opt.widget : m_view;
        return widget->style()->sizeFromContents(QStyle::CT_ItemViewItem, &opt, QSize(), widget);
    }

private:
    QTreeView* m_view;
};

}  // namespace

LayerTreeView::LayerTreeView(LayerTreeModel* model, QWidget* parent) : QTreeView(parent) {
    setModel(model);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setAllColumnsShowFocus(true);
    // DragDrop rather than InternalMove: palette kinds come from another widget.
    setDragEnabled(true);
    setAcceptDrops(true);
    setDropIndicatorShown(true);
    setDragDropMode(QAbstractItemView::DragDrop);
    setDefaultDropAction(Qt::MoveAction);
    setRootIsDecorated(false);
    setItemsExpandable(false);
    setWordWrap(true);
    setUniformRowHeights(false);
    setItemDelegate(new WrappingDelegate(this));

    header()->setStretchLastSection(false);
    header()->setSectionResizeMode(LayerTreeModel::LayerColumn, QHeaderView::Stretch);
    header()->setSectionResizeMode(LayerTreeModel::OutputColumn, QHeaderView::ResizeToContents);
    header()->setSectionResizeMode(LayerTreeModel::ParamsColumn, QHeaderView::ResizeToContents);

    // A wider Layer column changes how many lines each row wraps to.
    m_relayout = new QTimer(this);
    m_relayout->setSingleShot(true);
    connect(m_relayout, &QTimer::timeout, this, &QTreeView::doItemsLayout);
    connect(header(), &QHeaderView::sectionResized, m_relayout, qOverload<>(&QTimer::start));
    connect(model, &QAbstractItemModel::modelReset, this, &QTreeView::expandAll);
}

}  // namespace dlab::ui
