#include "widgets/LayerTreeModel.h"

#include <QApplication>
#include <QBrush>
#include <QColor>
#include <QLocale>
#include <QMimeData>
#include <QStyle>

#include <algorithm>

namespace dlab::ui {
namespace {

QString richTooltip(const QString& text) {
    // Rich text makes Qt wrap long tooltips instead of drawing one screen-wide line.
    return QStringLiteral("<p>%1</p>").arg(text.toHtmlEscaped());
}

QString countText(int64_t n) {
    return QLocale(QLocale::English).toString(static_cast<qlonglong>(n));
}

}  // namespace

const QString LayerTreeModel::kPathMime = QStringLiteral("application/x-dlab-layer-path");
const QString LayerTreeModel::kKindMime = QStringLiteral("application/x-dlab-layer-kind");

LayerTreeModel::LayerTreeModel(QObject* parent) : QAbstractItemModel(parent) {}

void LayerTreeModel::setNetwork(const LayerSpecs& specs, const NetworkCheck& check, int outputs) {
    beginResetModel();
    m_nodes.clear();
    m_roots.clear();
    m_outputs = outputs;
    addNodes(specs, check.layers, -1, {}, m_roots);
    endResetModel();
}

void LayerTreeModel::addNodes(const LayerSpecs& specs, const std::vector<LayerCheck>& checks,
                              int parent, const LayerPath& parentPath, std::vector<int>& into) {
    for (size_t i = 0; i < specs.size(); ++i) {
        Node node;
        node.path = parentPath;
        node.path.push_back(static_cast<int>(i));
        node.parent = parent;
        node.spec = specs[i];
        node.spec.body.clear();
        if (i < checks.size()) {
            node.check = checks[i];
            node.check.body.clear();
        }
        const int id = static_cast<int>(m_nodes.size());
        m_nodes.push_back(std::move(node));
        into.push_back(id);
        std::vector<int> children;
        const std::vector<LayerCheck> noChecks;
        addNodes(specs[i].body, i < checks.size() ? checks[i].body : noChecks, id,
                 m_nodes[static_cast<size_t>(id)].path, children);
        m_nodes[static_cast<size_t>(id)].children = std::move(children);
    }
}

const LayerTreeModel::Node* LayerTreeModel::nodeOf(const QModelIndex& index) const {
    if (!index.isValid() || index.model() != this ||
        index.internalId() >= static_cast<quintptr>(m_nodes.size())) {
        return nullptr;
    }
    return &m_nodes[index.internalId()];
}

LayerPath LayerTreeModel::pathOf(const QModelIndex& index) const {
    const Node* node = nodeOf(index);
    return node ? node->path : LayerPath{};
}

QModelIndex LayerTreeModel::indexOf(const LayerPath& path, int column) const {
    QModelIndex index;
    for (int row : path) {
        if (row < 0 || row >= rowCount(index)) {
            return {};
        }
        index = this->index(row, 0, index);
    }
    return index.isValid() ? index.siblingAtColumn(column) : index;
}

QModelIndex LayerTreeModel::index(int row, int column, const QModelIndex& parent) const {
    const std::vector<int>* list = &m_roots;
    if (parent.isValid()) {
        const Node* node = nodeOf(parent);
        if (!node) {
            return {};
        }
        list = &node->children;
    }
    if (row < 0 || row >= static_cast<int>(list->size()) || column < 0 || column >= ColumnCount) {
        return {};
    }
    return createIndex(row, column, static_cast<quintptr>((*list)[static_cast<size_t>(row)]));
}

QModelIndex LayerTreeModel::parent(const QModelIndex& child) const {
    const Node* node = nodeOf(child);
    if (!node || node->parent < 0) {
        return {};
    }
    const Node& parent = m_nodes[static_cast<size_t>(node->parent)];
    return createIndex(parent.path.back(), 0, static_cast<quintptr>(node->parent));
}

int LayerTreeModel::rowCount(const QModelIndex& parent) const {
    if (!parent.isValid()) {
        return static_cast<int>(m_roots.size());
    }
    const Node* node = nodeOf(parent);
    return node && parent.column() == 0 ? static_cast<int>(node->children.size()) : 0;
}

int LayerTreeModel::columnCount(const QModelIndex&) const {
    return ColumnCount;
}

QString LayerTreeModel::layerText(const Node& node, bool full) const {
    // Required settings read best bare ("dense 64"), the rest as "name=value"; settings
    // left at their default are not in attrs and so not shown. The row leaves out the
    // initializer's settings to fit a narrow dock; the tooltip has them.
    QStringList parts;
    const LayerInfo* info = LayerRegistry::instance().find(node.spec.kind);
    const auto valueText = [this](const std::string& value) {
        return value == "classes" ? QStringLiteral("classes (%1)").arg(m_outputs)
                                  : QString::fromStdString(value);
    };
    if (info) {
        for (const SettingInfo& s : info->settings) {
            const auto it = node.spec.attrs.find(s.name);
            if (it != node.spec.attrs.end() && s.defaultValue.empty()) {
                parts << valueText(it->second);
            }
        }
        for (const SettingInfo& s : info->settings) {
            const auto it = node.spec.attrs.find(s.name);
            const bool initSetting = s.name.rfind("init", 0) == 0;
            if (it != node.spec.attrs.end() && !s.defaultValue.empty() && (full || !initSetting)) {
                parts << QString::fromStdString(s.name) + "=" + valueText(it->second);
            }
        }
    }
    const QString kind = QString::fromStdString(node.spec.kind);
    return parts.isEmpty() ? kind : kind + " " + parts.join(QStringLiteral(", "));
}

QVariant LayerTreeModel::data(const QModelIndex& index, int role) const {
    const Node* node = nodeOf(index);
    if (!node) {
        return {};
    }
    const bool failed = !node->check.error.empty();
    const bool known = node->check.output.has_value();
    switch (role) {
        case Qt::DisplayRole:
            switch (index.column()) {
                case LayerColumn:
                    return layerText(*node, false);
                case OutputColumn:
                    return known ? QString::fromStdString(shapeText(*node->check.output))
                                 : QStringLiteral("?");
                case ParamsColumn:
                    return known ? countText(node->check.parameters) : QStringLiteral("–");
            }
            return {};
        case Qt::ToolTipRole: {
            if (failed) {
                return richTooltip(QString::fromStdString(node->check.error));
            }
            if (!known) {
                return richTooltip(tr("Unknown until the layer above it is fixed."));
            }
            if (index.column() == OutputColumn) {
                return richTooltip(
                    tr("Output of this layer for one sample (channels×height×width "
                       "for images, features for vectors)."));
            }
            if (index.column() == ParamsColumn) {
                return richTooltip(tr("%1 learnable parameters (weights and biases) in this layer.")
                                       .arg(countText(node->check.parameters)));
            }
            const LayerInfo* info = LayerRegistry::instance().find(node->spec.kind);
            return QStringLiteral("<p><b>%1</b></p>%2")
                .arg(layerText(*node, true).toHtmlEscaped(),
                     info ? richTooltip(QString::fromStdString(info->help)) : QString());
        }
        case Qt::BackgroundRole:
            // Translucent so the text stays readable on the light and the dark palette.
            return failed ? QBrush(QColor(220, 40, 40, 80)) : QVariant();
        case Qt::ForegroundRole:
            return !failed && !known ? QBrush(QColor(Qt::gray)) : QVariant();
        case Qt::DecorationRole:
            if (failed && index.column() == LayerColumn) {
                return QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning);
            }
            return {};
        case Qt::TextAlignmentRole:
            if (index.column() != LayerColumn) {
                return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
            }
            return {};
        default:
            return {};
    }
}

