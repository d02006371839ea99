// dump(): the tree as text, for tests and debugging.
//
// Expressions are S-expressions:
//   x  1  2.5  'text'  True  None  ...        names and constants (strings as Python repr)
//   (+ a b)  (** a b)  (@ a b)                 binary operators, by their symbol
//   (neg a) (pos a) (not a) (~ a)              unary operators
//   (and a b c) (or a b)                       boolean operators
//   (cmp a < b not-in c is-not d)              comparison chains
//   (call f a (* b) k=c (** d))                calls: positional, starred, keyword, **
//   (. a attr) (sub a i) (slice lo hi step)    attribute, subscript, slice (_ = absent)
//   (* a)                                      starred
//   (tuple a b) (list a) (set a) (dict (k v) (** m))
//   (listcomp e (for t it (if c)) ...)         also setcomp, genexp, (dictcomp k v ...)
//   (lambda (a b=1 *c kw:d **e) body)          parameters: normal, *args, keyword-only, **kw
//   (if-exp test body orelse)
//   (f 'text' {x!r:(f '>' {w})})               f-strings: literal parts and {expr!conv:spec}
// Statements are one per line, with their bodies indented by two spaces:
//   expr e | assign t1 = t2 = v | augassign t += v | annassign t : ann [= v]
//   if test / elif... as 'else' + nested 'if' / else | while test | for t in it
//   def name (params) | class Name (bases) | return [e] | pass | break | continue
//   global a b | nonlocal a | import a.b as c, d | from m import a as b, * | assert t [m]
//   del a b | with ctx as t, ctx2 | try / except type as name / else / finally
//   raise [e] [from c]
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "lang/parser.h"

namespace gradlab::lang {
namespace {

std::string float_repr(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[40];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*e", precision - 1, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  // buf is "-d.ddde+XX": rebuild it the way Python's repr does.
  std::string s = buf;
  const bool negative = s[0] == '-';
  if (negative) s.erase(0, 1);
  const size_t e = s.find('e');
  const int exponent = std::atoi(s.c_str() + e + 1);
  std::string digits = s.substr(0, 1) + (e > 2 ? s.substr(2, e - 2) : "");
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  std::string out;
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) {
      out = "0." + std::string(-exponent - 1, '0') + digits;
    } else if (static_cast<int>(digits.size()) <= exponent + 1) {
      out = digits + std::string(exponent + 1 - digits.size(), '0') + ".0";
    } else {
      out = digits.substr(0, exponent + 1) + "." + digits.substr(exponent + 1);
    }
  } else {
    out = digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char exp[16];
    std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out += exp;
  }
  return negative ? "-" + out : out;
}

std::string string_repr(const std::string& s) {
  const bool has_single = s.find('\'') != std::string::npos;
  const char quote = has_single && s.find('"') == std::string::npos ? '"' : '\'';
  std::string out(1, quote);
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\' || c == quote) {
      out += '\\', out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + quote;
}

const char* binop_symbol(BinOpKind op) {
  switch (op) {
    case BinOpKind::Add:
      return "+";
    case BinOpKind::Sub:
      return "-";
    case BinOpKind::Mul:
      return "*";
    case BinOpKind::MatMul:
      return "@";
    case BinOpKind::Div:
      return "/";
    case BinOpKind::FloorDiv:
      return "//";
    case BinOpKind::Mod:
      return "%";
    case BinOpKind::Pow:
      return "**";
    case BinOpKind::LShift:
      return "<<";
    case BinOpKind::RShift:
      return ">>";
    case BinOpKind::BitOr:
      return "|";
    case BinOpKind::BitXor:
      return "^";
    case BinOpKind::BitAnd:
      return "&";
  }
  return "?";
}

const char* cmpop_symbol(CmpOpKind op) {
  switch (op) {
    case CmpOpKind::Eq:
      return "==";
    case CmpOpKind::NotEq:
      return "!=";
    case CmpOpKind::Lt:
      return "<";
    case CmpOpKind::LtE:
      return "<=";
    case CmpOpKind::Gt:
      return ">";
    case CmpOpKind::GtE:
      return ">=";
    case CmpOpKind::Is:
      return "is";
    case CmpOpKind::IsNot:
      return "is-not";
    case CmpOpKind::In:
      return "in";
    case CmpOpKind::NotIn:
      return "not-in";
  }
  return "?";
}

