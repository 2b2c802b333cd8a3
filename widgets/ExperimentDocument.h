#pragma once
// ExperimentDocument: the experiment being edited in the window, shared by every panel.
//
// It holds the engine's Experiment (network specs, training settings), the data section
// (data::DataConfig), the loaded data, the file it came from and whether it changed.
// Every edit goes through a set* call that pushes an undoable command, so undo/redo
// covers the builder and the settings alike. Panels listen to the *Changed signals and
// never keep their own copy of the truth.
//
// GUI thread only. The loaded data is an immutable shared_ptr, so the training worker
// can hold it while the window loads another data set.

#include "datasets/DataConfig.h"
#include "datasets/Prepare.h"
#include "engine/Experiment.h"

#include <QObject>
#include <QString>
#include <QUndoStack>

#include <memory>
#include <optional>

namespace dlab::ui {

class ExperimentDocument : public QObject {
    Q_OBJECT
public:
    explicit ExperimentDocument(QObject* parent = nullptr);

    const Experiment& experiment() const { return m_experiment; }
    const data::DataConfig& dataConfig() const { return m_dataConfig; }
    const std::vector<LayerSpec>& network() const { return m_experiment.network; }
    const TrainConfig& training() const { return m_experiment.training; }
    // The experiment with the current data section written into it (for saving).
    Experiment snapshot() const;

    // Undoable edits; `what` names the edit in the Edit menu ("Add dense layer").
    void setNetwork(const std::vector<LayerSpec>& network, const QString& what);
    void setTraining(const TrainConfig& training, const QString& what);
    void setDataConfig(const data::DataConfig& config, const QString& what);
    void setName(const QString& name);
    // "cpu" or "cuda"; undoable like the other settings.
    void setDevice(const QString& device, const QString& what);
    QUndoStack* undoStack() { return &m_undo; }

    // Replaces everything (New, Open, a preset); clears undo history.
    void reset(const Experiment& experiment);
    // Throws ExperimentError (with the path) when the file is bad; the document is then
    // unchanged.
    void load(const QString& path);
    void save(const QString& path);
    QString filePath() const { return m_filePath; }
    bool isModified() const { return !m_undo.isClean() || m_dirtyWithoutUndo; }

    // Data loaded for the current data section (null until loaded).
    std::shared_ptr<const data::PreparedData> preparedData() const { return m_prepared; }
    void setPreparedData(std::shared_ptr<const data::PreparedData> prepared);
    // Number of network outputs the data needs (classes or regression targets), 0 when no
    // data is loaded.
    int dataOutputs() const;

    // Why the network cannot train on the loaded data ("layer 3 (dense): expected ..."),
    // or nothing when it can. Also checks that data is loaded.
    std::optional<QString> validate() const;

signals:
    void networkChanged();
    void trainingChanged();
    void dataConfigChanged();
    void dataLoaded();
    void nameChanged();
    void modifiedChanged(bool modified);
    void fileChanged(const QString& path);

private:
    friend class DocumentCommand;
    void applyNetwork(const std::vector<LayerSpec>& network);
    void applyTraining(const TrainConfig& training);
    void applyDataConfig(const data::DataConfig& config);
    void applyDevice(const std::string& device);

    Experiment m_experiment;
    data::DataConfig m_dataConfig;
    std::shared_ptr<const data::PreparedData> m_prepared;
    QUndoStack m_undo;
    QString m_filePath;
    bool m_dirtyWithoutUndo = false;
};

}  // namespace dlab::ui
