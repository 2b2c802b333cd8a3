#include "widgets/BuilderPanel.h"

#include "datasets/Toy2d.h"
#include "engine/Experiment.h"
#include "widgets/ExperimentDocument.h"
#include "widgets/LayerPalette.h"
#include "widgets/LayerPropertyEditor.h"
#include "widgets/LayerTreeModel.h"
#include "widgets/LayerTreeView.h"

#include <QAction>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMenu>
#include <QPushButton>
#include <QScrollArea>
#include <QShortcut>
#include <QSplitter>
#include <QStyle>
#include <QTimer>
#include <QToolButton>
#include <QUndoStack>
#include <QVBoxLayout>

#include <algorithm>

namespace dlab::ui {
namespace {

QString richTooltip(const QString& text) {
    return QStringLiteral("<p>%1</p>").arg(text.toHtmlEscaped());
}

bool isToy2d(const std::string& source) {
    const auto kinds = data::toy2dKinds();
    return std::find(kinds.begin(), kinds.end(), source) != kinds.end();
}

QToolButton* makeToolButton(const QString& text, const QString& tip, const QString& name,
                            QWidget* parent) {
    auto* button = new QToolButton(parent);
    button->setText(text);
    button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    button->setToolTip(richTooltip(tip));
    button->setObjectName(name);
    return button;
}

QPushButton* makeButton(const QString& text, const QString& tip, const QString& name,
                        QWidget* parent) {
    auto* button = new QPushButton(text, parent);
    button->setToolTip(richTooltip(tip));
    button->setObjectName(name);
    return button;
}

QToolButton* makeUndoButton(QAction* action, const QString& text, QStyle::StandardPixmap icon,
                            const QString& name, QWidget* parent) {
    // The action's own text grows to "Undo Add dense layer"; the button keeps a short
    // label and shows the long one as tooltip, so the row fits a narrow dock.
    auto* button = new QToolButton(parent);
    button->setObjectName(name);
    button->setText(text);
    button->setIcon(parent->style()->standardIcon(icon));
    button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    const auto sync = [button, action] {
        button->setEnabled(action->isEnabled());
        button->setToolTip(
            action->isEnabled()
                ? action->text()
                : QObject::tr("Nothing to %1 in this experiment").arg(button->text().toLower()));
    };
    QObject::connect(action, &QAction::changed, button, sync);
    QObject::connect(button, &QToolButton::clicked, action, &QAction::trigger);
    sync();
    return button;
}

}  // namespace

BuilderPanel::BuilderPanel(ExperimentDocument& document, QWidget* parent)
    : QWidget(parent), m_document(document) {
    // Top row: presets and the document's undo/redo.
    m_presetButton = new QToolButton(this);
    m_presetButton->setObjectName("presetButton");
    m_presetButton->setText(tr("Presets"));
    m_presetButton->setPopupMode(QToolButton::InstantPopup);
    m_presetButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_presetButton->setToolTip(richTooltip(
        tr("Replace the network with a classic one (linear classifier, MLP, CNN, LeNet-5, "
           "…). The data and training settings stay; Undo brings your network back.")));
    buildPresetMenu();
    m_undoButton = makeUndoButton(m_document.undoStack()->createUndoAction(this), tr("Undo"),
                                  QStyle::SP_ArrowBack, "undoButton", this);
    m_redoButton = makeUndoButton(m_document.undoStack()->createRedoAction(this), tr("Redo"),
                                  QStyle::SP_ArrowForward, "redoButton", this);
    auto* top = new QHBoxLayout;
    top->addWidget(m_presetButton);
    top->addStretch(1);
    top->addWidget(m_undoButton);
    top->addWidget(m_redoButton);

    // Palette.
    m_palette = new LayerPalette(this);
    m_palette->setObjectName("palette");
    m_addButton = makeButton(tr("Add after selected layer"),
                             tr("Insert the kind chosen above right after the selected layer "
                                "(at the end when no layer is selected). Double-clicking a "
                                "kind does the same."),
                             "addButton", this);
    auto* paletteBox = new QGroupBox(tr("Layer kinds"), this);
    auto* paletteLayout = new QVBoxLayout(paletteBox);
    paletteLayout->addWidget(m_palette, 1);
    paletteLayout->addWidget(m_addButton);

    // Layer list.
    m_model = new LayerTreeModel(this);
    m_tree = new LayerTreeView(m_model, this);
    m_tree->setObjectName("layerTree");
    m_tree->setToolTip(richTooltip(
        tr("The network, input at the top. Drag a row to reorder it; drop a layer onto a "
           "residual block to nest it. Red rows do not fit their input: hover for why.")));

    m_removeButton = makeToolButton(tr("Remove"), tr("Delete the selected layer (key: Delete)."),
                                    "removeButton", this);
    m_duplicateButton = makeToolButton(tr("Duplicate"),
                                       tr("Insert a copy of the selected layer, with the same "
                                          "settings, right after it."),
                                       "duplicateButton", this);
    m_upButton =
        makeToolButton(tr("Up"), tr("Move the selected layer up, one place toward the input."),
                       "moveUpButton", this);
    m_downButton =
        makeToolButton(tr("Down"), tr("Move the selected layer down, one place toward the output."),
                       "moveDownButton", this);
    auto* buttons = new QHBoxLayout;
    buttons->setSpacing(4);
    // Tool buttons: push buttons insist on a style minimum of 80 px each, which would
    // make the row wider than a narrow dock; these are as wide as their text, which also
    // keeps them readable when presentation mode enlarges the font.
    for (QToolButton* b : {m_removeButton, m_duplicateButton, m_upButton, m_downButton}) {
        b->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        buttons->addWidget(b, 1);
    }
    for (QToolButton* b : {m_upButton, m_downButton}) {
        b->setToolButtonStyle(Qt::ToolButtonIconOnly);
    }
    m_upButton->setIcon(style()->standardIcon(QStyle::SP_ArrowUp));
    m_downButton->setIcon(style()->standardIcon(QStyle::SP_ArrowDown));

    m_totalLabel = new QLabel(this);
    m_totalLabel->setObjectName("totalParams");
    m_totalLabel->setToolTip(richTooltip(
        tr("All learnable parameters (weights and biases) of the network: what the optimizer "
           "adjusts, and a rough measure of its capacity.")));
    QFont bold = m_totalLabel->font();
    bold.setBold(true);
    m_totalLabel->setFont(bold);
    m_inputLabel = new QLabel(this);
    m_inputLabel->setObjectName("inputShape");
    m_inputLabel->setWordWrap(true);
    m_inputLabel->setToolTip(richTooltip(
        tr("The shape one sample has when it enters the network; every output shape above "
           "is computed from it.")));
    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName("networkError");
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorLabel->setToolTip(richTooltip(
        tr("Why this network cannot train yet. Train stays disabled until it is fixed.")));
    QPalette red = m_errorLabel->palette();
    red.setColor(QPalette::WindowText, QColor(214, 39, 40));
    m_errorLabel->setPalette(red);

    auto* networkBox = new QGroupBox(tr("Network"), this);
    auto* networkLayout = new QVBoxLayout(networkBox);
    networkLayout->addWidget(m_tree, 1);
    networkLayout->addLayout(buttons);
    networkLayout->addWidget(m_totalLabel);
    networkLayout->addWidget(m_inputLabel);
    networkLayout->addWidget(m_errorLabel);

    // Property editor.
    m_editor = new LayerPropertyEditor(this);
    m_editor->setObjectName("propertyEditor");
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(m_editor);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto* editorBox = new QGroupBox(tr("Selected layer"), this);
    auto* editorLayout = new QVBoxLayout(editorBox);
    editorLayout->addWidget(scroll);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(paletteBox);
    splitter->addWidget(networkBox);
    splitter->addWidget(editorBox);
    // The list gets the most room (a CNN has a dozen rows), then the editor; the palette
    // scrolls.
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 4);
    splitter->setStretchFactor(2, 3);
    splitter->setSizes({180, 440, 280});

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);

    connect(m_palette, &LayerPalette::kindActivated, this, &BuilderPanel::addLayer);
    connect(m_palette, &LayerPalette::currentKindChanged, this, &BuilderPanel::updateButtons);
    connect(m_addButton, &QPushButton::clicked, this,
            [this] { addLayer(m_palette->currentKind()); });
    connect(m_removeButton, &QToolButton::clicked, this, &BuilderPanel::removeSelected);
    connect(m_duplicateButton, &QToolButton::clicked, this, &BuilderPanel::duplicateSelected);
    connect(m_upButton, &QToolButton::clicked, this, [this] { moveSelected(-1); });
    connect(m_downButton, &QToolButton::clicked, this, [this] { moveSelected(+1); });
    auto* del = new QShortcut(QKeySequence::Delete, m_tree, nullptr, nullptr, Qt::WidgetShortcut);
    connect(del, &QShortcut::activated, this, &BuilderPanel::removeSelected);
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        if (!m_refreshing) {
            m_selected = m_model->pathOf(m_tree->currentIndex());
            showSelected();
            updateButtons();
        }
    });
    // Drops arrive inside the view's drop handling; the edit resets the model, so it
    // waits until that handling has returned.
    connect(m_model, &LayerTreeModel::moveRequested, this,
            [this](const LayerPath& from, const LayerPath& toParent, int row) {
                QTimer::singleShot(
                    0, this, [this, from, toParent, row] { moveLayerTo(from, toParent, row); });
            });
    connect(m_model, &LayerTreeModel::insertRequested, this,
            [this](const QString& kind, const LayerPath& parent, int row) {
                QTimer::singleShot(0, this,
                                   [this, kind, parent, row] { insertLayerAt(kind, parent, row); });
            });
    connect(m_editor, &LayerPropertyEditor::settingEdited, this, &BuilderPanel::applySetting);
    connect(&m_document, &ExperimentDocument::networkChanged, this, &BuilderPanel::refresh);
    connect(&m_document, &ExperimentDocument::dataLoaded, this, &BuilderPanel::refresh);
    connect(&m_document, &ExperimentDocument::dataConfigChanged, this, &BuilderPanel::refresh);
    refresh();
}

