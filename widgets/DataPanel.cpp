#include "widgets/DataPanel.h"

#include "widgets/AugmentBox.h"
#include "widgets/DataPrepBox.h"
#include "widgets/DataSourceBox.h"
#include "widgets/ExperimentDocument.h"
#include "widgets/SampleGridView.h"
#include "widgets/ScatterView.h"

#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QToolButton>
#include <QVBoxLayout>

#include <chrono>

namespace dlab::ui {
namespace {

// Progress reaches the GUI thread at most this often; a loader may report every image.
constexpr std::chrono::milliseconds kProgressInterval{40};
// Above this the list of unreadable files stops; the count is still given.
constexpr int kMaxSkippedListed = 500;

QColor errorColour() {
    return QColor(0xD32F2F);
}

QColor warningColour() {
    return QColor(0xB26A00);
}

void setTextColour(QWidget* widget, const QColor& colour) {
    QPalette p = widget->palette();
    p.setColor(QPalette::WindowText, colour);
    widget->setPalette(p);
}

}  // namespace

DataPanel::DataPanel(ExperimentDocument& document, QWidget* parent)
    : QWidget(parent), m_document(document) {
    buildUi();
    syncControls(m_document.dataConfig());
    connect(&m_document, &ExperimentDocument::dataConfigChanged, this,
            &DataPanel::onDocumentConfigChanged);
}

DataPanel::~DataPanel() {
    m_worker.cancel();
}

void DataPanel::buildUi() {
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setFrameShape(QFrame::NoFrame);
    outer->addWidget(scroll);
    auto* content = new QWidget(scroll);
    scroll->setWidget(content);
    auto* layout = new QVBoxLayout(content);

    m_source = new DataSourceBox(content);
    layout->addWidget(m_source);
    connect(m_source, &DataSourceBox::builtinChosen, this, [this](const QString& source) {
        LoadRequest r{m_document.dataConfig(), {}};
        if (m_pending) {
            r.config = m_pending->request.config;
        }
        r.config.source = source.toStdString();
        r.config.path.clear();
        r.config.labels.clear();
        r.config.testPath.clear();
        r.config.testLabels.clear();
        r.config.fitted.reset();
        m_source->applyOptions(r.config);
        request(std::move(r), tr("Load %1").arg(source));
    });
    connect(m_source, &DataSourceBox::optionsEdited, this, [this] {
        LoadRequest r = editRequest();
        m_source->applyOptions(r.config);
        r.config.fitted.reset();
        request(std::move(r), tr("Change the generated data"));
    });
    connect(m_source, &DataSourceBox::pathsChosen, this, &DataPanel::loadPaths);

    m_progressRow = new QWidget(content);
    auto* progressLayout = new QVBoxLayout(m_progressRow);
    progressLayout->setContentsMargins(0, 0, 0, 0);
    m_progressLabel = new QLabel(m_progressRow);
    m_progressLabel->setObjectName("progressLabel");
    m_progressLabel->setMinimumWidth(40);
    m_progressLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    progressLayout->addWidget(m_progressLabel);
    auto* barRow = new QHBoxLayout;
    m_progress = new QProgressBar(m_progressRow);
    m_progress->setObjectName("loadProgress");
    m_progress->setToolTip(tr("Loading runs in the background; you can keep working."));
    m_cancel = new QPushButton(tr("Cancel"), m_progressRow);
    m_cancel->setObjectName("cancelButton");
    m_cancel->setToolTip(tr("Stop loading; the data loaded before stays in use."));
    connect(m_cancel, &QPushButton::clicked, this, &DataPanel::cancelLoad);
    barRow->addWidget(m_progress, 1);
    barRow->addWidget(m_cancel);
    progressLayout->addLayout(barRow);
    layout->addWidget(m_progressRow);
    m_progressRow->setVisible(false);

    m_error = new QLabel(content);
    m_error->setObjectName("errorLabel");
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setToolTip(tr("Why the last load failed. The data loaded before is still in use."));
    setTextColour(m_error, errorColour());
    m_error->setVisible(false);
    layout->addWidget(m_error);

    m_warnings = new QLabel(content);
    m_warnings->setObjectName("warningLabel");
    m_warnings->setWordWrap(true);
    m_warnings->setTextFormat(Qt::RichText);
    m_warnings->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_warnings->setToolTip(tr("What the loader noticed and worked around (resized images, "
                              "ignored files, …). The data loaded anyway."));
    setTextColour(m_warnings, warningColour());
    m_warnings->setVisible(false);
    layout->addWidget(m_warnings);
    m_skippedToggle = new QToolButton(content);
    m_skippedToggle->setObjectName("skippedToggle");
    m_skippedToggle->setCheckable(true);
    m_skippedToggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_skippedToggle->setArrowType(Qt::RightArrow);
    m_skippedToggle->setAutoRaise(true);
    m_skippedToggle->setToolTip(tr("Show or hide the files that could not be read; they were "
                                   "left out of the data set."));
    m_skippedToggle->setVisible(false);
    layout->addWidget(m_skippedToggle);
    m_skipped = new QListWidget(content);
    m_skipped->setObjectName("skippedList");
    m_skipped->setMaximumHeight(140);
    m_skipped->setToolTip(tr("Files that could not be read (not an image, damaged, …)."));
    m_skipped->setVisible(false);
    layout->addWidget(m_skipped);
    connect(m_skippedToggle, &QToolButton::toggled, this, [this](bool on) {
        m_skipped->setVisible(on);
        m_skippedToggle->setArrowType(on ? Qt::DownArrow : Qt::RightArrow);
    });

    auto* summaryBox = new QGroupBox(tr("Summary"), content);
    summaryBox->setToolTip(tr("What was loaded: the number of samples in each split, the "
                              "classes, the input shape and the raw values before "
                              "normalization."));
    auto* summaryLayout = new QVBoxLayout(summaryBox);
    m_summary = new QLabel(tr("No data loaded yet."), summaryBox);
    m_summary->setObjectName("summaryLabel");
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    summaryLayout->addWidget(m_summary);
    m_grid = new SampleGridView(summaryBox);
    m_grid->setObjectName("sampleGrid");
    m_grid->setToolTip(tr("Random training examples, one row per class. Look at the data "
                          "before training on it."));
    summaryLayout->addWidget(m_grid);
    m_scatter = new ScatterView(summaryBox);
    m_scatter->setObjectName("scatterView");
    m_scatter->setToolTip(tr("Every sample as a point (x1, x2), coloured by its class (or by "
                             "its target for regression)."));
    summaryLayout->addWidget(m_scatter);
    layout->addWidget(summaryBox);

    m_prep = new DataPrepBox(content);
    layout->addWidget(m_prep);
    connect(m_prep, &DataPrepBox::splitEdited, this, [this] {
        LoadRequest r = editRequest();
        r.config.validation = m_prep->validationFraction();
        r.config.test = m_prep->testFraction();
        if (r.config.validation + r.config.test >= 0.95) {
            showError(tr("Validation %1 % + test %2 % leave too little training data; keep "
                         "them below 95 % together.")
                          .arg(r.config.validation * 100.0)
                          .arg(r.config.test * 100.0));
            syncControls(editRequest().config);
            return;
        }
        r.config.fitted.reset();
        request(std::move(r), tr("Change the split"));
    });
    connect(m_prep, &DataPrepBox::normalizationEdited, this, [this] {
        LoadRequest r = editRequest();
        r.config.normalization = m_prep->normalization().toStdString();
        r.config.fitted.reset();
        request(std::move(r), tr("Normalization: %1").arg(m_prep->normalization()));
    });

    m_augment = new AugmentBox(content);
    layout->addWidget(m_augment);
    connect(m_augment, &AugmentBox::changed, this,
            [this](const data::AugmentConfig& augment) { applyAugment(augment, true); });
    connect(m_augment, &AugmentBox::invalid, this, &DataPanel::showError);
    layout->addStretch(1);
}

QString DataPanel::errorText() const {
    return m_error->isHidden() ? QString() : m_error->text();
}

LoadRequest DataPanel::editRequest() const {
    return m_pending ? m_pending->request : LoadRequest{m_document.dataConfig(), {}};
}

void DataPanel::loadCurrent() {
    const data::DataConfig& config = m_document.dataConfig();
    if (m_pending && !m_pending->commit && m_pending->request.paths.empty() &&
        configChange(m_pending->request.config, config) == ConfigChange::None) {
        return;
    }
    startLoad({config, {}}, {}, false);
}

void DataPanel::loadPaths(const QStringList& paths) {
    if (paths.isEmpty()) {
        return;
    }
    LoadRequest r = editRequest();
    r.config.fitted.reset();
    r.paths.clear();
    for (const QString& path : paths) {
        r.paths.push_back(path.toStdString());
    }
    const QString name = QFileInfo(paths.front()).fileName();
    startLoad(std::move(r), paths.size() == 1 ? tr("Load %1").arg(name)
                                              : tr("Load %1 and %2 more").arg(name).arg(paths.size() - 1),
              true);
}

void DataPanel::request(LoadRequest r, const QString& what) {
    if (!m_pending && m_loaded && r.paths.empty()) {
        switch (configChange(m_loaded->config, r.config)) {
        case ConfigChange::None:
            commitConfig(r.config, what);
            return;
        case ConfigChange::Augment:
            applyAugment(r.config.augment, true);
            return;
        case ConfigChange::Normalization:
            startRefit(r.config, what, true);
            return;
        case ConfigChange::Reload:
            break;
        }
    }
    startLoad(std::move(r), what, true);
}

void DataPanel::startLoad(LoadRequest r, const QString& what, bool commit) {
    Pending pending{r, commit};
    start(std::move(pending), what,
          [r = std::move(r)](const data::ProgressFn& progress) { return loadData(r, progress); });
}

void DataPanel::startRefit(const data::DataConfig& config, const QString& what, bool commit) {
    start(Pending{LoadRequest{config, {}}, commit}, what,
          [base = m_loaded, config](const data::ProgressFn&) {
              return refitNormalization(*base, config);
          });
}

void DataPanel::start(Pending pending, const QString& what, Work work) {
    const uint64_t generation = ++m_generation;
    const bool commit = pending.commit;
    m_pending = std::move(pending);
    m_error->setVisible(false);
    m_progressLabel->setText(tr("Loading…"));
    m_progress->setRange(0, 0);
    setProgressVisible(true);
    BackgroundWorker* worker = &m_worker;
    m_worker.submit([this, worker, generation, what, commit,
                     work = std::move(work)](std::stop_token stop) -> BackgroundWorker::Continuation {
        auto last = std::chrono::steady_clock::now() - kProgressInterval;
        const data::ProgressFn progress = [&](double fraction, const std::string& text) {
            if (stop.stop_requested()) {
                return false;
            }
            const auto now = std::chrono::steady_clock::now();
            if (now - last >= kProgressInterval) {
                last = now;
                worker->post([this, generation, fraction, text = QString::fromStdString(text)] {
                    onProgress(generation, fraction, text);
                });
            }
            return true;
        };
        try {
            auto loaded = std::make_shared<const LoadedData>(work(progress));
            return [this, generation, loaded, what, commit] {
                onLoaded(generation, loaded, what, commit);
            };
        } catch (const data::LoadCancelled&) {
            return [this, generation] {
                if (generation == m_generation) {
                    cancelLoad();
                }
            };
        } catch (const std::exception& e) {
            return [this, generation, text = QString::fromStdString(e.what())] {
                onFailed(generation, text);
            };
        }
    });
}

void DataPanel::cancelLoad() {
    if (!m_pending) {
        return;
    }
    // The answer is immediate: the worker's late result is ignored by its generation.
    ++m_generation;
    m_worker.cancel();
    m_pending.reset();
    setProgressVisible(false);
    syncControls(m_document.dataConfig());
    emit message(m_loaded ? tr("Loading cancelled; the data loaded before is still in use.")
                          : tr("Loading cancelled."));
    emit loadFinished(false);
}

void DataPanel::onProgress(uint64_t generation, double fraction, const QString& what) {
    if (generation != m_generation) {
        return;
    }
    m_progress->setRange(0, 1000);
    m_progress->setValue(static_cast<int>(fraction * 1000.0));
    m_progressLabel->setText(what);
}

void DataPanel::onLoaded(uint64_t generation, std::shared_ptr<const LoadedData> loaded,
                         const QString& what, bool commit) {
    if (generation != m_generation) {
        return;
    }
    m_pending.reset();
    setProgressVisible(false);
    // Augmentation edited while loading went into the document already; it wins.
    data::DataConfig probe = loaded->config;
    probe.augment = m_document.dataConfig().augment;
    if (configChange(loaded->config, probe) != ConfigChange::None) {
        loaded = std::make_shared<const LoadedData>(withAugment(*loaded, probe.augment));
    }
    m_loaded = loaded;
    m_error->setVisible(false);
    showData(*loaded);
    if (commit) {
        commitConfig(loaded->config, what);
    }
    syncControls(m_document.dataConfig());
    m_document.setPreparedData(loaded->prepared);
    emit message(QString::fromStdString(loaded->prepared->summary));
    emit loadFinished(true);
}

void DataPanel::onFailed(uint64_t generation, const QString& text) {
    if (generation != m_generation) {
        return;
    }
    m_pending.reset();
    setProgressVisible(false);
    syncControls(m_document.dataConfig());
    showError(m_loaded ? tr("Could not load the data: %1\nThe data loaded before is still in use.")
                             .arg(text)
                       : tr("Could not load the data: %1").arg(text));
    emit loadFinished(false);
}

void DataPanel::applyAugment(const data::AugmentConfig& augment, bool commit) {
    if (commit) {
        data::DataConfig config = m_document.dataConfig();
        config.augment = augment;
        commitConfig(config, tr("Change augmentation"));
        if (m_pending) {
            m_pending->request.config.augment = augment;
        }
    }
    if (m_loaded) {
        m_loaded = std::make_shared<const LoadedData>(withAugment(*m_loaded, augment));
        m_document.setPreparedData(m_loaded->prepared);
    }
}

void DataPanel::onDocumentConfigChanged() {
    if (m_selfEdit) {
        return;
    }
    const data::DataConfig& config = m_document.dataConfig();
    syncControls(config);
    if (m_pending) {
        if (!m_pending->commit && m_pending->request.paths.empty() &&
            configChange(m_pending->request.config, config) == ConfigChange::None) {
            return;
        }
        // The document moved under a load (undo, another experiment): follow the document.
        ++m_generation;
        m_worker.cancel();
        m_pending.reset();
        setProgressVisible(false);
    }
    if (!m_loaded) {
        startLoad({config, {}}, {}, false);
        return;
    }
    switch (configChange(m_loaded->config, config)) {
    case ConfigChange::None:
        return;
    case ConfigChange::Augment:
        applyAugment(config.augment, false);
        return;
    case ConfigChange::Normalization:
        startRefit(config, {}, false);
        return;
    case ConfigChange::Reload:
        startLoad({config, {}}, {}, false);
        return;
    }
}

void DataPanel::commitConfig(const data::DataConfig& config, const QString& what) {
    if (configChange(m_document.dataConfig(), config) == ConfigChange::None) {
        return;
    }
    m_selfEdit = true;
    m_document.setDataConfig(config, what);
    m_selfEdit = false;
}

void DataPanel::syncControls(const data::DataConfig& config) {
    m_source->setConfig(config);
    m_prep->setConfig(config);
    m_augment->setConfig(config.augment);
}

void DataPanel::setProgressVisible(bool visible) {
    m_progressRow->setVisible(visible);
}

void DataPanel::showError(const QString& text) {
    m_error->setText(tr("⚠ %1").arg(text));
    m_error->setVisible(true);
    emit message(text);
}

void DataPanel::showData(const LoadedData& data) {
    m_summary->setText(data.summaryHtml);
    m_grid->setGrid(data.grid);
    m_grid->setVisible(!data.grid.isNull());
    m_scatter->setScatter(data.scatter);
    m_scatter->setVisible(!data.scatter.isNull());
    m_prep->setShippedTest(data.prepared->hasTest);
    m_augment->setData(data.prepared);

    const auto& warnings = data.prepared->warnings;
    QStringList lines;
    for (const auto& w : warnings) {
        lines << QString::fromStdString(w).toHtmlEscaped();
    }
    m_warnings->setText(lines.join(QStringLiteral("<br>")));
    m_warnings->setVisible(!lines.isEmpty());

    const auto& skipped = data.prepared->skippedFiles;
    m_skipped->clear();
    for (size_t i = 0; i < skipped.size() && i < static_cast<size_t>(kMaxSkippedListed); ++i) {
        m_skipped->addItem(QString::fromStdString(skipped[i]));
    }
    if (skipped.size() > static_cast<size_t>(kMaxSkippedListed)) {
        m_skipped->addItem(tr("… and %1 more").arg(skipped.size() - kMaxSkippedListed));
    }
    m_skippedToggle->setText(skipped.size() == 1
                                 ? tr("1 file could not be read")
                                 : tr("%1 files could not be read").arg(skipped.size()));
    m_skippedToggle->setVisible(!skipped.empty());
    m_skippedToggle->setChecked(false);
    m_skipped->setVisible(false);
}

}  // namespace dlab::ui