std::string opt(const ExprPtr& e) { return e ? dump(*e) : "_"; }

std::string params_text(const std::vector<Param>& params) {
  std::string out = "(";
  for (size_t i = 0; i < params.size(); ++i) {
    const Param& p = params[i];
    if (i > 0) out += ' ';
    out += p.kind == ParamKind::VarArgs  ? "*"
           : p.kind == ParamKind::VarKw  ? "**"
           : p.kind == ParamKind::KwOnly ? "kw:"
                                         : "";
    out += p.name;
    if (p.default_value) out += "=" + dump(*p.default_value);
  }
  return out + ")";
}

std::string fstring_text(const FStringExpr& f) {
  std::string out = "(f";
  for (const FStringPart& part : f.parts) {
    if (part.is_literal) {
      out += " " + string_repr(part.literal);
      continue;
    }
    out += " {" + dump(*part.expr);
    if (part.conversion != 0) out += std::string("!") + part.conversion;
    if (part.format_spec) out += ":" + fstring_text(*part.format_spec);
    out += "}";
  }
  return out + ")";
}

std::string comp_text(const CompExpr& c) {
  static const char* const kNames[] = {"listcomp", "setcomp", "dictcomp", "genexp"};
  std::string out = std::string("(") + kNames[static_cast<int>(c.ckind)] + " " + dump(*c.elt);
  if (c.value) out += " " + dump(*c.value);
  for (const ComprehensionFor& f : c.generators) {
    out += " (for " + dump(*f.target) + " " + dump(*f.iter);
    for (const ExprPtr& cond : f.ifs) out += " (if " + dump(*cond) + ")";
    out += ")";
  }
  return out + ")";
}

std::string join(const std::vector<ExprPtr>& items, const char* separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i > 0 ? separator : "") + dump(*items[i]);
  return out;
}

void dump_body(const Body& body, int indent, std::string& out);

