#include "widgets/ConfusionView.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QSplitter>
#include <QVBoxLayout>

#include "widgets/ConfusionCharts.h"
#include "widgets/ConfusionProbe.h"
#include "widgets/TrainingSession.h"

namespace dlab::ui {

namespace {

// Whether two captures evaluated the same network on the same samples.
bool sameEvaluation(const ConfusionSnapshot& a, const ConfusionSnapshot& b) {
    if (a.splitSize != b.splitSize || a.onTraining != b.onTraining ||
        a.matrix.counts() != b.matrix.counts() || a.mistakes.size() != b.mistakes.size()) {
        return false;
    }
    for (size_t i = 0; i < a.mistakes.size(); ++i) {
        const Mistake& x = a.mistakes[i].mistake;
        const Mistake& y = b.mistakes[i].mistake;
        if (x.position != y.position || x.pPredicted != y.pPredicted) {
            return false;
        }
    }
    return true;
}

}  // namespace

ConfusionView::ConfusionView(TrainingSession& session, QWidget* parent)
    : InspectView(session, parent), m_probe(std::make_shared<ConfusionProbe>()) {
    setProbe(m_probe);

    m_slider = new QSlider(Qt::Horizontal, this);
    m_slider->setRange(0, 0);
    m_slider->setPageStep(1);
    m_slider->setTickPosition(QSlider::TicksBelow);
    m_slider->setEnabled(false);
    m_slider->setToolTip(
        tr("Go back through the epochs of the run; at the right end the view "
           "follows the newest epoch"));
    m_epochLabel = new QLabel(this);
    m_epochLabel->setMinimumWidth(
        fontMetrics().horizontalAdvance(tr("after epoch 888 (888 of 888)")));
    m_percent = new QCheckBox(tr("Row %"), this);
    m_percent->setToolTip(
        tr("Show each cell as a percentage of its true class (its row) "
           "instead of a count"));
    m_evaluate = new QPushButton(tr("Evaluate now"), this);
    m_evaluate->setToolTip(
        tr("Evaluate the network on the validation set now, without "
           "waiting for the end of the epoch"));

    // Two rows, so that the slider keeps its length in a narrow view or with large fonts.
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Epoch"), this));
    bar->addWidget(m_slider, 1);
    bar->addWidget(m_epochLabel);
    m_summary = new QLabel(this);
    m_summary->setWordWrap(true);
    auto* summaryRow = new QHBoxLayout;
    summaryRow->addWidget(m_summary, 1);
    summaryRow->addWidget(m_percent);
    summaryRow->addWidget(m_evaluate);

    m_chart = new ConfusionMatrixChart(this);
    m_chart->setPlaceholder(tr("Evaluating the network on the validation set…"));

    auto* galleryPanel = new QWidget(this);
    auto* galleryLayout = new QVBoxLayout(galleryPanel);
    galleryLayout->setContentsMargins(0, 0, 0, 0);
    m_galleryTitle = new QLabel(galleryPanel);
    m_galleryTitle->setWordWrap(true);
    m_gallery = new MistakeGallery;
    auto* scroll = new QScrollArea(galleryPanel);
    scroll->setWidget(m_gallery);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setFrameShape(QFrame::NoFrame);
    galleryLayout->addWidget(m_galleryTitle);
    galleryLayout->addWidget(scroll, 1);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->addWidget(m_chart);
    m_splitter->addWidget(galleryPanel);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addLayout(summaryRow);
    layout->addWidget(m_splitter, 1);

    connect(m_slider, &QSlider::valueChanged, this, [this](int value) {
        m_follow = value == m_slider->maximum();
        showSelected();
    });
    connect(m_percent, &QCheckBox::toggled, m_chart, &ConfusionMatrixChart::setRowPercentages);
    connect(m_evaluate, &QPushButton::clicked, this, [this] { requestCapture(); });
    connect(&session, &TrainingSession::runStarted, this, [this] {
        // What was captured before belongs to the network as it was before this run.
        clearHistory();
        // The matrix at initialization, shown while the first epoch runs: the idle capture
        // of this very network when there is one (a full evaluation costs a CNN a second),
        // else the worker captures after its first step. (Only the flag: the session must
        // not start its idle capture thread now, the worker is about to use the network.)
        const auto initial = m_probe->latest.get();
        if (initial && initial->step == 0 && this->session().network() != nullptr) {
            keep(initial);
            updateSlider();
            showSelected();
        } else {
            m_probe->requestCapture();
        }
    });
    connect(&session, &TrainingSession::weightsReset, this, [this] { clearHistory(); });
    updateSlider();
    showSelected();
}

ConfusionView::~ConfusionView() = default;

std::vector<std::shared_ptr<const ConfusionSnapshot>> ConfusionView::snapshots() const {
    std::vector<std::shared_ptr<const ConfusionSnapshot>> out;
    out.reserve(m_byEpoch.size());
    for (const auto& [epoch, snapshot] : m_byEpoch) {
        out.push_back(snapshot);
    }
    return out;
}

QString ConfusionView::label(const std::shared_ptr<const ConfusionSnapshot>& s) const {
    // Its step is the last training step, but the weights or the data are not those of it.
    return s == m_changed ? tr("now (network or data changed)") : describe(*s);
}

QString ConfusionView::describe(const ConfusionSnapshot& s) {
    if (s.epochEnd) {
        return tr("after epoch %1").arg(s.epoch);
    }
    if (s.step == 0) {
        return tr("at initialization");
    }
    return tr("epoch %1, step %2").arg(s.epoch).arg(s.step);
}

void ConfusionView::setPresentationMode(bool on) {
    InspectView::setPresentationMode(on);
    m_gallery->setPresentationMode(on);
    placeSplitter(true);
    m_epochLabel->setMinimumWidth(
        fontMetrics().horizontalAdvance(tr("after epoch 888 (888 of 888)")));
}

void ConfusionView::resizeEvent(QResizeEvent* event) {
    InspectView::resizeEvent(event);
    placeSplitter(false);
}

void ConfusionView::placeSplitter(bool force) {
    // The gallery beside a wide view, under a tall or narrow one (a docked window).
    const Qt::Orientation wanted =
        width() >= height() * kSideBySideAspect ? Qt::Horizontal : Qt::Vertical;
    if (m_splitter->orientation() == wanted && m_splitterPlaced && !force) {
        return;
    }
    m_splitter->setOrientation(wanted);
    // The matrix first: two thirds of the space, or what it needs to be readable when that
    // is more, leaving the gallery at least a row of tiles.
    const bool across = wanted == Qt::Horizontal;
    const int total = across ? m_splitter->width() : m_splitter->height();
    const QSize wants = m_chart->sizeHint();
    const int galleryMin = across ? m_gallery->minimumSizeHint().width()
                                  : m_galleryTitle->sizeHint().height() + m_gallery->rowHeight();
    const int chart = std::max(
        total * 2 / 3, std::min(across ? wants.width() : wants.height(), total - galleryMin));
    m_splitter->setSizes({chart, total - chart});
    m_splitterPlaced = total > 0;
}

void ConfusionView::clearHistory() {
    m_probe->discardPending();
    m_byEpoch.clear();
    m_changed.reset();
    m_follow = true;
    updateSlider();
    showSelected();
}

void ConfusionView::keep(std::shared_ptr<const ConfusionSnapshot> snapshot) {
    if (!snapshot->unavailable.isEmpty()) {
        m_unavailable = snapshot->unavailable;
        m_byEpoch.clear();
        return;
    }
    m_unavailable.clear();
    // Another data set (other classes) under the same run: the old epochs do not compare.
    if (!m_byEpoch.empty() && m_byEpoch.begin()->second->classNames != snapshot->classNames) {
        m_byEpoch.clear();
    }
    if (!m_byEpoch.empty()) {
        // Steps only grow within one network's run. The same step again is the same
        // weights captured anew (a run ended, the view reappeared): keep what is there,
        // labelled "after epoch N", unless the evaluation differs, which means the network
        // was rebuilt or loaded, or the data reloaded, under the same step. That, or an
        // earlier step, starts the history afresh.
        const ConfusionSnapshot& newest = *m_byEpoch.rbegin()->second;
        if (snapshot->step == newest.step && sameEvaluation(*snapshot, newest)) {
            return;
        }
        if (snapshot->step <= newest.step) {
            m_byEpoch.clear();
            m_changed = snapshot;
        }
    }
    m_byEpoch[snapshot->epoch] = std::move(snapshot);
    // Thin long runs evenly: drop every second of the older snapshots, keep the newest.
    if (m_byEpoch.size() > kMaxKept) {
        auto it = std::next(m_byEpoch.begin());
        while (it != m_byEpoch.end() && std::next(it) != m_byEpoch.end()) {
            it = m_byEpoch.erase(it);
            if (it != m_byEpoch.end()) {
                ++it;
            }
        }
    }
}

void ConfusionView::refresh() {
    const auto fresh = m_probe->takeNew();
    for (const auto& snapshot : fresh) {
        keep(snapshot);
    }
    if (!fresh.empty()) {
        updateSlider();
        showSelected();
    }
    // The base clears the message before every refresh; keep ours while it holds.
    setMessage(m_unavailable);
}

void ConfusionView::updateSlider() {
    const int count = static_cast<int>(m_byEpoch.size());
    const QSignalBlocker block(m_slider);
    const int previous = m_slider->value();
    m_slider->setRange(0, std::max(0, count - 1));
    m_slider->setValue(m_follow ? m_slider->maximum() : std::min(previous, m_slider->maximum()));
    m_slider->setEnabled(count > 1);
}

void ConfusionView::showSelected() {
    const auto all = snapshots();
    const int index = m_slider->value();
    m_shown = index >= 0 && index < static_cast<int>(all.size()) ? all[static_cast<size_t>(index)]
                                                                 : nullptr;
    m_chart->setSnapshot(m_shown);
    m_gallery->setSnapshot(m_shown);
    if (!m_shown) {
        m_epochLabel->setText(tr("no evaluation yet"));
        m_summary->clear();
        m_galleryTitle->setText(tr("Most confident mistakes"));
        return;
    }
    const ConfusionSnapshot& s = *m_shown;
    const QLocale locale;
    m_epochLabel->setText(
        all.size() > 1 ? tr("%1 (%2 of %3)").arg(label(m_shown)).arg(index + 1).arg(all.size())
                       : label(m_shown));
    QString where = s.onTraining ? tr("No validation split: the training set (samples the network "
                                      "learns from)")
                                 : tr("Validation set");
    if (s.evaluated < s.splitSize) {
        where += tr(": %1 of its %2 samples (evenly spread)")
                     .arg(locale.toString(s.evaluated), locale.toString(s.splitSize));
    } else {
        where += tr(": %1 samples").arg(locale.toString(s.evaluated));
    }
    m_summary->setText(tr("%1 · accuracy <b>%2 %</b> · %3 wrong")
                           .arg(where)
                           .arg(QString::number(s.matrix.accuracy() * 100.0, 'f', 1))
                           .arg(locale.toString(s.mistakesTotal)));
    const QString probability = s.softmaxOfScores
                                    ? tr("the softmax of the scores (this loss does not train "
                                         "probabilities)")
                                    : tr("the probability the network gives");
    if (s.mistakesTotal == 0) {
        m_galleryTitle->setText(tr("Mistakes: none"));
    } else if (static_cast<int64_t>(s.mistakes.size()) < s.mistakesTotal) {
        m_galleryTitle->setText(tr("Most confident mistakes: %1 of %2")
                                    .arg(s.mistakes.size())
                                    .arg(locale.toString(s.mistakesTotal)));
    } else {
        m_galleryTitle->setText(tr("Mistakes: %1, most confident first").arg(s.mistakes.size()));
    }
    m_galleryTitle->setToolTip(
        tr("Each tile: the sample, its true class and the predicted class, each with %1 for "
           "that class")
            .arg(probability));
}

}  // namespace dlab::ui