void BuilderPanel::buildPresetMenu() {
    auto* menu = new QMenu(m_presetButton);
    menu->setToolTipsVisible(true);
    for (const std::string& name : presetNames()) {
        const QString qname = QString::fromStdString(name);
        QAction* action = menu->addAction(qname, this, [this, qname] { loadPreset(qname); });
        action->setObjectName("preset_" + qname);
        action->setToolTip(QString::fromStdString(presetHelp(name)));
    }
    m_presetButton->setMenu(menu);
}

bool BuilderPanel::usesLoadedData() const {
    return m_document.preparedData() != nullptr;
}

Shape BuilderPanel::inputShape() const {
    if (const auto data = m_document.preparedData()) {
        return data->split.train.sampleShape();
    }
    return isToy2d(m_document.dataConfig().source) ? Shape{2} : Shape{1, 28, 28};
}

int BuilderPanel::outputs() const {
    if (usesLoadedData()) {
        return m_document.dataOutputs();
    }
    const std::string& source = m_document.dataConfig().source;
    if (!isToy2d(source)) {
        return 10;
    }
    if (data::isToy2dRegression(source)) {
        return 1;
    }
    return source == "spiral" || source == "blobs" ? m_document.dataConfig().classes : 2;
}

LayerPath BuilderPanel::selectedPath() const {
    return m_selected;
}