QVariant LayerTreeModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal) {
        return {};
    }
    if (role == Qt::DisplayRole) {
        switch (section) {
            case LayerColumn:
                return tr("Layer");
            case OutputColumn:
                return tr("Output");
            case ParamsColumn:
                return tr("Params");
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
            case LayerColumn:
                return tr("The layer kind and the settings changed from their defaults.");
            case OutputColumn:
                return tr("Output shape per sample (without the batch dimension).");
            case ParamsColumn:
                return tr("Learnable parameters: weights and biases.");
        }
    }
    return {};
}

Qt::ItemFlags LayerTreeModel::flags(const QModelIndex& index) const {
    const Node* node = nodeOf(index);
    if (!node) {
        return Qt::ItemIsDropEnabled;
    }
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled;
    const LayerInfo* info = LayerRegistry::instance().find(node->spec.kind);
    if (info && info->hasBody) {
        f |= Qt::ItemIsDropEnabled;
    }
    return f;
}

QStringList LayerTreeModel::mimeTypes() const {
    return {kPathMime, kKindMime};
}

QMimeData* LayerTreeModel::mimeData(const QModelIndexList& indexes) const {
    if (indexes.isEmpty() || !nodeOf(indexes.front())) {
        return nullptr;
    }
    QStringList parts;
    for (int row : pathOf(indexes.front())) {
        parts << QString::number(row);
    }
    auto* data = new QMimeData;
    data->setData(kPathMime, parts.join(',').toUtf8());
    return data;
}

Qt::DropActions LayerTreeModel::supportedDropActions() const {
    return Qt::MoveAction | Qt::CopyAction;
}

Qt::DropActions LayerTreeModel::supportedDragActions() const {
    return Qt::MoveAction;
}

std::optional<LayerPath> LayerTreeModel::decodePath(const QMimeData* data) {
    if (!data || !data->hasFormat(kPathMime)) {
        return std::nullopt;
    }
    LayerPath path;
    for (const QByteArray& part : data->data(kPathMime).split(',')) {
        bool ok = false;
        path.push_back(part.toInt(&ok));
        if (!ok) {
            return std::nullopt;
        }
    }
    return path;
}

bool LayerTreeModel::canDropMimeData(const QMimeData* data, Qt::DropAction action, int row,
                                     int column, const QModelIndex& parent) const {
    if (!data) {
        return false;
    }
    if (data->hasFormat(kKindMime)) {
        return true;
    }
    const auto from = decodePath(data);
    if (!from) {
        return false;
    }
    // A block cannot go into its own body.
    const LayerPath target = pathOf(parent);
    return !(target.size() >= from->size() &&
             std::equal(from->begin(), from->end(), target.begin()));
}

bool LayerTreeModel::dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                                  const QModelIndex& parent) {
    if (!canDropMimeData(data, action, row, column, parent)) {
        return false;
    }
    const LayerPath target = pathOf(parent);
    if (data->hasFormat(kKindMime)) {
        emit insertRequested(QString::fromUtf8(data->data(kKindMime)), target, row);
        return true;
    }
    emit moveRequested(*decodePath(data), target, row);
    return true;
}

}  // namespace dlab::ui
