// open() (core/lang/builtins_io.cpp) and the session's files (core/session/filesystem.cpp):
// read/readline/readlines/iteration keep '\n' as CPython does, `with` closes the file (also
// when the block raises), read-only modes, CPython's error wording, UTF-8 and newlines, the
// in-memory files the page adds, the disk relative to the script's directory, and the limits.
// Expected outputs are what CPython 3.11 prints for the same program and file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "lang/io_module.h"
#include "session/filesystem.h"
#include "vm_test_util.h"

namespace gradlab {
namespace {

using testing::Outcome;
using testing::run_in;

// What `source` printed (then "!Type: message" if it failed), in a session holding `files`.
std::string out_with(const std::vector<std::pair<std::string, std::string>>& files,
                     const std::string& source) {
  Session s;
  for (auto& [name, bytes] : files) s.add_file(name, bytes);
  Outcome o = run_in(s, source);
  return o.error.empty() ? o.out : o.out + "!" + o.error;
}

const std::string kRatings = "1\t10\t4.5\n2\t20\t3.0\n3\t30\t5.0\n";

TEST(Open, ReadReadlineReadlinesAndIterationKeepNewlines) {
  std::vector<std::pair<std::string, std::string>> files = {{"r.tsv", kRatings},
                                                            {"last.txt", "a\nb"}};
  EXPECT_EQ(out_with(files, "f = open('r.tsv')\nprint(repr(f.read()))\nprint(repr(f.read()))"),
            "'1\\t10\\t4.5\\n2\\t20\\t3.0\\n3\\t30\\t5.0\\n'\n''\n");
  EXPECT_EQ(out_with(files,
                     "f = open('r.tsv')\nprint(repr(f.readline()), repr(f.readline(3)))\n"
                     "print(f.readlines())\nprint(repr(f.readline()))"),
            "'1\\t10\\t4.5\\n' '2\\t2'\n['0\\t3.0\\n', '3\\t30\\t5.0\\n']\n''\n");
  EXPECT_EQ(out_with(files, "for line in open('last.txt'):\n    print(repr(line))"),
            "'a\\n'\n'b'\n");
  EXPECT_EQ(out_with(files, "print(open('last.txt').readlines(), list(open('last.txt')))"),
            "['a\\n', 'b'] ['a\\n', 'b']\n");
  EXPECT_EQ(out_with(files, "print(open('r.tsv').readlines(12))"),  // stops once 12 chars are in
            "['1\\t10\\t4.5\\n', '2\\t20\\t3.0\\n']\n");
  EXPECT_EQ(
      out_with(files, "print(repr(open('r.tsv').read(4)), repr(open('r.tsv').read(None)[-4:]))"),
      "'1\\t10' '5.0\\n'\n");
  EXPECT_EQ(out_with({{"empty.txt", ""}},
                     "f = open('empty.txt')\n"
                     "print(repr(f.read()), f.readlines(), list(f))"),
            "'' [] []\n");
}

TEST(Open, TheFileIsItsOwnIteratorSharingOnePosition) {
  std::vector<std::pair<std::string, std::string>> files = {{"r.tsv", "h\n" + kRatings}};
  EXPECT_EQ(out_with(files, R"(f = open('r.tsv')
print(iter(f) is f)
header = next(f)
print(repr(header))
for line in f:
    print(line.split('\t')[0])
    break
print(repr(f.readline()))
print(sum(1 for _ in f), next(f, 'end'))
)"),
            "True\n'h\\n'\n1\n'2\\t20\\t3.0\\n'\n1 end\n");
  EXPECT_EQ(out_with(files, "f = open('r.tsv')\nlist(f)\nnext(f)"), "!StopIteration");
}

TEST(Open, WithClosesTheFileAlsoWhenTheBlockRaises) {
  std::vector<std::pair<std::string, std::string>> files = {{"r.tsv", kRatings}};
  EXPECT_EQ(out_with(files, R"(with open('r.tsv') as f:
    print(f.closed, f.name, f.mode, f.encoding)
    n = len(f.readlines())
print(n, f.closed)
try:
    with open('r.tsv') as g:
        raise KeyError('inside')
except KeyError as e:
    print('caught', e, g.closed)
def first():
    with open('r.tsv') as h:
        return h.readline()
print(repr(first()))
)"),
            "False r.tsv r UTF-8\n3 True\ncaught 'inside' True\n'1\\t10\\t4.5\\n'\n");
  const char* closed = "!ValueError: I/O operation on closed file.";
  EXPECT_EQ(out_with(files, "f = open('r.tsv')\nf.close()\nf.close()\nprint(f.closed)\nf.read()"),
            std::string("True\n") + closed);
  EXPECT_EQ(out_with(files, "with open('r.tsv') as f:\n    pass\nfor line in f:\n    pass"),
            closed);
  EXPECT_EQ(out_with(files, "f = open('r.tsv')\nf.close()\nwith f:\n    pass"), closed);
}

TEST(Open, ModesAreReadTextOnly) {
  std::vector<std::pair<std::string, std::string>> files = {{"r.tsv", kRatings}};
  EXPECT_EQ(out_with(files,
                     "print(open('r.tsv', 'rt').readline(), end='')\n"
                     "print(open('r.tsv', mode='tr').readable(), open('r.tsv').writable())"),
            "1\t10\t4.5\nTrue False\n");
  for (const char* m : {"w", "a", "x", "r+", "w+"})
    EXPECT_EQ(out_with(files, std::string("open('out.txt', '") + m + "')"),
              std::string("!PermissionError: [Errno 13] Permission denied: 'out.txt' (gradlab's "
                          "open() is read-only: mode '") +
                  m + "' is not supported, use 'r')")
        << m;
  EXPECT_EQ(out_with(files, "open('r.tsv', 'rb')"),
            "!ValueError: gradlab's open() reads text only: mode 'rb' is not supported, use 'r'");
  // CPython's own mode errors come first.
  EXPECT_EQ(out_with(files, "open('r.tsv', 'q')"), "!ValueError: invalid mode: 'q'");
  EXPECT_EQ(out_with(files, "open('r.tsv', 'rr')"), "!ValueError: invalid mode: 'rr'");
  EXPECT_EQ(out_with(files, "open('r.tsv', 'rw')"),
            "!ValueError: must have exactly one of create/read/write/append mode");
  EXPECT_EQ(out_with(files, "open('r.tsv', 'rtb')"),
            "!ValueError: can't have text and binary mode at once");
  EXPECT_EQ(out_with(files, "open('r.tsv', 't')"),
            "!ValueError: Must have exactly one of create/read/write/append mode and at most one "
            "plus");
  EXPECT_EQ(out_with(files, "open('r.tsv', 'r', 0)"),
            "!ValueError: can't have unbuffered text I/O");
  EXPECT_EQ(out_with(files, "open('r.tsv').write('x')"), "!io.UnsupportedOperation: not writable");
  EXPECT_EQ(out_with(files, "open('r.tsv', encoding='latin-1')"),
            "!ValueError: gradlab's open() reads UTF-8 text only: encoding='latin-1' is not "
            "supported");
  EXPECT_EQ(out_with(files,
                     "print(open('r.tsv', encoding='utf-8').read(1), "
                     "open('r.tsv', encoding='UTF8').read(1))"),
            "1 1\n");
  EXPECT_EQ(out_with(files, "open(3.5)"),
            "!TypeError: expected str, bytes or os.PathLike object, not float");
  EXPECT_EQ(out_with(files, "open('r.tsv', 1)"),
            "!TypeError: open() argument 'mode' must be str, not int");
  EXPECT_EQ(out_with(files, "open('r.tsv', foo=1)"),
            "!TypeError: 'foo' is an invalid keyword argument for open()");
  EXPECT_EQ(out_with(files, "open('r.tsv').read('x')"),
            "!TypeError: argument should be integer or None, not 'str'");
  EXPECT_EQ(out_with(files, "open('r.tsv').close(1)"),
            "!TypeError: TextIOWrapper.close() takes no arguments (1 given)");
}

TEST(Open, MissingFilesAreCPythonsErrorsWithAHintInThePage) {
  Session s;
  Outcome o = run_in(s, "open('x.tsv')");
  EXPECT_EQ(o.error, "FileNotFoundError: [Errno 2] No such file or directory: 'x.tsv'");
  EXPECT_EQ(o.record.traceback,
            "Traceback (most recent call last):\n  File \"<cell 1>\", line 1, in <module>\n"
            "    open('x.tsv')\n"
            "gradlab: open() in the page reads only the files added with \"Add data file\" "
            "(none are added yet)\n"
            "FileNotFoundError: [Errno 2] No such file or directory: 'x.tsv'\n");
  s.add_file("u.data", "1\t2\t3\t4\n");
  o = run_in(s, "open(\"it's.txt\")");
  EXPECT_EQ(o.error, "FileNotFoundError: [Errno 2] No such file or directory: \"it's.txt\"");
  EXPECT_NE(o.record.traceback.find("\"Add data file\": 'u.data'\n"), std::string::npos);
  EXPECT_EQ(run_in(s, R"(try:
    open('nope')
except OSError as e:
    print(type(e).__name__, e.errno, e.strerror, e.filename, isinstance(e, IOError))
)")
                .out,
            "FileNotFoundError 2 No such file or directory nope True\n");
  EXPECT_EQ(run_in(s, "open('')").error,
            "FileNotFoundError: [Errno 2] No such file or directory: ''");
  EXPECT_EQ(run_in(s, "open('.')").error, "IsADirectoryError: [Errno 21] Is a directory: '.'");
}

TEST(Open, DecodesUtf8StrictlyAndTranslatesNewlines) {
  EXPECT_EQ(out_with({{"u.txt", "h\xC3\xA9llo\n\xE2\x82\xAC!\n"}},
                     "f = open('u.txt')\nprint(f.read(2), f.readline(2), repr(f.readline()))\n"
                     "print(len(open('u.txt').read()))"),
            "h\xC3\xA9 ll 'o\\n'\n9\n");
  EXPECT_EQ(
      out_with({{"b.txt", "ab\xFF"}}, "open('b.txt')"),
      "!UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 2: invalid start "
      "byte");
  EXPECT_EQ(out_with({{"b.txt", "a\xE2\x82"}}, "open('b.txt')"),
            "!UnicodeDecodeError: 'utf-8' codec can't decode bytes in position 1-2: unexpected end "
            "of data");
  EXPECT_EQ(out_with({{"b.txt", "a\xE2(b"}}, "open('b.txt')"),
            "!UnicodeDecodeError: 'utf-8' codec can't decode byte 0xe2 in position 1: invalid "
            "continuation byte");
  EXPECT_EQ(out_with({{"b.txt", "\xED\xA0\x80"}}, "open('b.txt')"),  // a surrogate
            "!UnicodeDecodeError: 'utf-8' codec can't decode byte 0xed in position 0: invalid "
            "continuation byte");
  EXPECT_EQ(
      out_with(
          {{"b.txt", "\xEF\xBB\xBFx\n"}},
          "print(len(open('b.txt').read()), repr(open('b.txt', encoding='utf-8-sig').read()))"),
      "3 'x\\n'\n");
  std::vector<std::pair<std::string, std::string>> crlf = {{"w.csv", "a,1\r\nb,2\rc,3\n"}};
  EXPECT_EQ(out_with(crlf, "print(open('w.csv').readlines())"), "['a,1\\n', 'b,2\\n', 'c,3\\n']\n");
  EXPECT_EQ(out_with(crlf, "print(open('w.csv', newline='').readlines())"),
            "['a,1\\r\\n', 'b,2\\r', 'c,3\\n']\n");
  EXPECT_EQ(out_with(crlf, "print(open('w.csv', newline='\\n').readlines())"),
            "['a,1\\r\\n', 'b,2\\rc,3\\n']\n");
  EXPECT_EQ(out_with(crlf, "print(open('w.csv', newline='\\r\\n').readlines())"),
            "['a,1\\r\\n', 'b,2\\rc,3\\n']\n");
  EXPECT_EQ(out_with(crlf, "open('w.csv', newline='x')"), "!ValueError: illegal newline value: x");
}

TEST(Open, SeekTellAndRepr) {
  std::vector<std::pair<std::string, std::string>> files = {{"r.tsv", kRatings}};
  EXPECT_EQ(out_with(files, R"(f = open('r.tsv')
print(f)
a = f.readline()
print(f.tell(), f.seek(0), f.readline() == a, f.seek(0, 2), repr(f.read()))
)"),
            "<_io.TextIOWrapper name='r.tsv' mode='r' encoding='UTF-8'>\n9 0 True 27 ''\n");
  EXPECT_EQ(out_with(files, "open('r.tsv').seek(1, 1)"),
            "!io.UnsupportedOperation: can't do nonzero cur-relative seeks");
  EXPECT_EQ(out_with(files, "type(open('r.tsv'))()"),
            "!TypeError: cannot create '_io.TextIOWrapper' instances: use open()");
}

TEST(Open, RatingsIntoTensors) {
  std::string data;
  for (int k = 0; k < 50; ++k)
    data += std::to_string(k % 7 + 1) + "\t" + std::to_string(k % 11 + 1) + "\t" +
            std::to_string(k % 5 + 1) + "\t88125" + std::to_string(k) + "\n";
  EXPECT_EQ(out_with({{"u.data", data}}, R"(import torch
users, items, ratings = [], [], []
with open('u.data') as f:
    for line in f:
        u, i, r, _ = line.split('\t')
        users.append(int(u))
        items.append(int(i))
        ratings.append(float(r))
U = torch.tensor(users)
R = torch.tensor(ratings)
print(len(users), U[:5], U.dtype, R.mean(), R.dtype)
)"),
            "50 tensor([1, 2, 3, 4, 5]) torch.int64 tensor(3.) torch.float32\n");
}

TEST(FileSystem, NormalizesNamesAddsReplacesRemovesAndLists) {
  EXPECT_EQ(normalize_path("./data//u.data").value(), "data/u.data");
  EXPECT_EQ(normalize_path("/u.data").value(), "u.data");
  EXPECT_EQ(normalize_path("a/../b").value(), "b");
  EXPECT_EQ(normalize_path(".").value(), "");
  EXPECT_FALSE(normalize_path("../x").has_value());
  FileSystem fs;
  fs.add("b.txt", "12345");
  fs.add("./data/a.tsv", "1");
  fs.add("b.txt", "123");  // replaces
  auto list = fs.list();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].name, "b.txt");
  EXPECT_EQ(list[0].size, 3u);
  EXPECT_EQ(list[1].name, "data/a.tsv");
  EXPECT_EQ(fs.added_bytes(), 4u);
  EXPECT_EQ(*fs.read("data/./a.tsv").bytes, "1");
  EXPECT_EQ(fs.read("data").status, lang::FileRead::Status::IsDirectory);
  EXPECT_EQ(fs.read("dat").status, lang::FileRead::Status::NotFound);
  EXPECT_TRUE(fs.remove("/b.txt"));
  EXPECT_FALSE(fs.remove("b.txt"));
  EXPECT_EQ(fs.added_bytes(), 1u);
  EXPECT_THROW(fs.add("../up.txt", "x"), Error);
  EXPECT_THROW(fs.add("", "x"), Error);
}

