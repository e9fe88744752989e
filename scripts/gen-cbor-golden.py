#!/usr/bin/env python3
"""Generate spec/vectors/cbor/golden.json with an oracle independent of the project's encoders.

The project has three canonical-CBOR encoders (TypeScript, Rust, Solidity). Their golden
vectors must not come from any of them, so this script computes every expected value with
third-party code only:

- CBOR bytes: the PyPI package ``cbor2`` (tested with 6.3.0);
- sha256 and NIST SHA3-256: Python's ``hashlib``;
- Ethereum keccak-256: ``Crypto.Hash.keccak`` from the PyPI package ``pycryptodome``
  (``digest_bits=256``, the original Keccak padding that Ethereum uses).

Setup (not part of the project's install; the generated JSON is committed):

    python3 -m venv /tmp/cbor-oracle && /tmp/cbor-oracle/bin/pip install cbor2 pycryptodome
    /tmp/cbor-oracle/bin/python scripts/gen-cbor-golden.py            # rewrite golden.json
    npx prettier --write spec/vectors/cbor/golden.json                # the repo's JSON layout
    /tmp/cbor-oracle/bin/python scripts/gen-cbor-golden.py --check    # fail if it differs

Map key order. ``cbor2.dumps(canonical=True)`` sorts map keys the RFC 7049 §3.9 way
(shorter encoded key first, then bytewise), not the RFC 8949 §4.2.1 way (bytewise order of
the encoded keys): it puts ``"a"`` (61 61) before ``1000`` (19 03 e8), where RFC 8949 puts
1000 first. ``check_cbor2_key_order()`` below pins that finding. The two orders agree
whenever all keys have the same major type with shortest-form heads -- the head of a text
string grows in bytes and in value with its length -- and this protocol's maps have text
keys only. To depend on that argument nowhere, every vector is encoded twice: (A)
cbor2 canonical, and (B) cbor2 non-canonical on maps whose entries this script has put in
RFC 8949 order itself (sorted by ``cbor2.dumps(key)`` bytes); A must equal B. Each
encoding is also decoded back with cbor2 and compared with the input.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import sys
from pathlib import Path

import cbor2
from Crypto.Hash import keccak

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "spec" / "vectors" / "cbor" / "golden.json"

U64_MAX = 2**64 - 1


# --- typed notation (spec/cbor.md "Vector notation") -------------------------------------


def uint(n: int) -> dict:
    return {"uint": str(n)}


def nint(n: int) -> dict:
    return {"nint": str(n)}


def bstr(b: bytes) -> dict:
    return {"bytes": "0x" + b.hex()}


def text(s: str) -> dict:
    return {"text": s}


def boolean(b: bool) -> dict:
    return {"bool": b}


def array(*items: dict) -> dict:
    return {"array": list(items)}


def cmap(*entries: tuple) -> dict:
    """Entries in the order given (the generator never sorts the input)."""
    return {"map": [[k, v] for k, v in entries]}


class NotCanonical(Exception):
    pass


def to_python(v: dict):
    """Typed notation -> the Python value cbor2 encodes. Raises NotCanonical outside the model."""
    if not isinstance(v, dict) or len(v) != 1:
        raise NotCanonical(f"not a typed value: {v!r}")
    (kind, x), = v.items()
    if kind == "uint":
        n = int(x)
        if not 0 <= n <= U64_MAX:
            raise NotCanonical(f"uint out of range: {n}")
        return n
    if kind == "nint":
        n = int(x)
        if not -(2**64) <= n <= -1:
            raise NotCanonical(f"nint out of range: {n}")
        return n
    if kind == "bytes":
        assert x.startswith("0x")
        return bytes.fromhex(x[2:])
    if kind == "text":
        x.encode("utf-8")  # lone surrogates raise here
        return x
    if kind == "bool":
        assert isinstance(x, bool)
        return x
    if kind == "array":
        return [to_python(i) for i in x]
    if kind == "map":
        out = {}
        for key, val in x:
            if not isinstance(key, str):
                raise NotCanonical(f"non-text key: {key!r}")
            if key in out:
                raise NotCanonical(f"duplicate key: {key!r}")
            out[key] = to_python(val)
        return out
    raise NotCanonical(f"outside the data model: {kind}")


def presorted(obj):
    """The same value with every map's entries in RFC 8949 §4.2.1 order (bytewise order of the
    encoded keys), computed from cbor2's encoding of each key."""
    if isinstance(obj, list):
        return [presorted(i) for i in obj]
    if isinstance(obj, dict):
        entries = sorted(obj.items(), key=lambda kv: cbor2.dumps(kv[0]))
        return {k: presorted(v) for k, v in entries}
    return obj


