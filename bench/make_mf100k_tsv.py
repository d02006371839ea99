#!/usr/bin/env python3
"""W3's data as text gradlab programs can read: converts the peers' mf100k.bin
(../shared/bench/peers/make_mf100k_data.py, sha256 c5267232...) into tab-separated files in
bench/data/mf100k/ (made by the build of the benchmark, not committed: about 9 MB):

  meta.tsv     n_users n_items n_ratings dim epochs batch global_mean   (one line)
  ratings.tsv  user item rating        one line per rating, as MovieLens' u.data (no timestamp)
  perms.tsv    the 10 fixed epoch shuffles, one line of 100,000 indices each
  U0.tsv       the initial user table, 943 lines of 32 values
  V0.tsv       the initial item table, 1682 lines of 32 values

Floats are written as repr() of the float32 value widened to a double, so reading them back
and storing them as float32 gives the same bits. When the .bin is missing (MF_DATA, default
/tmp/perf/data/mf100k.bin) it is generated with the peers' script (needs numpy).
usage: bench/make_mf100k_tsv.py [--bin PATH] [--out DIR]
"""
import argparse
import hashlib
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PEERS = os.path.normpath(os.path.join(HERE, "..", "..", "shared", "bench", "peers"))
SHA256 = "c5267232ba2b216f3a1e31d97dce5af988f408f5d00bea17e2ac2626cd6610a3"
FILES = ("meta.tsv", "ratings.tsv", "perms.tsv", "U0.tsv", "V0.tsv")


def ensure_bin(path):
    if not os.path.exists(path):
        print(f"generating {path} with the peers' make_mf100k_data.py", file=sys.stderr)
        subprocess.run(["/usr/bin/python3", os.path.join(PEERS, "make_mf100k_data.py"), path],
                       check=True, stdout=sys.stderr)
    raw = open(path, "rb").read()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != SHA256:
        sys.exit(f"{path}: sha256 {digest}, expected {SHA256}")
    return raw


def convert(raw, out):
    if raw[:8] != b"MF100K01":
        sys.exit("not an MF100K01 file")
    nu, ni, n, dim, epochs, batch = struct.unpack_from("<6i", raw, 8)
    (mean,) = struct.unpack_from("<f", raw, 32)
    off = 36

    def take(fmt, count):
        nonlocal off
        vals = struct.unpack_from(f"<{count}{fmt}", raw, off)
        off += 4 * count
        return vals

    users, items, ratings = take("i", n), take("i", n), take("f", n)
    perms = take("i", n * epochs)
    u0, v0 = take("f", nu * dim), take("f", ni * dim)
    assert off == len(raw)
    os.makedirs(out, exist_ok=True)

    def write(name, lines):
        tmp = os.path.join(out, name + ".tmp")
        with open(tmp, "w") as f:
            for line in lines:
                f.write(line + "\n")
        os.replace(tmp, os.path.join(out, name))

    write("meta.tsv", ["\t".join(map(str, (nu, ni, n, dim, epochs, batch))) + "\t" + repr(mean)])
    write("ratings.tsv", (f"{u}\t{i}\t{r!r}" for u, i, r in zip(users, items, ratings)))
    write("perms.tsv", ("\t".join(map(str, perms[e * n:(e + 1) * n])) for e in range(epochs)))
    for name, table, rows in (("U0.tsv", u0, nu), ("V0.tsv", v0, ni)):
        write(name, ("\t".join(map(repr, table[r * dim:(r + 1) * dim])) for r in range(rows)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.environ.get("MF_DATA", "/tmp/perf/data/mf100k.bin"))
    ap.add_argument("--out", default=os.path.join(HERE, "data", "mf100k"))
    a = ap.parse_args()
    convert(ensure_bin(a.bin), a.out)
    print(f"wrote {', '.join(FILES)} to {a.out}")


if __name__ == "__main__":
    main()