void dump_stmt(const Stmt& s, int indent, std::string& out) {
  const std::string pad(indent, ' ');
  out += pad;
  switch (s.kind) {
    case StmtKind::Expr:
      out += "expr " + dump(*static_cast<const ExprStmt&>(s).value);
      break;
    case StmtKind::Assign: {
      const auto& a = static_cast<const AssignStmt&>(s);
      out += "assign " + join(a.targets, " = ") + " = " + dump(*a.value);
      break;
    }
    case StmtKind::AugAssign: {
      const auto& a = static_cast<const AugAssignStmt&>(s);
      out += "augassign " + dump(*a.target) + " " + binop_symbol(a.op) + "= " + dump(*a.value);
      break;
    }
    case StmtKind::AnnAssign: {
      const auto& a = static_cast<const AnnAssignStmt&>(s);
      out += "annassign " + dump(*a.target) + " : " + dump(*a.annotation);
      if (a.value) out += " = " + dump(*a.value);
      break;
    }
    case StmtKind::If:
    case StmtKind::While:
    case StmtKind::For: {
      const Body* body = nullptr;
      const Body* orelse = nullptr;
      if (s.kind == StmtKind::If) {
        const auto& i = static_cast<const IfStmt&>(s);
        out += "if " + dump(*i.test) + "\n";
        body = &i.body, orelse = &i.orelse;
      } else if (s.kind == StmtKind::While) {
        const auto& w = static_cast<const WhileStmt&>(s);
        out += "while " + dump(*w.test) + "\n";
        body = &w.body, orelse = &w.orelse;
      } else {
        const auto& f = static_cast<const ForStmt&>(s);
        out += "for " + dump(*f.target) + " in " + dump(*f.iter) + "\n";
        body = &f.body, orelse = &f.orelse;
      }
      dump_body(*body, indent + 2, out);
      if (!orelse->empty()) {
        out += pad + "else\n";
        dump_body(*orelse, indent + 2, out);
      }
      return;
    }
    case StmtKind::Break:
      out += "break";
      break;
    case StmtKind::Continue:
      out += "continue";
      break;
    case StmtKind::Pass:
      out += "pass";
      break;
    case StmtKind::Return: {
      const auto& r = static_cast<const ReturnStmt&>(s);
      out += r.value ? "return " + dump(*r.value) : "return";
      break;
    }
    case StmtKind::FunctionDef: {
      const auto& f = static_cast<const FunctionDefStmt&>(s);
      out += "def " + f.name + " " + params_text(f.params) + "\n";
      dump_body(f.body, indent + 2, out);
      return;
    }
    case StmtKind::ClassDef: {
      const auto& c = static_cast<const ClassDefStmt&>(s);
      out += "class " + c.name + " (" + join(c.bases, " ") + ")\n";
      dump_body(c.body, indent + 2, out);
      return;
    }
    case StmtKind::Global:
    case StmtKind::Nonlocal: {
      const auto& n = static_cast<const NamesStmt&>(s);
      out += s.kind == StmtKind::Global ? "global" : "nonlocal";
      for (const std::string& name : n.names) out += " " + name;
      break;
    }
    case StmtKind::Import:
    case StmtKind::ImportFrom: {
      const std::vector<ImportAlias>* names = nullptr;
      if (s.kind == StmtKind::Import) {
        out += "import ";
        names = &static_cast<const ImportStmt&>(s).names;
      } else {
        const auto& i = static_cast<const ImportFromStmt&>(s);
        out += "from " + i.module + " import ";
        names = &i.names;
      }
      for (size_t k = 0; k < names->size(); ++k) {
        const ImportAlias& a = (*names)[k];
        out += (k > 0 ? ", " : "") + a.name + (a.asname.empty() ? "" : " as " + a.asname);
      }
      break;
    }
    case StmtKind::Assert: {
      const auto& a = static_cast<const AssertStmt&>(s);
      out += "assert " + dump(*a.test) + (a.msg ? " " + dump(*a.msg) : "");
      break;
    }
    case StmtKind::Del:
      out += "del " + join(static_cast<const DelStmt&>(s).targets, " ");
      break;
    case StmtKind::With: {
      const auto& w = static_cast<const WithStmt&>(s);
      out += "with ";
      for (size_t k = 0; k < w.items.size(); ++k) {
        out += (k > 0 ? ", " : "") + dump(*w.items[k].context);
        if (w.items[k].target) out += " as " + dump(*w.items[k].target);
      }
      out += "\n";
      dump_body(w.body, indent + 2, out);
      return;
    }
    case StmtKind::Try: {
      const auto& t = static_cast<const TryStmt&>(s);
      out += "try\n";
      dump_body(t.body, indent + 2, out);
      for (const ExceptHandler& h : t.handlers) {
        out += pad + "except";
        if (h.type) out += " " + dump(*h.type);
        if (!h.name.empty()) out += " as " + h.name;
        out += "\n";
        dump_body(h.body, indent + 2, out);
      }
      if (!t.orelse.empty()) {
        out += pad + "else\n";
        dump_body(t.orelse, indent + 2, out);
      }
      if (!t.finalbody.empty()) {
        out += pad + "finally\n";
        dump_body(t.finalbody, indent + 2, out);
      }
      return;
    }
    case StmtKind::Raise: {
      const auto& r = static_cast<const RaiseStmt&>(s);
      out += "raise";
      if (r.exc) out += " " + dump(*r.exc);
      if (r.cause) out += " from " + dump(*r.cause);
      break;
    }
  }
  out += "\n";
}

void dump_body(const Body& body, int indent, std::string& out) {
  for (const StmtPtr& s : body) dump_stmt(*s, indent, out);
}

}  // namespace

