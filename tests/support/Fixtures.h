#pragma once
// Small helpers the loader tests share: IDX bytes built by hand, and the message a loader
// throws. Header-only; tests include it after QtTest.

#include "datasets/Load.h"

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <vector>

namespace dlab::test {

// An IDX file: magic (0, 0, type, rank), big-endian dims, then the payload.
inline QByteArray idxBytes(uint8_t type, const std::vector<uint32_t>& dims,
                           const QByteArray& payload) {
    QByteArray bytes;
    bytes.append(char(0));
    bytes.append(char(0));
    bytes.append(char(type));
    bytes.append(char(dims.size()));
    for (uint32_t d : dims) {
        bytes.append(char(d >> 24));
        bytes.append(char(d >> 16));
        bytes.append(char(d >> 8));
        bytes.append(char(d));
    }
    return bytes + payload;
}

// The message of the std::runtime_error `f` throws, or a marker saying what happened.
inline QString errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const data::LoadCancelled&) {
        return "<cancelled>";
    } catch (const std::runtime_error& e) {
        return QString::fromUtf8(e.what());
    } catch (const std::exception& e) {
        return "<not a runtime_error: " + QString::fromUtf8(e.what()) + ">";
    }
    return "<no error>";
}

}  // namespace dlab::test