def encode(obj) -> bytes:
    a = cbor2.dumps(obj, canonical=True)
    b = cbor2.dumps(presorted(obj), canonical=False)
    if a != b:
        raise SystemExit(f"cbor2 canonical order differs from RFC 8949 bytewise order: {a.hex()} vs {b.hex()}")
    if cbor2.loads(a) != obj or type(cbor2.loads(a)) is not type(obj):
        raise SystemExit(f"cbor2 round trip failed for {obj!r}")
    return a


def keccak256(data: bytes) -> bytes:
    h = keccak.new(digest_bits=256)
    h.update(data)
    return h.digest()


# --- oracle self-checks ------------------------------------------------------------------


def check_hashes() -> None:
    # Published values for the empty input.
    assert keccak256(b"").hex() == "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    assert hashlib.sha3_256(b"").hexdigest() == "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"
    assert hashlib.sha256(b"").hexdigest() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert keccak256(b"abc").hex() == "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"


def check_rfc8949_appendix_a() -> None:
    """cbor2 against examples printed in RFC 8949 Appendix A."""
    examples = [
        (0, "00"), (1, "01"), (10, "0a"), (23, "17"), (24, "1818"), (25, "1819"), (100, "1864"),
        (1000, "1903e8"), (1000000, "1a000f4240"), (1000000000000, "1b000000e8d4a51000"),
        (18446744073709551615, "1bffffffffffffffff"), (-18446744073709551616, "3bffffffffffffffff"),
        (-1, "20"), (-10, "29"), (-100, "3863"), (-1000, "3903e7"), (False, "f4"), (True, "f5"),
        (b"", "40"), (bytes.fromhex("01020304"), "4401020304"), ("", "60"), ("a", "6161"),
        ("IETF", "6449455446"), ('"\\', "62225c"), ("\u00fc", "62c3bc"), ("\u6c34", "63e6b0b4"),
        ("\U00010151", "64f0908591"), ([], "80"), ([1, 2, 3], "83010203"),
        ([1, [2, 3], [4, 5]], "8301820203820405"),
        (list(range(1, 26)), "98190102030405060708090a0b0c0d0e0f101112131415161718181819"),
        ({}, "a0"), ({"a": 1, "b": [2, 3]}, "a26161016162820203"), (["a", {"b": "c"}], "826161a161626163"),
        ({"a": "A", "b": "B", "c": "C", "d": "D", "e": "E"}, "a56161614161626142616361436164614461656145"),
    ]
    for value, hexed in examples:
        got = cbor2.dumps(value, canonical=True).hex()
        assert got == hexed, f"cbor2 disagrees with RFC 8949 Appendix A on {value!r}: {got} != {hexed}"


def check_cbor2_key_order() -> None:
    """Pins why the script re-sorts maps itself: cbor2's canonical order is RFC 7049's."""
    got = cbor2.dumps({"a": 1, 1000: 2}, canonical=True).hex()
    rfc8949 = "a21903e8026161" + "01"
    rfc7049 = "a2616101" + "1903e802"
    assert got in (rfc8949, rfc7049), got
    version = importlib.metadata.version("cbor2")
    print(f"note: cbor2 {version} canonical map order is "
          f"{'RFC 8949 bytewise' if got == rfc8949 else 'RFC 7049 length-first'} (mixed key types); "
          "text-only keys are re-sorted and cross-checked anyway", file=sys.stderr)


# --- the vectors -------------------------------------------------------------------------