std::string dump(const Expr& e) {
  switch (e.kind) {
    case ExprKind::Name:
      return static_cast<const NameExpr&>(e).id;
    case ExprKind::Constant: {
      const auto& c = static_cast<const ConstantExpr&>(e);
      switch (c.ckind) {
        case ConstKind::None:
          return "None";
        case ConstKind::Bool:
          return c.b ? "True" : "False";
        case ConstKind::Int:
          return std::to_string(c.i);
        case ConstKind::Float:
          return float_repr(c.f);
        case ConstKind::Str:
          return string_repr(c.s);
        case ConstKind::Ellipsis:
          return "...";
      }
      return "?";
    }
    case ExprKind::FString:
      return fstring_text(static_cast<const FStringExpr&>(e));
    case ExprKind::List:
    case ExprKind::Tuple:
    case ExprKind::Set: {
      const auto& s = static_cast<const SequenceExpr&>(e);
      const char* head = e.kind == ExprKind::List    ? "(list"
                         : e.kind == ExprKind::Tuple ? "(tuple"
                                                     : "(set";
      return head + std::string(s.elts.empty() ? "" : " ") + join(s.elts, " ") + ")";
    }
    case ExprKind::Dict: {
      const auto& d = static_cast<const DictExpr&>(e);
      std::string out = "(dict";
      for (size_t i = 0; i < d.keys.size(); ++i) {
        out += d.keys[i] ? " (" + dump(*d.keys[i]) + " " + dump(*d.values[i]) + ")"
                         : " (** " + dump(*d.values[i]) + ")";
      }
      return out + ")";
    }
    case ExprKind::Comp:
      return comp_text(static_cast<const CompExpr&>(e));
    case ExprKind::BinOp: {
      const auto& b = static_cast<const BinOpExpr&>(e);
      return std::string("(") + binop_symbol(b.op) + " " + dump(*b.left) + " " + dump(*b.right) +
             ")";
    }
    case ExprKind::UnaryOp: {
      const auto& u = static_cast<const UnaryOpExpr&>(e);
      static const char* const kNames[] = {"neg", "pos", "not", "~"};
      return std::string("(") + kNames[static_cast<int>(u.op)] + " " + dump(*u.operand) + ")";
    }
    case ExprKind::BoolOp: {
      const auto& b = static_cast<const BoolOpExpr&>(e);
      return std::string(b.is_and ? "(and " : "(or ") + join(b.values, " ") + ")";
    }
    case ExprKind::Compare: {
      const auto& c = static_cast<const CompareExpr&>(e);
      std::string out = "(cmp " + dump(*c.left);
      for (size_t i = 0; i < c.ops.size(); ++i) {
        out += std::string(" ") + cmpop_symbol(c.ops[i]) + " " + dump(*c.comparators[i]);
      }
      return out + ")";
    }
    case ExprKind::Call: {
      const auto& c = static_cast<const CallExpr&>(e);
      std::string out = "(call " + dump(*c.func);
      for (const ExprPtr& a : c.args) out += " " + dump(*a);
      for (const Keyword& k : c.keywords) {
        out +=
            k.name.empty() ? " (** " + dump(*k.value) + ")" : " " + k.name + "=" + dump(*k.value);
      }
      return out + ")";
    }
    case ExprKind::Attribute: {
      const auto& a = static_cast<const AttributeExpr&>(e);
      return "(. " + dump(*a.value) + " " + a.attr + ")";
    }
    case ExprKind::Subscript: {
      const auto& s = static_cast<const SubscriptExpr&>(e);
      return "(sub " + dump(*s.value) + " " + dump(*s.index) + ")";
    }
    case ExprKind::Slice: {
      const auto& s = static_cast<const SliceExpr&>(e);
      return "(slice " + opt(s.lower) + " " + opt(s.upper) + " " + opt(s.step) + ")";
    }
    case ExprKind::Starred:
      return "(* " + dump(*static_cast<const StarredExpr&>(e).value) + ")";
    case ExprKind::Lambda: {
      const auto& l = static_cast<const LambdaExpr&>(e);
      return "(lambda " + params_text(l.params) + " " + dump(*l.body) + ")";
    }
    case ExprKind::IfExp: {
      const auto& i = static_cast<const IfExpExpr&>(e);
      return "(if-exp " + dump(*i.test) + " " + dump(*i.body) + " " + dump(*i.orelse) + ")";
    }
  }
  return "?";
}

std::string dump(const Stmt& stmt) {
  std::string out;
  dump_stmt(stmt, 0, out);
  return out;
}

std::string dump(const Module& module) {
  std::string out;
  dump_body(module.body, 0, out);
  return out;
}

}  // namespace gradlab::lang
