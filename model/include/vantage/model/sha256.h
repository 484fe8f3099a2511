// SHA-256 (OpenSSL's EVP digest) of files and byte strings, lowercase hex: the run manifest
// records its inputs' hashes and sweeps name cells by them.
//
// It lives in model, the lowest library whose users all need it (sim writes the hashes, planner
// checks them, sweep names cells by them): core stays standard-library only, and wire,
// exporter and collector have no use for a digest.
//
//   auto sha = model::Sha256File("topologies/small-office.yaml");   // Result<std::string>
//   std::string id = model::Sha256Hex("bytes");
#pragma once

#include <string>

#include "vantage/core/result.h"

namespace vantage::model {

/// @brief Lowercase hex SHA-256 of a file's bytes; kNotFound if it cannot be opened.
core::Result<std::string> Sha256File(const std::string& path);
/// @brief Lowercase hex SHA-256 of `bytes`.
std::string Sha256Hex(const std::string& bytes);

}  // namespace vantage::model
