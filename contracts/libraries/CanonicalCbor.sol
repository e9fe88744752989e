// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

/// @title CanonicalCbor
/// @notice Canonical CBOR (RFC 8949 §4.2.1 core deterministic encoding, spec/cbor.md) written
/// into `bytes memory`, and the dual hashes (sha256, keccak-256) of a commitment. The
/// TypeScript toolkit and the CosmWasm contracts produce the same bytes for the same value
/// (spec/vectors/cbor/golden.json).
/// @dev Every head is shortest form and every length definite, so whatever a `Writer` holds
/// is canonical, except for map key order: contracts build maps from typed fields with
/// fixed keys, so the caller writes the keys itself, in canonical order (shorter UTF-8
/// first, then bytewise: `isCanonicalKeyOrder`), each once, and a test pins that order.
/// Text is written as given: the caller passes valid UTF-8 (contract keys are ASCII
/// constants).
///
/// A `Writer` is a buffer with spare capacity. `buf.length` is the capacity while writing;
/// `finish` sets it to the number of bytes written. Growth doubles the capacity, so writing
/// n bytes costs O(n) copying in total. Heads are written as one 32-byte word: `_reserve`
/// keeps 32 bytes of room for that, and the bytes past the head are overwritten by the next
/// write or lie beyond the final length.
library CanonicalCbor {
    /// @notice A buffer being written.
    struct Writer {
        bytes buf; // capacity = buf.length until finish()
        uint256 len; // bytes written
    }

    /// @notice An unsigned integer above 2^64 − 1, which has no head in this model.
    error UintOutOfRange(uint256 value);
    /// @notice A negative integer −1 − n with n above 2^64 − 1 (below −2^64).
    error NegIntOutOfRange(uint256 n);
    /// @notice Map key `next` does not come strictly after `previous` in canonical order.
    error KeyOrder(bytes previous, bytes next);

    uint256 private constant MAJOR_UINT = 0;
    uint256 private constant MAJOR_NINT = 1;
    uint256 private constant MAJOR_BYTES = 2;
    uint256 private constant MAJOR_TEXT = 3;
    uint256 private constant MAJOR_ARRAY = 4;
    uint256 private constant MAJOR_MAP = 5;
    uint8 private constant FALSE = 0xf4;
    uint8 private constant TRUE = 0xf5;
    uint256 private constant HEAD_ROOM = 32;

    /// @notice An empty writer.
    /// @param capacity Bytes it holds before it first grows (a good guess saves a copy).
    /// @return w The writer.
    function writer(uint256 capacity) internal pure returns (Writer memory w) {
        w.buf = new bytes(capacity + HEAD_ROOM);
    }

    /// @notice Unsigned integer, 0 ..= 2^64 − 1.
    /// @param w The writer.
    /// @param value The integer; above 2^64 − 1 reverts with `UintOutOfRange`.
    function writeUint(Writer memory w, uint256 value) internal pure {
        if (value > type(uint64).max) revert UintOutOfRange(value);
        _head(w, MAJOR_UINT, uint64(value));
    }

    /// @notice The negative integer −1 − n (−1 ..= −2^64).
    /// @param w The writer.
    /// @param n The argument; above 2^64 − 1 reverts with `NegIntOutOfRange`.
    function writeNegInt(Writer memory w, uint256 n) internal pure {
        if (n > type(uint64).max) revert NegIntOutOfRange(n);
        _head(w, MAJOR_NINT, uint64(n));
    }

    /// @notice Any integer in −2^64 ..= 2^64 − 1, as unsigned or negative.
    /// @param w The writer.
    /// @param value The integer; outside the range reverts (`UintOutOfRange` / `NegIntOutOfRange`).
    function writeInt(Writer memory w, int256 value) internal pure {
        if (value < 0) {
            // -(value + 1) ≥ 0 and cannot overflow, even for type(int256).min.
            writeNegInt(w, uint256(-(value + 1)));
        } else {
            writeUint(w, uint256(value));
        }
    }

    /// @notice A `uint64` as an unsigned integer (no range check needed).
    /// @param w The writer.
    /// @param value The integer.
    function writeUint64(Writer memory w, uint64 value) internal pure {
        _head(w, MAJOR_UINT, value);
    }

    /// @notice An `int64` as unsigned (≥ 0) or negative (no range check needed).
    /// @param w The writer.
    /// @param value The integer.
    function writeInt64(Writer memory w, int64 value) internal pure {
        if (value < 0) {
            // -(value + 1) is in 0 ..= 2^63 − 1: no overflow, even for type(int64).min.
            _head(w, MAJOR_NINT, uint64(-(value + 1)));
        } else {
            _head(w, MAJOR_UINT, uint64(value));
        }
    }

    /// @notice Byte string.
    /// @param w The writer.
    /// @param value The bytes.
    function writeBytes(Writer memory w, bytes memory value) internal pure {
        _head(w, MAJOR_BYTES, _length(value.length));
        _append(w, value);
    }

    /// @notice A `bytes32` as a 32-byte byte string (state roots, action ids).
    /// @param w The writer.
    /// @param value The 32 bytes.
    function writeBytes32(Writer memory w, bytes32 value) internal pure {
        _head(w, MAJOR_BYTES, 32);
        _reserve(w, 32);
        bytes memory buf = w.buf;
        uint256 len = w.len;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // One word into the buffer's own reserved room: no temporary `bytes` to copy.
            mstore(add(add(buf, 32), len), value)
        }
        w.len = len + 32;
    }

    /// @notice Text string; its length is counted in UTF-8 bytes.
    /// @param w The writer.
    /// @param value Valid UTF-8 (not checked).
    function writeText(Writer memory w, string memory value) internal pure {
        _head(w, MAJOR_TEXT, _length(bytes(value).length));
        _append(w, bytes(value));
    }

    /// @notice A map key (a text string). Keys go in canonical order, each once.
    /// @param w The writer.
    /// @param key The key, valid UTF-8 (not checked).
    function writeKey(Writer memory w, string memory key) internal pure {
        writeText(w, key);
    }

    /// @notice `true` (f5) or `false` (f4).
    /// @param w The writer.
    /// @param value The boolean.
    function writeBool(Writer memory w, bool value) internal pure {
        _reserve(w, 1);
        w.buf[w.len] = bytes1(value ? TRUE : FALSE);
        ++w.len;
    }

    /// @notice Header of an array; the items follow.
    /// @param w The writer.
    /// @param count Number of items.
    function writeArrayHeader(Writer memory w, uint64 count) internal pure {
        _head(w, MAJOR_ARRAY, count);
    }

    /// @notice Header of a map; `count` (key, value) pairs follow, keys in canonical order.
    /// @param w The writer.
    /// @param count Number of entries.
    function writeMapHeader(Writer memory w, uint64 count) internal pure {
        _head(w, MAJOR_MAP, count);
    }

    /// @notice Bytes that are already canonical CBOR (a precomputed fragment, such as a
    /// constant key).
    /// @param w The writer.
    /// @param cbor The fragment.
    function writeRaw(Writer memory w, bytes memory cbor) internal pure {
        _append(w, cbor);
    }

    /// @notice The encoding written so far. The writer's buffer becomes the result: write no
    /// more to `w` after this unless you want a fresh copy (the next write reallocates).
    /// @param w The writer.
    /// @return out The canonical CBOR bytes.
    function finish(Writer memory w) internal pure returns (bytes memory out) {
        out = w.buf;
        uint256 len = w.len;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // Shrinks the array's length to what was written; the spare capacity stays
            // allocated and unused.
            mstore(out, len)
        }
    }

    /// @notice The two hashes every commitment carries.
    /// @param data The encoded commitment.
    /// @return sha sha256 of `data` (the 0x02 precompile).
    /// @return keccak Ethereum keccak-256 of `data` (not NIST SHA3-256).
    function hashes(bytes memory data) internal pure returns (bytes32 sha, bytes32 keccak) {
        sha = sha256(data);
        keccak = keccak256(data);
    }

    /// @notice Whether text key `a` sorts strictly before `b` in canonical order: the
    /// bytewise order of their encodings, which for text keys is shorter first, then
    /// bytewise (a shortest-form text head grows with the length).
    /// @param a A key's UTF-8 bytes.
    /// @param b Another key's UTF-8 bytes.
    /// @return True when `a` comes first and differs from `b`.
    function keyLess(bytes memory a, bytes memory b) internal pure returns (bool) {
        if (a.length != b.length) return a.length < b.length;
        for (uint256 i; i < a.length; ++i) {
            if (a[i] != b[i]) return a[i] < b[i];
        }
        return false;
    }

    /// @notice Reverts with `KeyOrder` unless `next` comes strictly after `previous`.
    /// @param previous The key written before, UTF-8.
    /// @param next The key about to be written, UTF-8.
    function requireKeyOrder(bytes memory previous, bytes memory next) internal pure {
        if (!keyLess(previous, next)) revert KeyOrder(previous, next);
    }

    /// @notice Whether `keys` are in canonical order with no duplicates: how a test pins the
    /// hand-written key order of a contract's map.
    /// @param keys The keys in the order the contract writes them.
    /// @return True when strictly increasing.
    function isCanonicalKeyOrder(string[] memory keys) internal pure returns (bool) {
        for (uint256 i = 1; i < keys.length; ++i) {
            if (!keyLess(bytes(keys[i - 1]), bytes(keys[i]))) return false;
        }
        return true;
    }

    /// @dev A memory object's length as a head argument. Memory expansion costs gas
    /// quadratically, so no object reaches 2^64 bytes: the cast cannot truncate.
    function _length(uint256 length) private pure returns (uint64) {
        return uint64(length);
    }

    /// @dev Shortest-form head of `major` with argument `arg`, as one big-endian word write.
    /// Range checks live in the public writers, so a contract that writes only typed 64-bit
    /// fields carries no range-error in its ABI.
    function _head(Writer memory w, uint256 major, uint64 arg64) private pure {
        // Widened first: the shifts below must happen in 256 bits, not in uint64.
        uint256 arg = arg64;
        uint256 top = major << 5;
        uint256 word;
        uint256 size;
        if (arg < 24) {
            word = (top | arg) << 248;
            size = 1;
        } else if (arg < 1 << 8) {
            word = ((top | 24) << 248) | (arg << 240);
            size = 2;
        } else if (arg < 1 << 16) {
            word = ((top | 25) << 248) | (arg << 232);
            size = 3;
        } else if (arg < 1 << 32) {
            word = ((top | 26) << 248) | (arg << 216);
            size = 5;
        } else {
            word = ((top | 27) << 248) | (arg << 184);
            size = 9;
        }
        _reserve(w, HEAD_ROOM);
        bytes memory buf = w.buf;
        uint256 len = w.len;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // A head is 1–9 bytes; writing it as one word into the reserved room replaces up
            // to nine mstore8s. The word's tail lands beyond `len`, in space not yet written.
            mstore(add(add(buf, 32), len), word)
        }
        w.len = len + size;
    }

    /// @dev Appends `data` with one MCOPY (cancun).
    function _append(Writer memory w, bytes memory data) private pure {
        uint256 n = data.length;
        if (n == 0) return;
        _reserve(w, n);
        bytes memory buf = w.buf;
        uint256 len = w.len;
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // Solidity has no memory-to-memory copy into the middle of an existing array; a
            // Solidity byte loop would cost tens of gas per byte.
            mcopy(add(add(buf, 32), len), add(data, 32), n)
        }
        w.len = len + n;
    }

    /// @dev Ensures room for `n` more bytes, doubling the capacity when it grows.
    function _reserve(Writer memory w, uint256 n) private pure {
        uint256 need = w.len + n;
        uint256 capacity = w.buf.length;
        if (need > capacity) {
            uint256 grown = capacity * 2;
            if (grown < need) grown = need;
            bytes memory next = new bytes(grown);
            bytes memory prev = w.buf;
            uint256 len = w.len;
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                // The written prefix into the larger buffer in one MCOPY.
                mcopy(add(next, 32), add(prev, 32), len)
            }
            w.buf = next;
        }
    }
}
