use sha2::{Digest, Sha256};
use sha3::Keccak256;

/// SHA-256 (FIPS 180-4).
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Ethereum's keccak-256: the original Keccak padding, as the EVM's `KECCAK256` opcode.
/// Not NIST SHA3-256 (`sha3::Sha3_256`), whose digests differ.
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

/// Both hashes of a commitment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DualHash {
    pub sha256: [u8; 32],
    pub keccak256: [u8; 32],
}

/// sha256 and keccak-256 of `data`.
pub fn dual_hash(data: &[u8]) -> DualHash {
    DualHash {
        sha256: sha256(data),
        keccak256: keccak256(data),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_input_digests_are_the_published_ones() {
        let h = dual_hash(b"");
        assert_eq!(
            h.sha256[..4],
            [0xe3, 0xb0, 0xc4, 0x42],
            "sha256('') = e3b0c442…"
        );
        assert_eq!(
            h.keccak256[..4],
            [0xc5, 0xd2, 0x46, 0x01],
            "keccak256('') = c5d24601…"
        );
        // NIST SHA3-256('') = a7ffc6f8…: the hash this crate must not be.
        assert_ne!(h.keccak256[..4], [0xa7, 0xff, 0xc6, 0xf8]);
    }
}