def pattern(n: int) -> bytes:
    """n bytes 00 01 .. ff 00 01 .. (every byte value, easy to eyeball)."""
    return bytes(i % 256 for i in range(n))


def ascii_text(n: int) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "".join(alphabet[i % len(alphabet)] for i in range(n))


def vectors() -> list[tuple[str, dict, str]]:
    """(name, value, note). Names are unique and stable: tests report them."""
    v: list[tuple[str, dict, str]] = []

    def add(name: str, value: dict, note: str = "") -> None:
        v.append((name, value, note))

    # Unsigned integers: every head width and both sides of each boundary.
    for n, note in [
        (0, "smallest"), (1, ""), (10, ""), (23, "largest inline argument"),
        (24, "smallest one-byte argument"), (25, ""), (100, ""), (255, "largest one-byte argument"),
        (256, "smallest two-byte argument"), (1000, ""), (65535, "largest two-byte argument"),
        (65536, "smallest four-byte argument"), (1000000, ""), (2**32 - 1, "largest four-byte argument"),
        (2**32, "smallest eight-byte argument"), (2**53, "first integer past JS Number.MAX_SAFE_INTEGER"),
        (1000000000000, ""), (2**64 - 1, "largest uint"),
    ]:
        add(f"uint {n}", uint(n), note)

    # Negative integers: -1-n with n at the same boundaries.
    for n, note in [
        (-1, "n=0"), (-10, ""), (-24, "n=23, largest inline"), (-25, "n=24, one-byte argument"),
        (-100, ""), (-256, "n=255, largest one-byte argument"), (-257, "n=256, two-byte argument"),
        (-1000, ""), (-65536, "n=65535"), (-65537, "n=65536, four-byte argument"),
        (-(2**32), "n=2^32-1"), (-(2**32) - 1, "n=2^32, eight-byte argument"),
        (-(2**64), "smallest nint, n=2^64-1"),
    ]:
        add(f"nint {n}", nint(n), note)

    add("bool false", boolean(False))
    add("bool true", boolean(True))

    # Byte strings.
    add("bytes empty", bstr(b""))
    add("bytes 01020304", bstr(bytes.fromhex("01020304")))
    add("bytes32 all ff", bstr(b"\xff" * 32), "a state root / action id sized value")
    for n in (23, 24, 255, 256, 1000):
        add(f"bytes length {n}", bstr(pattern(n)), "payload is bytes 00 01 02 .. repeating")

    # Text strings: length is in UTF-8 bytes, never in characters or UTF-16 units.
    add("text empty", text(""))
    add("text a", text("a"))
    add("text IETF", text("IETF"))
    add("text quote backslash", text('"\\'))
    add("text u+00fc", text("\u00fc"), "two UTF-8 bytes")
    add("text u+6c34", text("\u6c34"), "three UTF-8 bytes")
    add("text u+10151", text("\U00010151"), "four UTF-8 bytes, a surrogate pair in UTF-16")
    add("text mixed unicode", text("Vagus \u2014 tone \u2265 0.8 \U0001F916 \u00e9t\u00e9"))
    add("text 12 e-acute is 24 bytes", text("\u00e9" * 12),
        "12 characters, 24 UTF-8 bytes: the head is 78 18, not 6c")
    add("text 6 emoji is 24 bytes", text("\U0001F916" * 6),
        "6 code points, 12 UTF-16 units, 24 UTF-8 bytes")
    for n in (23, 24, 255, 256, 1000, 1500):
        add(f"text length {n}", text(ascii_text(n)), "ASCII a-z0-9 repeating")

    # Arrays.
    add("array empty", array())
    add("array 1 2 3", array(uint(1), uint(2), uint(3)))
    add("array nested", array(uint(1), array(uint(2), uint(3)), array(uint(4), uint(5))))
    add("array 25 items", array(*[uint(i) for i in range(1, 26)]), "one-byte length argument")
    add("array mixed types", array(uint(0), nint(-1), bstr(b"\x00"), text(""), boolean(True),
                                   array(), cmap()))
    add("array deeply nested", array(array(array(array(array(uint(7)))))))

    # Maps and key order.
    add("map empty", cmap())
    add("map a b", cmap(("a", uint(1)), ("b", array(uint(2), uint(3)))))
    add("map keys b a aa B", cmap(("b", uint(1)), ("a", uint(2)), ("aa", uint(3)), ("B", uint(4))),
        "encoded order: B (61 42) < a (61 61) < b (61 62) < aa (62 61 61)")
    add("map keys reverse of encoded order", cmap(("aa", uint(3)), ("b", uint(1)), ("a", uint(2)), ("B", uint(4))),
        "same map, entries given in reverse: same bytes")
    add("map shorter key first", cmap(("aaa", uint(1)), ("zz", uint(2)), ("z", uint(3))),
        "alphabetical would be aaa, z, zz; encoded order is z, zz, aaa")
    add("map numeric-looking keys", cmap(("10", uint(10)), ("9", uint(9)), ("100", uint(100)), ("1", uint(1))),
        "1, 9, 10, 100: length first, so not string order")
    add("map empty key", cmap(("a", uint(1)), ("", uint(0))), "the empty key (60) sorts first")
    add("map uppercase before lowercase", cmap(("a", uint(1)), ("Z", uint(2)), ("_", uint(3))),
        "Z (5a) < _ (5f) < a (61)")
    add("map non-ascii key", cmap(("\u00e9", uint(1)), ("ab", uint(2)), ("z", uint(3)), ("\u00e0", uint(4))),
        "\u00e9 and \u00e0 are 2 UTF-8 bytes (c3 a9, c3 a0): z, ab, \u00e0, \u00e9")
    add("map 23 and 24 byte keys", cmap((ascii_text(24), uint(24)), (ascii_text(23), uint(23)), ("z", uint(1))),
        "heads 61, 77, 78 18: the key length crosses a head width")
    add("map 24 entries", cmap(*[(f"k{i:02d}", uint(i)) for i in reversed(range(24))]),
        "one-byte map length argument (b8 18)")
    add("map nested unsorted", cmap(
        ("outer", cmap(("y", uint(2)), ("x", uint(1)), ("xx", cmap(("b", uint(2)), ("a", uint(1)))))),
        ("a", array(cmap(("d", uint(4)), ("c", uint(3))))),
    ), "every level is sorted independently")
    add("map all value types", cmap(
        ("uint", uint(2**64 - 1)), ("nint", nint(-(2**64))), ("bytes", bstr(b"\xde\xad\xbe\xef")),
        ("text", text("t")), ("bool", boolean(False)), ("array", array(uint(1))), ("map", cmap(("k", text("v")))),
    ))
    add("worked example", cmap(
        ("executorId", uint(42)), ("tonePpm", uint(350000)), ("offset", nint(-1500)),
        ("root", bstr(bytes.fromhex("0102"))),
    ), "spec/cbor.md walks through these bytes")
    add("aep metrics example", cmap(
        ("executorId", uint(42)),
        ("stateRoot", bstr(bytes.fromhex("11" * 32))),
        ("metrics", cmap(
            ("tonePpm", uint(350000)),
            ("jointTempMilliC", uint(41250)),
            ("velocityMmS", uint(120)),
            ("torqueOffsetMnm", nint(-1500)),
        )),
        ("observedAt", uint(1998432000)),
    ), "the shape of an AfferentInbox evidence commitment")
    # spec/safety-core.md section 2.2: the seven entries AfferentInbox commits to. Listed here
    # in the prose's table order; the encoder sorts them.
    add("safety-core evidence negative temperature", cmap(
        ("executorId", uint(7)),
        ("stateRoot", bstr(bytes.fromhex("ab" * 32))),
        ("sequence", uint(1)),
        ("riskPpm", uint(250000)),
        ("forceMilliN", uint(12000)),
        ("velocityMilliMps", uint(350)),
        ("temperatureMilliC", nint(-5000)),
    ), "AfferentInbox evidence (safety-core.md 2.2), temperatureMilliC below zero")
    add("safety-core evidence extremes", cmap(
        ("executorId", uint(2**64 - 1)),
        ("stateRoot", bstr(bytes.fromhex("00" * 31 + "01"))),
        ("sequence", uint(2**64 - 1)),
        ("riskPpm", uint(1000000)),
        ("forceMilliN", uint(0)),
        ("velocityMilliMps", uint(2**32)),
        ("temperatureMilliC", nint(-(2**63))),
    ), "AfferentInbox evidence at the edges of its field types (int64 minimum)")
    # spec/safety-core.md section 3.2: params / limits maps of a brake schema, keys in schema
    # order (which is canonical order).
    add("brake limits map", cmap(
        ("force", uint(40000)),
        ("speed", uint(250)),
        ("torque", uint(1200)),
        ("gripMilliN", uint(18446744073709551615)),
    ), "VagalBrake params/limits commitment: {name_i: value_i}")
    return v


