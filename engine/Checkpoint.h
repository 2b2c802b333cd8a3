#pragma once
// Versioned weight checkpoints.
//
// Layout (little-endian): magic "DLABCKPT", u32 format version, u32 entry count, then per
// entry: u32 name length, name bytes, u32 rank, i64 dims[rank], float32 data[numel];
// then an optional UTF-8 metadata block (u32 length + bytes: the experiment JSON), and a
// trailing u32 CRC-32 of everything before it. Entries are the network's parameters then
// its buffers, named as in Network::params() ("3.weight", "2.running_mean").
//
// Loading checks the magic, the version, the CRC (so truncated or altered files are
// refused before any weight changes), and that every name and shape matches the network;
// errors are CheckpointError with the path and what did not match.

#include "engine/Network.h"

#include <stdexcept>
#include <string>

namespace dlab {

class CheckpointError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

inline constexpr uint32_t kCheckpointVersion = 1;

void saveCheckpoint(const std::string& path, const Network& network,
                    const std::string& metadata = {});
// Returns the metadata block. The network is unchanged when an error is thrown.
std::string loadCheckpoint(const std::string& path, Network& network);

}  // namespace dlab
