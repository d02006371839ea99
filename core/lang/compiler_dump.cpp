// The disassembler: a readable listing of a code object and the code objects in its
// constants (used by the compiler tests).
#include <algorithm>
#include <iterator>

#include "lang/compiler_internal.h"

namespace gradlab::lang {

std::string disassemble(const CodeObj& code) {
  std::string out = "code " + code.qualname + "\n";
  for (size_t i = 0; i < code.code.size(); ++i) {
    Op op = Op(code.code[i] & 0xFF);
    uint32_t arg = code.code[i] >> 8;
    out += std::to_string(i) + " " + op_name(op);
    static const Op no_arg[] = {
        Op::NOP,          Op::POP_TOP,       Op::DUP_TOP,         Op::DUP_TOP_TWO,
        Op::ROT_TWO,      Op::ROT_THREE,     Op::PUSH_NULL,       Op::BINARY_SUBSCR,
        Op::STORE_SUBSCR, Op::DELETE_SUBSCR, Op::GET_ITER,        Op::RETURN_VALUE,
        Op::IMPORT_STAR,  Op::RERAISE,       Op::CHECK_EXC_MATCH, Op::LOAD_ASSERTION_ERROR,
        Op::BUILD_CLASS,  Op::GEN_WRAP,      Op::DISPLAY_VALUE,   Op::EXC_TYPE,
        Op::LIST_TO_TUPLE};
    if (std::find(std::begin(no_arg), std::end(no_arg), op) == std::end(no_arg)) {
      if (op == Op::LOAD_SMALL_INT)
        out += " " + std::to_string(int64_t(arg) - (1 << 23));
      else
        out += " " + std::to_string(arg);
    }
    out += "\n";
  }
  for (auto& c : code.consts)
    if (is_kind(c, ObjKind::Code)) out += disassemble(*as<CodeObj>(c));
  return out;
}

}  // namespace gradlab::lang