TEST(FileSystem, LimitsFileSizeAndTotal) {
  FileSystem fs;
  try {
    fs.add("big.tsv", std::string(lang::kMaxFileBytes + 1, 'x'));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.type(), "OSError");
    EXPECT_EQ(
        e.message(),
        "[Errno 27] File too large: 'big.tsv' is 64 MB; gradlab's open() reads files up to 64 MB");
  }
  EXPECT_TRUE(fs.list().empty());
  size_t n = kMaxAddedFilesBytes / lang::kMaxFileBytes;
  for (size_t i = 0; i < n; ++i)
    fs.add("f" + std::to_string(i), std::string(lang::kMaxFileBytes, 'x'));
  try {
    fs.add("one_more", "x");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.message(),
              "[Errno 28] No space left on device: the added files would take more than 256 MB; "
              "remove some first");
  }
  fs.add("f0", "small");  // replacing frees the old bytes first
  EXPECT_EQ(fs.added_bytes(), (n - 1) * lang::kMaxFileBytes + 5);
}

// A scratch directory with files, removed at the end.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/gradlab_io_test_XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path + "/" + name, std::ios::binary) << text;
  }
};

TEST(FileSystem, TheDiskRelativeToTheScriptsDirectory) {
  TempDir dir;
  dir.write("r.tsv", kRatings);
  std::system(("mkdir '" + dir.path + "/sub'").c_str());
  dir.write("sub/s.txt", "in sub\n");
  Session s;
  s.files().set_disk_root(dir.path);
  EXPECT_EQ(
      run_in(s, "print(len(open('r.tsv').readlines()), open('sub/s.txt').read(), end='')").out,
      "3 in sub\n");
  EXPECT_EQ(run_in(s, "print(open('" + dir.path + "/r.tsv').readline(), end='')").out,
            "1\t10\t4.5\n");  // absolute paths as they are
  Outcome o = run_in(s, "open('missing.tsv')");
  EXPECT_EQ(o.error, "FileNotFoundError: [Errno 2] No such file or directory: 'missing.tsv'");
  EXPECT_EQ(o.record.traceback.find("Add data file"), std::string::npos);  // no page hint
  EXPECT_EQ(run_in(s, "open('sub')").error, "IsADirectoryError: [Errno 21] Is a directory: 'sub'");
  s.add_file("r.tsv", "added first\n");  // added files come before the disk
  EXPECT_EQ(run_in(s, "print(open('r.tsv').read(), end='')").out, "added first\n");
  s.reset();  // files outlive a reset
  EXPECT_EQ(run_in(s, "print(open('r.tsv').read(), end='')").out, "added first\n");
  EXPECT_TRUE(s.remove_file("r.tsv"));
  EXPECT_EQ(run_in(s, "print(open('r.tsv').readline(), end='')").out, "1\t10\t4.5\n");
  if (geteuid() != 0) {  // root reads everything
    dir.write("secret.txt", "x");
    std::system(("chmod 000 '" + dir.path + "/secret.txt'").c_str());
    EXPECT_EQ(run_in(s, "open('secret.txt')").error,
              "PermissionError: [Errno 13] Permission denied: 'secret.txt'");
  }
}

}  // namespace
}  // namespace gradlab
