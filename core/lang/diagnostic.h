// The error the lexer and parser report: a gradlab::Error that also knows where in the source
// it is, so the editor can underline it and the traceback can say `line N`.
#pragma once
#include <string>

#include "lang/ast.h"
#include "tensor/error.h"

namespace gradlab::lang {

class SyntaxError : public gradlab::Error {
 public:
  // `type` is "SyntaxError", "IndentationError" or "TabError" (the Python class name).
  SyntaxError(std::string type, const std::string& message, Span span)
      : gradlab::Error(std::move(type), message), span_(span) {}
  // 1-based line and column of the offending text, its length in code points (on one line).
  const Span& span() const { return span_; }

 private:
  Span span_;
};

}  // namespace gradlab::lang