void BuilderPanel::selectPath(const LayerPath& path) {
    const QModelIndex index = m_model->indexOf(path);
    if (index.isValid()) {
        m_tree->selectionModel()->setCurrentIndex(
            index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_tree->scrollTo(index);
    } else {
        m_tree->selectionModel()->clear();
        m_selected.clear();
        showSelected();
        updateButtons();
    }
}

LayerPath BuilderPanel::clampPath(LayerPath path) const {
    const LayerSpecs& specs = m_document.network();
    while (!path.empty()) {
        if (pathExists(specs, path)) {
            return path;
        }
        const LayerPath parent(path.begin(), path.end() - 1);
        if (parent.empty() || pathExists(specs, parent)) {
            const int size = static_cast<int>(childrenOf(specs, parent).size());
            if (size > 0) {
                path.back() = std::min(path.back(), size - 1);
                return path;
            }
        }
        path.pop_back();
    }
    return path;
}

void BuilderPanel::refresh() {
    m_check = checkNetwork(m_document.network(), inputShape(), outputs());
    const LayerPath keep = clampPath(m_selectAfterChange.value_or(m_selected));
    m_selectAfterChange.reset();
    m_refreshing = true;
    m_model->setNetwork(m_document.network(), m_check, outputs());
    m_refreshing = false;
    m_editorPath.clear();
    selectPath(keep);
    if (keep.empty()) {
        m_selected.clear();
    }
    updateLabels();
    showSelected();
    updateButtons();
}

void BuilderPanel::updateLabels() {
    const QLocale english(QLocale::English);
    if (m_check.error.empty() && !m_document.network().empty()) {
        m_totalLabel->setText(
            tr("Total: %1 parameters")
                .arg(english.toString(static_cast<qlonglong>(m_check.totalParameters))));
    } else {
        m_totalLabel->setText(tr("Total: unknown until every layer fits"));
    }
    const QString shape = QString::fromStdString(shapeText(inputShape()));
    if (usesLoadedData()) {
        m_inputLabel->setText(
            tr("Input per sample: %1 (the loaded data), %2 outputs").arg(shape).arg(outputs()));
    } else {
        m_inputLabel->setText(tr("No data loaded yet: shapes assume an input of %1 and %2 "
                                 "outputs.")
                                  .arg(shape)
                                  .arg(outputs()));
    }
    QString error;
    if (usesLoadedData()) {
        error = m_document.validate().value_or(QString());
    } else if (m_document.network().empty()) {
        error = tr("The network has no layers: add some from the palette.");
    } else {
        error = QString::fromStdString(m_check.error);
    }
    m_errorLabel->setText(error);
    m_errorLabel->setVisible(!error.isEmpty());
}

void BuilderPanel::updateButtons() {
    const bool selected = !m_selected.empty() && pathExists(m_document.network(), m_selected);
    int siblings = 0;
    if (selected) {
        siblings = static_cast<int>(
            childrenOf(m_document.network(), LayerPath(m_selected.begin(), m_selected.end() - 1))
                .size());
    }
    m_addButton->setEnabled(!m_palette->currentKind().isEmpty());
    m_removeButton->setEnabled(selected);
    m_duplicateButton->setEnabled(selected);
    m_upButton->setEnabled(selected && m_selected.back() > 0);
    m_downButton->setEnabled(selected && m_selected.back() + 1 < siblings);
}

void BuilderPanel::showSelected() {
    if (m_selected.empty() || !pathExists(m_document.network(), m_selected)) {
        m_editorPath.clear();
        m_editor->showHint(m_document.network().empty()
                               ? tr("Add a layer from the palette to start a network.")
                               : tr("Select a layer in the list to edit its settings."));
        return;
    }
    m_editorPath = m_selected;
    m_editor->showLayer(layerAt(m_document.network(), m_selected), layerTitle(m_selected),
                        outputs());
}

void BuilderPanel::applyEdit(const LayerSpecs& specs, const QString& what,
                             const LayerPath& select) {
    m_selectAfterChange = select;
    m_document.setNetwork(specs, what);
}

QString BuilderPanel::layerTitle(const LayerPath& path) const {
    QString title;
    const LayerSpecs& specs = m_document.network();
    for (size_t depth = 1; depth <= path.size(); ++depth) {
        const LayerPath prefix(path.begin(), path.begin() + static_cast<long>(depth));
        title += QStringLiteral("%1layer %2 (%3)")
                     .arg(depth == 1 ? QString() : QStringLiteral(" / "))
                     .arg(prefix.back() + 1)
                     .arg(QString::fromStdString(layerAt(specs, prefix).kind));
    }
    return title;
}

const LayerCheck* BuilderPanel::checkAt(const LayerPath& path) const {
    const std::vector<LayerCheck>* list = &m_check.layers;
    const LayerCheck* check = nullptr;
    for (int row : path) {
        if (row < 0 || row >= static_cast<int>(list->size())) {
            return nullptr;
        }
        check = &(*list)[static_cast<size_t>(row)];
        list = &check->body;
    }
    return check;
}

std::optional<Shape> BuilderPanel::inputShapeAt(const LayerPath& parent, int row) const {
    if (row > 0) {
        LayerPath before = parent;
        before.push_back(row - 1);
        const LayerCheck* check = checkAt(before);
        return check ? check->output : std::nullopt;
    }
    if (parent.empty()) {
        return inputShape();
    }
    return inputShapeAt(LayerPath(parent.begin(), parent.end() - 1), parent.back());
}

void BuilderPanel::addLayer(const QString& kind) {
    if (kind.isEmpty()) {
        return;
    }
    if (m_selected.empty() || !pathExists(m_document.network(), m_selected)) {
        insertLayerAt(kind, {}, -1);
        return;
    }
    insertLayerAt(kind, LayerPath(m_selected.begin(), m_selected.end() - 1), m_selected.back() + 1);
}

void BuilderPanel::insertLayerAt(const QString& kind, const LayerPath& parent, int row) {
    const LayerInfo* info = LayerRegistry::instance().find(kind.toStdString());
    LayerSpecs specs = m_document.network();
    if (!info || (!parent.empty() && !pathExists(specs, parent))) {
        return;
    }
    const int at = row < 0 ? static_cast<int>(childrenOf(specs, parent).size()) : row;
    const LayerPath path =
        insertLayer(specs, parent, at, starterLayer(*info, inputShapeAt(parent, at)));
    applyEdit(specs, tr("Add %1 layer").arg(kind), path);
}

void BuilderPanel::removeSelected() {
    LayerSpecs specs = m_document.network();
    if (m_selected.empty() || !pathExists(specs, m_selected)) {
        return;
    }
    const LayerSpec removed = takeLayer(specs, m_selected);
    applyEdit(specs, tr("Remove %1 layer").arg(QString::fromStdString(removed.kind)), m_selected);
}

void BuilderPanel::duplicateSelected() {
    LayerSpecs specs = m_document.network();
    if (m_selected.empty() || !pathExists(specs, m_selected)) {
        return;
    }
    const QString kind = QString::fromStdString(layerAt(specs, m_selected).kind);
    const LayerPath copy = duplicateLayer(specs, m_selected);
    applyEdit(specs, tr("Duplicate %1 layer").arg(kind), copy);
}

void BuilderPanel::moveSelected(int delta) {
    if (m_selected.empty() || !pathExists(m_document.network(), m_selected)) {
        return;
    }
    LayerSpecs specs = m_document.network();
    const LayerPath parent(m_selected.begin(), m_selected.end() - 1);
    const int row = m_selected.back();
    const int size = static_cast<int>(childrenOf(specs, parent).size());
    const int target = row + delta;
    if (target < 0 || target >= size) {
        return;
    }
    // moveLayer counts the target row before the move: below the next row is row + 2.
    const auto moved = moveLayer(specs, m_selected, parent, delta < 0 ? target : target + 1);
    if (moved) {
        const QString kind = QString::fromStdString(layerAt(specs, *moved).kind);
        applyEdit(specs,
                  delta < 0 ? tr("Move %1 layer up").arg(kind) : tr("Move %1 layer down").arg(kind),
                  *moved);
    }
}

void BuilderPanel::moveLayerTo(const LayerPath& from, const LayerPath& toParent, int row) {
    LayerSpecs specs = m_document.network();
    if (!pathExists(specs, from) || (!toParent.empty() && !pathExists(specs, toParent))) {
        return;
    }
    const auto moved = moveLayer(specs, from, toParent, row);
    if (moved) {
        const QString kind = QString::fromStdString(layerAt(specs, *moved).kind);
        applyEdit(specs, tr("Move %1 layer").arg(kind), *moved);
    }
}

void BuilderPanel::applySetting(const QString& name, const QString& value) {
    LayerSpecs specs = m_document.network();
    if (m_editorPath.empty() || !pathExists(specs, m_editorPath)) {
        return;
    }
    LayerSpec& spec = layerAt(specs, m_editorPath);
    const std::string key = name.toStdString();
    const auto it = spec.attrs.find(key);
    const bool wasSet = it != spec.attrs.end();
    if ((value.isEmpty() && !wasSet) || (wasSet && it->second == value.toStdString())) {
        return;
    }
    QString what;
    if (value.isEmpty()) {
        spec.attrs.erase(key);
        what = tr("Reset %1 of %2 to its default").arg(name, QString::fromStdString(spec.kind));
    } else {
        spec.attrs[key] = value.toStdString();
        what = tr("Set %1 of %2 to %3").arg(name, QString::fromStdString(spec.kind), value);
    }
    applyEdit(specs, what, m_editorPath);
}

void BuilderPanel::loadPreset(const QString& name) {
    const Experiment preset = presetExperiment(name.toStdString());
    applyEdit(preset.network, tr("Load the %1 network").arg(name), LayerPath{0});
}

}  // namespace dlab::ui
