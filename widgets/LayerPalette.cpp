#include "widgets/LayerPalette.h"

#include "engine/Registry.h"
#include "widgets/LayerTreeModel.h"

#include <QMimeData>

#include <map>

namespace dlab::ui {
namespace {

struct Category {
    const char* name;
    const char* title;
    const char* help;
};

// In the order the course introduces them; a category the list does not know goes last
// under its own name.
const Category kCategories[] = {
    {"core", "Core", "Dense (fully connected) layers, flatten and dropout."},
    {"convolution", "Convolution and pooling",
     "Layers for images (C, H, W): convolutions share their weights across positions, "
     "pooling makes the maps smaller."},
    {"normalization", "Normalization",
     "Layers that rescale activations to zero mean and unit variance, which keeps deep "
     "networks trainable."},
    {"activation", "Activation",
     "Nonlinearities applied element by element; without them stacked layers stay linear."},
    {"block", "Blocks",
     "Layers that contain other layers (drop layers onto a block to nest them)."},
};

QString richTooltip(const std::string& text) {
    return QStringLiteral("<p>%1</p>").arg(QString::fromStdString(text).toHtmlEscaped());
}

}  // namespace

LayerPalette::LayerPalette(QWidget* parent) : QTreeWidget(parent) {
    setHeaderHidden(true);
    setColumnCount(1);
    setRootIsDecorated(true);
    setUniformRowHeights(true);
    setDragEnabled(true);
    setDragDropMode(QAbstractItemView::DragOnly);
    setDefaultDropAction(Qt::CopyAction);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setToolTip(
        tr("Layer kinds. Double-click one (or select it and press Add) to insert it "
           "after the selected layer, or drag it into the network."));

    std::map<std::string, QTreeWidgetItem*> groups;
    const auto groupFor = [this, &groups](const std::string& name) {
        auto it = groups.find(name);
        if (it != groups.end()) {
            return it->second;
        }
        auto* item = new QTreeWidgetItem(this, {QString::fromStdString(name)});
        for (const Category& c : kCategories) {
            if (name == c.name) {
                item->setText(0, tr(c.title));
                item->setToolTip(0, richTooltip(c.help));
            }
        }
        QFont bold = item->font(0);
        bold.setBold(true);
        item->setFont(0, bold);
        item->setFlags(Qt::ItemIsEnabled);
        groups[name] = item;
        return item;
    };
    for (const Category& c : kCategories) {
        groupFor(c.name);
    }
    for (const LayerInfo* info : LayerRegistry::instance().all()) {
        auto* item =
            new QTreeWidgetItem(groupFor(info->category), {QString::fromStdString(info->kind)});
        item->setData(0, Qt::UserRole, QString::fromStdString(info->kind));
        item->setToolTip(0, richTooltip(info->help));
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled);
    }
    for (auto& [name, item] : groups) {
        if (item->childCount() == 0) {
            delete item;
        }
    }
    expandAll();

    connect(this, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
        const QString kind = item ? item->data(0, Qt::UserRole).toString() : QString();
        if (!kind.isEmpty()) {
            emit kindActivated(kind);
        }
    });
    connect(this, &QTreeWidget::itemSelectionChanged, this,
            [this] { emit currentKindChanged(currentKind()); });
}

QString LayerPalette::currentKind() const {
    const QList<QTreeWidgetItem*> items = selectedItems();
    return items.isEmpty() ? QString() : items.front()->data(0, Qt::UserRole).toString();
}

QTreeWidgetItem* LayerPalette::itemForKind(const QString& kind) const {
    for (int g = 0; g < topLevelItemCount(); ++g) {
        QTreeWidgetItem* group = topLevelItem(g);
        for (int i = 0; i < group->childCount(); ++i) {
            if (group->child(i)->data(0, Qt::UserRole).toString() == kind) {
                return group->child(i);
            }
        }
    }
    return nullptr;
}

Qt::DropActions LayerPalette::supportedDropActions() const {
    return Qt::CopyAction;
}

QStringList LayerPalette::mimeTypes() const {
    return {LayerTreeModel::kKindMime};
}

QMimeData* LayerPalette::mimeData(const QList<QTreeWidgetItem*>& items) const {
    if (items.isEmpty() || items.front()->data(0, Qt::UserRole).toString().isEmpty()) {
        return nullptr;
    }
    auto* data = new QMimeData;
    data->setData(LayerTreeModel::kKindMime, items.front()->data(0, Qt::UserRole).toByteArray());
    return data;
}

}  // namespace dlab::ui
