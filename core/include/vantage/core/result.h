// Result<T>: a value or an error with a code and a message that carries context (offsets,
// file names), for code that must not throw on untrusted input.
//
//   Result<Header> ParseHeader(ByteReader& r) {
//     if (r.Remaining() < 16) return r.Need(16, "message header");
//     ...
//     return header;
//   }
//   auto h = ParseHeader(r);
//   if (!h) { log(h.GetError().message); }
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <variant>

namespace vantage::core {

/// @brief What kind of failure an Error reports.
enum class ErrorCode {
  kTruncated,    ///< input ends before a field it announces
  kInvalid,      ///< a field holds a value the format forbids
  kUnsupported,  ///< valid but not handled (version, link type, ...)
  kNotFound,     ///< a reference (template, file, interface) that does not exist
  kLimit,        ///< a resource cap was reached (templates, lengths, sessions)
  kIo,           ///< the operating system refused (open, write, socket)
  kParse,        ///< text input (YAML, query, CLI value) does not parse
};

/// @brief Short lowercase name of a code, e.g. "truncated".
const char* ErrorCodeName(ErrorCode code);

/// @brief An error: code, human-readable message with context, and the byte offset if any.
struct Error {
  static constexpr size_t kNoOffset = static_cast<size_t>(-1);
  ErrorCode code = ErrorCode::kInvalid;
  std::string message;
  size_t offset = kNoOffset;

  /// @brief "message" or "message (offset N)".
  std::string ToString() const;
};

/// @brief Make an Error; the message should say what was expected and what was found.
inline Error MakeError(ErrorCode code, std::string message, size_t offset = Error::kNoOffset) {
  return Error{code, std::move(message), offset};
}

/// @brief Either a T or an Error. Converts to bool (true when it holds a value).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : m_v(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : m_v(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool Ok() const { return m_v.index() == 0; }
  explicit operator bool() const { return Ok(); }

  T& Value() & { return std::get<0>(m_v); }
  const T& Value() const& { return std::get<0>(m_v); }
  T&& Value() && { return std::get<0>(std::move(m_v)); }
  T& operator*() & { return Value(); }
  const T& operator*() const& { return Value(); }
  T* operator->() { return &Value(); }
  const T* operator->() const { return &Value(); }

  const core::Error& GetError() const { return std::get<1>(m_v); }

 private:
  std::variant<T, core::Error> m_v;
};

/// @brief Success or an Error, for operations without a value.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : m_error(std::move(error)), m_ok(false) {}  // NOLINT

  bool Ok() const { return m_ok; }
  explicit operator bool() const { return m_ok; }
  const core::Error& GetError() const { return m_error; }

 private:
  core::Error m_error;
  bool m_ok = true;
};

}  // namespace vantage::core

/// Return the error of a Result/Status expression from the enclosing function.
#define VANTAGE_RETURN_IF_ERROR(expr)    \
  do {                                   \
    auto vantage_status_ = (expr);       \
    if (!vantage_status_) {              \
      return vantage_status_.GetError(); \
    }                                    \
  } while (0)
