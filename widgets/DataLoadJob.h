#pragma once
// What the Data panel computes off the GUI thread when data is (re)loaded: the prepared
// splits (data::prepareData), their summary, the example grid or scatter plot, and the
// summary text. Everything here runs on the panel's worker thread, so the window never
// waits for a file to be read or a picture to be painted.
//
// Thread safety: loadData and refitNormalization are pure functions of their arguments
// (they read files); call them from a loading thread. LoadedData is immutable once made
// and shared as shared_ptr<const LoadedData>.

#include "datasets/DataConfig.h"
#include "datasets/Prepare.h"
#include "datasets/Summary.h"
#include "widgets/DataImages.h"

#include <QString>

#include <memory>
#include <string>
#include <vector>

namespace dlab::ui {

struct LoadRequest {
    // The data section to load. When `paths` is set, its source is replaced by what those
    // dropped files or folders are (see resolveDroppedPaths); the other settings stay.
    data::DataConfig config;
    std::vector<std::string> paths;
};

struct LoadedData {
    data::DataConfig config;  // what was loaded, with dropped paths resolved
    std::shared_ptr<const data::PreparedData> prepared;
    data::DatasetSummary summary;
    QString title;        // "Spiral", "Fashion-MNIST", a file or folder name
    QString summaryHtml;  // rich text for the summary label
    SampleGridImage grid;    // image data
    ScatterImage scatter;    // 2-feature data

    bool isImage() const { return summary.isImage; }
};

// Turns dropped paths into a data section that an experiment file can hold: one file or
// folder becomes source "path"; several files become the folder holding them when that
// folder contains exactly these data files, otherwise an IDX images/labels pair (with an
// optional test pair) becomes source "idx". Throws std::runtime_error naming the files
// when they cannot be expressed (e.g. files of two folders).
data::DataConfig resolveDroppedPaths(const std::vector<std::string>& paths,
                                     data::DataConfig config);

// Loads and describes `request`. `progress` receives 0..1 over the whole job and may
// cancel it (data::LoadCancelled). Errors are exceptions whose message names the file or
// setting, ready to show.
LoadedData loadData(const LoadRequest& request, const data::ProgressFn& progress);

// `base` with the normalization of `config` fitted anew on the same training split (no
// file is read again); the rest of `config` must match base.config up to augmentation.
LoadedData refitNormalization(const LoadedData& base, const data::DataConfig& config);

// `base` with other augmentation settings; shares the splits and their samples. Cheap
// enough for the GUI thread.
LoadedData withAugment(const LoadedData& base, const data::AugmentConfig& augment);

// What it takes to go from data loaded with `from` to data as `to` describes.
enum class ConfigChange { None, Augment, Normalization, Reload };
ConfigChange configChange(const data::DataConfig& from, const data::DataConfig& to);

}  // namespace dlab::ui
