// Internal: one attempt of one cell (prepare the directory, start the child, turn its exit
// into a CellResult).
#pragma once

#include <memory>
#include <string>

#include "child-process.h"
#include "vantage/sweep/sweep-dir.h"

namespace vantage::sweep::detail {

class CellAttempt {
 public:
  CellAttempt(std::string dir, Cell cell, unsigned attempt)
      : m_dir(std::move(dir)), m_cell(std::move(cell)), m_attempt(attempt) {}

  /// @brief Clears out/ (a half-written output of a killed attempt) and starts the child.
  core::Status Start(const std::string& exe, double timeoutS);
  /// @brief True when the child ended; `result` then describes the attempt.
  bool Poll(CellResult& result);
  void Kill() { m_child.Kill(); }
  const Cell& GetCell() const { return m_cell; }
  unsigned Attempt() const { return m_attempt; }

 private:
  std::string m_dir;
  Cell m_cell;
  unsigned m_attempt;
  ChildProcess m_child;
};

/// @brief A result for an attempt that could not start.
CellResult StartFailure(const Cell& cell, unsigned attempt, const std::string& error);

/// @brief The files a cell's input hashes were made from still hash the same.
core::Status CheckInputsUnchanged(const Cell& cell);

}  // namespace vantage::sweep::detail
