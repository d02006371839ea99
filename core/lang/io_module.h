// open(): read-only text files. The host (the Session) decides what a path names and hands
// the file's bytes over; this side decodes them (UTF-8, universal newlines, as CPython's
// text mode does) and gives the program CPython's file object: read(), readline(),
// readlines(), iteration over lines, close()/closed, `with`.
//
//   register_io(vm, [&](const std::string& path) { return files.read(path); });
//   // then: with open("u.data") as f: lines = f.readlines()
#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "lang/vm.h"

namespace gradlab::lang {

// Limit: the largest file open() reads (MovieLens-1M's ratings.dat is 24 MB). A bigger one is
// `OSError: [Errno 27] File too large`, before anything is read into memory.
inline constexpr size_t kMaxFileBytes = size_t(64) << 20;

// What the host answers for a path.
struct FileRead {
  enum class Status { Ok, NotFound, IsDirectory, PermissionDenied, TooLarge };
  Status status = Status::NotFound;
  std::shared_ptr<const std::string> bytes;  // the whole file (Ok only)
  std::string hint;  // an extra line for the student after a failure (may be empty)
};
using FileReader = std::function<FileRead(const std::string& path)>;

// Installs the builtin open() (and IOError/EnvironmentError, CPython's aliases of OSError).
void register_io(VM& vm, FileReader reader);

}  // namespace gradlab::lang