INVALID = [
    ("duplicate key", cmap(("a", uint(1)), ("a", uint(2))), "DuplicateKey"),
    ("duplicate key same value", cmap(("a", uint(1)), ("b", uint(2)), ("a", uint(1))), "DuplicateKey"),
    ("duplicate key nested", array(cmap(("x", cmap(("k", uint(1)), ("k", text("k")))))), "DuplicateKey"),
    ("non-text key uint", cmap((uint(1), text("one"))), "NonTextKey"),
    ("non-text key bytes", cmap((bstr(b"a"), text("a"))), "NonTextKey"),
    ("float", {"number": 1.5}, "NotAnInteger"),
    ("float negative", {"number": -0.5}, "NotAnInteger"),
    ("float nested", cmap(("tone", {"number": 0.35})), "NotAnInteger"),
    ("number past safe integers", {"number": 2**53}, "UnsafeInteger"),
    ("negative number past safe integers", {"number": -(2**53)}, "UnsafeInteger"),
    ("uint 2^64", uint(2**64), "IntegerOutOfRange"),
    ("uint 2^64 nested", array(uint(1), uint(2**64)), "IntegerOutOfRange"),
    ("nint -2^64-1", nint(-(2**64) - 1), "IntegerOutOfRange"),
    ("null", {"null": None}, "UnsupportedType"),
]


