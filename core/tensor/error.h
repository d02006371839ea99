// The one exception type the core throws. `type` is the Python exception class name the
// student sees ("RuntimeError", "IndexError", ...); `message` is its text, worded as PyTorch
// or CPython word it.
#pragma once
#include <stdexcept>
#include <string>
#include <utility>

namespace gradlab {

class Error : public std::runtime_error {
 public:
  Error(std::string type, const std::string& message)
      : std::runtime_error(message), type_(std::move(type)) {}
  const std::string& type() const { return type_; }
  std::string message() const { return what(); }

 private:
  std::string type_;
};

[[noreturn]] inline void raise(const char* type, const std::string& message) {
  throw Error(type, message);
}
[[noreturn]] inline void runtime_error(const std::string& m) { raise("RuntimeError", m); }
[[noreturn]] inline void index_error(const std::string& m) { raise("IndexError", m); }
[[noreturn]] inline void type_error(const std::string& m) { raise("TypeError", m); }
[[noreturn]] inline void value_error(const std::string& m) { raise("ValueError", m); }

}  // namespace gradlab
