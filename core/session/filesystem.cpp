// The session's files: the in-memory ones (added by the page) and, for the CLI, the disk.
#include "session/filesystem.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>

#include "tensor/error.h"

namespace gradlab {

using lang::FileRead;
using lang::kMaxFileBytes;

namespace {
// Added files named in the not-found hint, at most.
constexpr size_t kHintNames = 10;

std::string mb(size_t bytes) { return std::to_string(bytes >> 20) + " MB"; }
}  // namespace

std::optional<std::string> normalize_path(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view part = path.substr(i, j - i);
    if (part == "..") {
      if (parts.empty()) return std::nullopt;
      parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out;
  for (auto p : parts) {
    if (!out.empty()) out += '/';
    out += p;
  }
  return out;
}

void FileSystem::add(std::string_view name, std::string bytes) {
  std::optional<std::string> key = normalize_path(name);
  if (!key || key->empty())
    throw Error("ValueError", "a data file needs a name inside the notebook's folder, not '" +
                                  std::string(name) + "'");
  if (bytes.size() > kMaxFileBytes)
    throw Error("OSError", "[Errno 27] File too large: '" + *key + "' is " + mb(bytes.size()) +
                               "; gradlab's open() reads files up to " + mb(kMaxFileBytes));
  auto it = files_.find(*key);
  size_t replaced = it == files_.end() ? 0 : it->second->size();
  if (total_ - replaced + bytes.size() > kMaxAddedFilesBytes)
    throw Error("OSError",
                "[Errno 28] No space left on device: the added files would take more than " +
                    mb(kMaxAddedFilesBytes) + "; remove some first");
  total_ = total_ - replaced + bytes.size();
  files_[*key] = std::make_shared<const std::string>(std::move(bytes));
}

bool FileSystem::remove(std::string_view name) {
  std::optional<std::string> key = normalize_path(name);
  if (!key) return false;
  auto it = files_.find(*key);
  if (it == files_.end()) return false;
  total_ -= it->second->size();
  files_.erase(it);
  return true;
}

std::vector<FileInfo> FileSystem::list() const {
  std::vector<FileInfo> out;
  for (auto& [name, bytes] : files_) out.push_back(FileInfo{name, bytes->size()});
  return out;
}

FileRead FileSystem::read(const std::string& path) const {
  FileRead r;
  if (path.empty()) return r;  // CPython: [Errno 2] No such file or directory: ''
  std::optional<std::string> key = normalize_path(path);
  if (key) {
    auto it = files_.find(*key);
    if (it != files_.end()) {
      r.status = FileRead::Status::Ok;
      r.bytes = it->second;
      return r;
    }
  }
  if (disk_root_) return read_disk(path);
  if (key) {
    // A folder of added files ("data" when "data/u.data" was added), or the root itself.
    std::string prefix = key->empty() ? "" : *key + "/";
    auto it = files_.lower_bound(prefix);
    if (key->empty() || (it != files_.end() && it->first.compare(0, prefix.size(), prefix) == 0)) {
      r.status = FileRead::Status::IsDirectory;
      return r;
    }
  }
  r.hint = "gradlab: open() in the page reads only the files added with \"Add data file\"";
  if (files_.empty()) {
    r.hint += " (none are added yet)";
  } else {
    r.hint += ": ";
    size_t n = 0;
    for (auto& f : files_) {
      if (n == kHintNames) {
        r.hint += ", ...";
        break;
      }
      r.hint += (n++ ? ", '" : "'") + f.first + "'";
    }
  }
  return r;
}

FileRead FileSystem::read_disk(const std::string& path) const {
  FileRead r;
#ifdef __EMSCRIPTEN__
  // The browser build has no disk (nothing sets a disk root there): leaving stat/fopen out
  // keeps emscripten's file-system emulation (~13 KB gzip of JS) out of the page.
  (void)path;
  r.status = FileRead::Status::NotFound;
  return r;
#else
  const std::string& root = *disk_root_;
  std::string full = path[0] == '/' || root.empty() ? path
                     : root.back() == '/'           ? root + path
                                                    : root + "/" + path;
  struct stat st;
  if (::stat(full.c_str(), &st) != 0) {
    r.status = errno == EACCES ? FileRead::Status::PermissionDenied : FileRead::Status::NotFound;
    return r;
  }
  if (S_ISDIR(st.st_mode)) {
    r.status = FileRead::Status::IsDirectory;
    return r;
  }
  if (uint64_t(st.st_size) > kMaxFileBytes) {
    r.status = FileRead::Status::TooLarge;
    return r;
  }
  std::FILE* f = std::fopen(full.c_str(), "rb");
  if (!f) {
    r.status = errno == EACCES ? FileRead::Status::PermissionDenied : FileRead::Status::NotFound;
    return r;
  }
  auto bytes = std::make_shared<std::string>();
  char buf[1 << 16];
  size_t got;
  while ((got = std::fread(buf, 1, sizeof buf, f)) > 0) {
    bytes->append(buf, got);
    if (bytes->size() > kMaxFileBytes) {  // it grew since stat()
      std::fclose(f);
      r.status = FileRead::Status::TooLarge;
      return r;
    }
  }
  std::fclose(f);
  r.status = FileRead::Status::Ok;
  r.bytes = std::move(bytes);
  return r;
#endif
}

}  // namespace gradlab