def build() -> dict:
    rows = []
    names = set()
    sha3_demo = {"map empty", "uint 0", "worked example", "aep metrics example"}
    for name, value, note in vectors():
        assert name not in names, name
        names.add(name)
        data = encode(to_python(value))
        row = {"name": name}
        if note:
            row["note"] = note
        row["value"] = value
        row["cbor"] = "0x" + data.hex()
        row["sha256"] = "0x" + hashlib.sha256(data).hexdigest()
        row["keccak256"] = "0x" + keccak256(data).hex()
        sha3 = hashlib.sha3_256(data).hexdigest()
        assert "0x" + sha3 != row["keccak256"]
        if name in sha3_demo:
            row["sha3_256_not_keccak"] = "0x" + sha3
        rows.append(row)
    invalid = []
    for name, value, error in INVALID:
        try:
            to_python(value)
        except NotCanonical:
            pass
        else:
            raise SystemExit(f"invalid vector {name!r} is encodable")
        invalid.append({"name": name, "value": value, "error": error})
    return {
        "description": "Golden vectors for canonical CBOR (RFC 8949 §4.2.1) and the dual hashes; "
        "format in spec/cbor.md. Generated by scripts/gen-cbor-golden.py (cbor2, pycryptodome, hashlib): "
        "do not edit by hand.",
        "vectors": rows,
        "invalid": invalid,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="fail if golden.json differs from what would be written")
    args = ap.parse_args()
    check_hashes()
    check_rfc8949_appendix_a()
    check_cbor2_key_order()
    doc = build()
    text_out = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if args.check:
        # Compares content, not layout: the committed file may be reformatted by prettier.
        if json.loads(OUT.read_text(encoding="utf-8")) != doc:
            raise SystemExit(f"{OUT.relative_to(ROOT)} is stale: rerun scripts/gen-cbor-golden.py")
        print(f"{OUT.relative_to(ROOT)} is current")
        return
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text_out, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(doc['vectors'])} vectors, {len(doc['invalid'])} invalid")


if __name__ == "__main__":
    main()
