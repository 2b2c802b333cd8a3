#include "widgets/ExperimentDocument.h"

#include "engine/Network.h"

#include <QUndoCommand>

#include <functional>

namespace dlab::ui {

// One undoable edit: a before and an after value of one part of the document.
class DocumentCommand : public QUndoCommand {
public:
    DocumentCommand(const QString& text, std::function<void()> undo, std::function<void()> redo)
        : QUndoCommand(text), m_undo(std::move(undo)), m_redo(std::move(redo)) {}
    void undo() override { m_undo(); }
    void redo() override { m_redo(); }

private:
    std::function<void()> m_undo;
    std::function<void()> m_redo;
};

ExperimentDocument::ExperimentDocument(QObject* parent) : QObject(parent) {
    connect(&m_undo, &QUndoStack::cleanChanged, this,
            [this](bool) { emit modifiedChanged(isModified()); });
    reset(presetExperiment("spiral"));
}

Experiment ExperimentDocument::snapshot() const {
    Experiment ex = m_experiment;
    ex.data = data::dataConfigToJson(m_dataConfig);
    return ex;
}

void ExperimentDocument::applyNetwork(const std::vector<LayerSpec>& network) {
    m_experiment.network = network;
    emit networkChanged();
}

void ExperimentDocument::applyTraining(const TrainConfig& training) {
    m_experiment.training = training;
    emit trainingChanged();
}

void ExperimentDocument::applyDataConfig(const data::DataConfig& config) {
    m_dataConfig = config;
    emit dataConfigChanged();
}

void ExperimentDocument::setNetwork(const std::vector<LayerSpec>& network, const QString& what) {
    const auto before = m_experiment.network;
    m_undo.push(new DocumentCommand(
        what, [this, before] { applyNetwork(before); }, [this, network] { applyNetwork(network); }));
}

void ExperimentDocument::setTraining(const TrainConfig& training, const QString& what) {
    const auto before = m_experiment.training;
    m_undo.push(new DocumentCommand(
        what, [this, before] { applyTraining(before); },
        [this, training] { applyTraining(training); }));
}

void ExperimentDocument::setDataConfig(const data::DataConfig& config, const QString& what) {
    const auto before = m_dataConfig;
    m_undo.push(new DocumentCommand(
        what, [this, before] { applyDataConfig(before); },
        [this, config] { applyDataConfig(config); }));
}

void ExperimentDocument::applyDevice(const std::string& device) {
    m_experiment.device = device;
    emit trainingChanged();
}

void ExperimentDocument::setDevice(const QString& device, const QString& what) {
    const std::string before = m_experiment.device;
    const std::string after = device.toStdString();
    if (before == after) {
        return;
    }
    m_undo.push(new DocumentCommand(
        what, [this, before] { applyDevice(before); }, [this, after] { applyDevice(after); }));
}

void ExperimentDocument::setName(const QString& name) {
    if (name.toStdString() == m_experiment.name) {
        return;
    }
    m_experiment.name = name.toStdString();
    m_dirtyWithoutUndo = true;
    emit nameChanged();
    emit modifiedChanged(true);
}

void ExperimentDocument::reset(const Experiment& experiment) {
    const data::DataConfig config = data::parseDataConfig(experiment.data);
    m_experiment = experiment;
    m_dataConfig = config;
    m_undo.clear();
    m_undo.setClean();
    m_dirtyWithoutUndo = false;
    m_filePath.clear();
    emit nameChanged();
    emit networkChanged();
    emit trainingChanged();
    emit dataConfigChanged();
    emit fileChanged(m_filePath);
    emit modifiedChanged(false);
}

void ExperimentDocument::load(const QString& path) {
    const Experiment ex = loadExperiment(path.toStdString());
    try {
        data::parseDataConfig(ex.data);
    } catch (const ExperimentError& e) {
        throw ExperimentError(path.toStdString() + ": " + e.what());
    }
    reset(ex);
    m_filePath = path;
    emit fileChanged(m_filePath);
}

void ExperimentDocument::save(const QString& path) {
    saveExperiment(snapshot(), path.toStdString());
    m_filePath = path;
    m_undo.setClean();
    m_dirtyWithoutUndo = false;
    emit fileChanged(m_filePath);
    emit modifiedChanged(false);
}

void ExperimentDocument::setPreparedData(std::shared_ptr<const data::PreparedData> prepared) {
    m_prepared = std::move(prepared);
    emit dataLoaded();
}

int ExperimentDocument::dataOutputs() const {
    if (!m_prepared) {
        return 0;
    }
    const data::Dataset& train = m_prepared->split.train;
    return train.numClasses > 0 ? train.numClasses : train.targetSize;
}

std::optional<QString> ExperimentDocument::validate() const {
    if (!m_prepared) {
        return QStringLiteral("No data loaded yet: choose a data set in the Data panel.");
    }
    if (m_experiment.network.empty()) {
        return QStringLiteral("The network has no layers: add some from the palette.");
    }
    try {
        const Network net(resolveNetwork(m_experiment.network, dataOutputs()),
                          m_prepared->split.train.sampleShape(), 0);
        if (net.outputShape().numel() != dataOutputs()) {
            return QStringLiteral("The last layer outputs %1 values per sample but the data has "
                                  "%2 %3; set its units to \"classes\".")
                .arg(QString::fromStdString(net.outputShape().str()))
                .arg(dataOutputs())
                .arg(m_prepared->split.train.numClasses > 0 ? "classes" : "targets");
        }
    } catch (const std::exception& e) {
        return QString::fromStdString(e.what());
    }
    return std::nullopt;
}

}  // namespace dlab::ui
