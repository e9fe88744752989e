// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {CanonicalCbor} from "../libraries/CanonicalCbor.sol";

/// @title CborHarness (test only)
/// @notice Exposes CanonicalCbor so that one function can encode any golden vector
/// (spec/vectors/cbor/golden.json): the value is given as a program of instructions that
/// the harness replays on a `CanonicalCbor.Writer`. Not part of the protocol.
/// @dev Program format: a sequence of instructions, each `op` (1 byte) and `arg` (8 bytes,
/// big-endian), then for BYTES, TEXT and KEY `arg` bytes of payload.
///
///     op   name   arg                    writes
///     0x00 UINT   the value              unsigned integer
///     0x01 NINT   n                      negative integer −1 − n
///     0x02 BYTES  payload length         byte string
///     0x03 TEXT   payload length (UTF-8) text string
///     0x04 ARRAY  item count             array header; the items follow
///     0x05 MAP    entry count            map header; KEY, value pairs follow
///     0x06 BOOL   0 or 1                 false / true
///     0x07 KEY    payload length (UTF-8) a map key: text, which must come strictly after
///                                        the previous key of the same map (KeyOrder)
///
/// The harness checks the program's structure: exactly one top-level item, containers
/// given exactly their item count, KEY exactly where a map expects a key. It never sorts.
contract CborHarness {
    uint8 private constant OP_UINT = 0x00;
    uint8 private constant OP_NINT = 0x01;
    uint8 private constant OP_BYTES = 0x02;
    uint8 private constant OP_TEXT = 0x03;
    uint8 private constant OP_ARRAY = 0x04;
    uint8 private constant OP_MAP = 0x05;
    uint8 private constant OP_BOOL = 0x06;
    uint8 private constant OP_KEY = 0x07;
    uint256 private constant MAX_DEPTH = 64;

    /// @notice The program is malformed at byte `offset`.
    error BadProgram(uint256 offset, string reason);

    /// @dev An open container. The root is an array of one item that has no header.
    struct Frame {
        uint256 remaining; // items (array) or entries (map) not yet started
        bool isMap;
        bool expectKey; // map: the next instruction must be KEY
        bool hasKey; // map: lastKey holds a key
        bytes lastKey;
    }

    /// @notice Replays `program` and returns the encoding and both hashes of it.
    /// @param program Instructions in the format above.
    /// @return cbor The canonical CBOR bytes.
    /// @return sha sha256 of `cbor`.
    /// @return keccak keccak-256 of `cbor`.
    function encode(bytes calldata program) external pure returns (bytes memory cbor, bytes32 sha, bytes32 keccak) {
        CanonicalCbor.Writer memory w = CanonicalCbor.writer(program.length);
        Frame[] memory stack = new Frame[](MAX_DEPTH);
        stack[0].remaining = 1;
        uint256 depth;
        uint256 i;
        while (i < program.length) {
            if (depth == 0 && stack[0].remaining == 0) revert BadProgram(i, "more than one top-level item");
            (i, depth) = _step(w, stack, depth, program, i);
            // Close every container whose last item is complete.
            while (depth > 0 && stack[depth].remaining == 0 && (!stack[depth].isMap || stack[depth].expectKey)) {
                --depth;
            }
        }
        if (depth != 0 || stack[0].remaining != 0) revert BadProgram(i, "program ends inside a value");
        cbor = CanonicalCbor.finish(w);
        (sha, keccak) = CanonicalCbor.hashes(cbor);
    }

    /// @notice `CanonicalCbor.writeUint` alone, to test its range check.
    /// @param value Any uint256.
    /// @return cbor The encoding (reverts with UintOutOfRange above 2^64 − 1).
    function encodeUint(uint256 value) external pure returns (bytes memory cbor) {
        CanonicalCbor.Writer memory w = CanonicalCbor.writer(9);
        CanonicalCbor.writeUint(w, value);
        return CanonicalCbor.finish(w);
    }

    /// @notice `CanonicalCbor.writeInt` alone, to test its range checks.
    /// @param value Any int256.
    /// @return cbor The encoding (reverts outside −2^64 ..= 2^64 − 1).
    function encodeInt(int256 value) external pure returns (bytes memory cbor) {
        CanonicalCbor.Writer memory w = CanonicalCbor.writer(9);
        CanonicalCbor.writeInt(w, value);
        return CanonicalCbor.finish(w);
    }

    /// @notice A map of two `bytes32` and a bool written the way a contract writes typed
    /// fields: fixed keys in canonical order, starting from a tiny writer so it must grow.
    /// @param root Value of key "root".
    /// @param action Value of key "action".
    /// @param allowed Value of key "allowed".
    /// @return cbor The encoding of `{"root": root, "action": action, "allowed": allowed}`.
    function encodeTypedFields(bytes32 root, bytes32 action, bool allowed) external pure returns (bytes memory cbor) {
        CanonicalCbor.Writer memory w = CanonicalCbor.writer(0);
        CanonicalCbor.writeMapHeader(w, 3);
        CanonicalCbor.writeKey(w, "root");
        CanonicalCbor.writeBytes32(w, root);
        CanonicalCbor.writeKey(w, "action");
        CanonicalCbor.writeBytes32(w, action);
        CanonicalCbor.writeKey(w, "allowed");
        CanonicalCbor.writeBool(w, allowed);
        return CanonicalCbor.finish(w);
    }

    /// @notice `CanonicalCbor.isCanonicalKeyOrder`.
    /// @param keys Map keys in the order a contract writes them.
    /// @return True when strictly increasing in canonical order.
    function isCanonicalKeyOrder(string[] calldata keys) external pure returns (bool) {
        return CanonicalCbor.isCanonicalKeyOrder(keys);
    }

    /// @dev Replays the instruction at `start`; returns where the next one starts and the new
    /// depth (one more when it opened a container).
    function _step(
        CanonicalCbor.Writer memory w,
        Frame[] memory stack,
        uint256 depth,
        bytes calldata program,
        uint256 start
    ) private pure returns (uint256 next, uint256 newDepth) {
        if (program.length - start < 9) revert BadProgram(start, "truncated instruction");
        uint8 op = uint8(program[start]);
        uint256 arg = uint64(bytes8(program[start + 1:start + 9]));
        next = start + 9;
        newDepth = depth;
        Frame memory top = stack[depth];
        if (op == OP_KEY) {
            if (!top.isMap || !top.expectKey) revert BadProgram(start, "KEY where no key is expected");
            bytes memory key = _payload(program, next, arg);
            if (top.hasKey) CanonicalCbor.requireKeyOrder(top.lastKey, key);
            (top.lastKey, top.hasKey, top.expectKey) = (key, true, false);
            CanonicalCbor.writeKey(w, string(key));
            return (next + arg, depth);
        }
        if (top.isMap && top.expectKey) revert BadProgram(start, "map entry without KEY");
        --top.remaining; // ≥ 1 here: the caller pops exhausted frames
        if (top.isMap) top.expectKey = true;

        if (op == OP_UINT) {
            CanonicalCbor.writeUint(w, arg);
        } else if (op == OP_NINT) {
            CanonicalCbor.writeNegInt(w, arg);
        } else if (op == OP_BYTES) {
            CanonicalCbor.writeBytes(w, _payload(program, next, arg));
            next += arg;
        } else if (op == OP_TEXT) {
            CanonicalCbor.writeText(w, string(_payload(program, next, arg)));
            next += arg;
        } else if (op == OP_BOOL) {
            if (arg > 1) revert BadProgram(start, "BOOL takes 0 or 1");
            CanonicalCbor.writeBool(w, arg == 1);
        } else if (op == OP_ARRAY || op == OP_MAP) {
            if (depth + 1 == MAX_DEPTH) revert BadProgram(start, "nested too deep");
            // Safe cast: `arg` is read from 8 bytes.
            if (op == OP_ARRAY) CanonicalCbor.writeArrayHeader(w, uint64(arg));
            else CanonicalCbor.writeMapHeader(w, uint64(arg));
            newDepth = depth + 1;
            Frame memory child = stack[newDepth];
            (child.remaining, child.isMap, child.expectKey, child.hasKey) = (arg, op == OP_MAP, op == OP_MAP, false);
        } else {
            revert BadProgram(start, "unknown op");
        }
    }

    function _payload(bytes calldata program, uint256 at, uint256 len) private pure returns (bytes memory) {
        if (program.length - at < len) revert BadProgram(at, "payload runs past the end");
        return program[at:at + len];
    }
}
