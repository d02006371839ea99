// The files a session's open() reads (core/lang/io_module.h). Two sources, looked up in order:
//   1. files added in memory: the page's "Add data file" (Session::add_file), a node runner;
//   2. when a disk root is set (the CLI sets the script's directory), the disk: a relative
//      path from that directory, an absolute path as it is.
// Without a disk root (the page), open() sees only the added files. Read-only: nothing here
// writes, and open() refuses every mode but 'r'.
#pragma once
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lang/io_module.h"

namespace gradlab {

// Limit: bytes of all the files added to one session (each is at most lang::kMaxFileBytes).
// Added files live in the session's memory next to its tensors (wasm memory is at most 2 GB).
inline constexpr size_t kMaxAddedFilesBytes = size_t(256) << 20;

struct FileInfo {
  std::string name;  // as open() names it: "u.data", "data/u.data"
  size_t size = 0;   // bytes
};

class FileSystem {
 public:
  // Adds a file in memory, or replaces the one of the same name. `name` is a relative path
  // ("u.data", "data/ratings.tsv"; "./" and "//" are tidied away). Throws gradlab::Error:
  // ValueError for an empty name or one that leaves the root ("../x"), OSError for a file over
  // lang::kMaxFileBytes or files together over kMaxAddedFilesBytes.
  void add(std::string_view name, std::string bytes);
  // Removes an added file; false if there is none of that name.
  bool remove(std::string_view name);
  // The added files, sorted by name.
  std::vector<FileInfo> list() const;
  size_t added_bytes() const { return total_; }

  // Lets open() also read the disk: relative paths from `dir` ("" for the working directory).
  void set_disk_root(std::string dir) { disk_root_ = std::move(dir); }
  const std::optional<std::string>& disk_root() const { return disk_root_; }

  // open()'s request: an added file of that name, else (with a disk root) the file on disk.
  lang::FileRead read(const std::string& path) const;

 private:
  lang::FileRead read_disk(const std::string& path) const;
  std::map<std::string, std::shared_ptr<const std::string>> files_;
  size_t total_ = 0;
  std::optional<std::string> disk_root_;
};

// A relative path in canonical form: "./data//u.data" -> "data/u.data", "/u.data" -> "u.data",
// "a/../b" -> "b"; "." and "" for the root itself; nullopt when it leaves the root ("../x").
std::optional<std::string> normalize_path(std::string_view path);

}  // namespace gradlab
