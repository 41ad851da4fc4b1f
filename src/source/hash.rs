//! A fast hash for maps keyed by text and addresses taken from the user's own documents.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A fast, unkeyed multiplicative hash (the Fx hash of rustc). The keys (pointers, reference
/// texts, node addresses) come from the document being checked, which already holds the user
/// at its mercy, so flooding resistance buys nothing here.
#[derive(Clone, Copy, Debug, Default)]
pub struct FastHasher(u64);

/// A hash map hashed with [`FastHasher`].
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// A hash set hashed with [`FastHasher`].
pub type FastSet<K> = HashSet<K, BuildHasherDefault<FastHasher>>;

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        // The multiply leaves the low bits weak; the table indexes by them.
        self.0.rotate_left(26)
    }

    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0xf135_7aea_2e62_a9c5;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.mix(u64::from_le_bytes(word), K);
        }
        for &b in chunks.remainder() {
            self.mix(u64::from(b), K);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.mix(n, 0xf135_7aea_2e62_a9c5);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
}

impl FastHasher {
    fn mix(&mut self, word: u64, k: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_find_what_they_hold() {
        let mut map: FastMap<String, usize> = FastMap::default();
        for i in 0..10_000 {
            map.insert(format!("#/components/schemas/s{i}"), i);
        }
        assert_eq!(map.len(), 10_000);
        assert_eq!(map.get("#/components/schemas/s4711"), Some(&4711));
        assert_eq!(map.get("#/components/schemas/s10000"), None);
        let mut by_address: FastMap<usize, bool> = FastMap::default();
        by_address.extend((0..1000).map(|i| (i * 64, i % 2 == 0)));
        assert_eq!(by_address.get(&640), Some(&true));
        assert_eq!(by_address.get(&1), None);
    }
}
