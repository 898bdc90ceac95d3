//! Hash encodings as Nix reads them (base16, nix32, base64, SRI), and the classification of
//! a hash literal (lint-spec §2a). Written from the spec's description; tested with its
//! vectors V1–V7 and its negative vectors.

use std::fmt;

/// A hash algorithm Nix knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// MD5 (16 bytes; weak).
    Md5,
    /// SHA-1 (20 bytes; weak).
    Sha1,
    /// SHA-256 (32 bytes).
    Sha256,
    /// SHA-512 (64 bytes).
    Sha512,
}

impl Algorithm {
    /// The name as written in SRI and `algo:` prefixes.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "md5",
            Algorithm::Sha1 => "sha1",
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
        }
    }

    /// The algorithm called `name`.
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Some(match name {
            "md5" => Algorithm::Md5,
            "sha1" => Algorithm::Sha1,
            "sha256" => Algorithm::Sha256,
            "sha512" => Algorithm::Sha512,
            _ => return None,
        })
    }

    /// The digest length in bytes.
    pub fn digest_len(self) -> usize {
        match self {
            Algorithm::Md5 => 16,
            Algorithm::Sha1 => 20,
            Algorithm::Sha256 => 32,
            Algorithm::Sha512 => 64,
        }
    }

    /// Whether the algorithm is too weak to keep (a different digest is needed).
    pub fn is_weak(self) -> bool {
        matches!(self, Algorithm::Md5 | Algorithm::Sha1)
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The nix32 alphabet: digits and lower-case letters without `e o t u`.
const NIX32: &[u8; 32] = b"0123456789abcdfghijklmnpqrsvwxyz";

/// The length of the nix32 encoding of `bytes` bytes: ⌈8N/5⌉.
pub fn nix32_len(bytes: usize) -> usize {
    (bytes * 8).div_ceil(5)
}

/// Encodes a digest in nix32: the digest read as a little-endian integer, written in base
/// 32 with most significant digit first.
pub fn nix32_encode(digest: &[u8]) -> String {
    let length = nix32_len(digest.len());
    let bits = digest.len() * 8;
    (0..length)
        .map(|k| {
            let base = 5 * (length - 1 - k);
            let mut digit = 0;
            for j in 0..5 {
                let bit = base + j;
                if bit < bits && digest[bit / 8] >> (bit % 8) & 1 == 1 {
                    digit |= 1 << j;
                }
            }
            NIX32[digit] as char
        })
        .collect()
}

/// Decodes nix32 text into a digest of `bytes` bytes; `None` when a character is not in
/// the alphabet, the length is wrong, or the value does not fit (V ≥ 2^(8N)).
pub fn nix32_decode(text: &str, bytes: usize) -> Option<Vec<u8>> {
    let length = nix32_len(bytes);
    if text.len() != length {
        return None;
    }
    let mut digest = vec![0u8; bytes];
    for (k, c) in text.bytes().enumerate() {
        let digit = NIX32.iter().position(|&a| a == c)?;
        let base = 5 * (length - 1 - k);
        for j in 0..5 {
            if digit >> j & 1 == 0 {
                continue;
            }
            let bit = base + j;
            if bit >= bytes * 8 {
                return None;
            }
            digest[bit / 8] |= 1 << (bit % 8);
        }
    }
    Some(digest)
}

/// The standard base64 alphabet (RFC 4648 §4).
const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Encodes bytes in standard base64 with `=` padding.
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let value = (u32::from(chunk[0]) << 16)
            | (u32::from(chunk.get(1).copied().unwrap_or(0)) << 8)
            | u32::from(chunk.get(2).copied().unwrap_or(0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(BASE64[(value >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes padded standard base64. Unused trailing bits are ignored, as Nix does; use
/// [`base64_encode`] on the result to check that the text was canonical.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let padding = bytes.iter().rev().take_while(|&&b| b == b'=').count();
    if padding > 2 {
        return None;
    }
    let data = &bytes[..bytes.len() - padding];
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let mut buffer = 0u32;
    let mut filled = 0;
    for &b in data {
        let index = BASE64.iter().position(|&a| a == b)? as u32;
        buffer = buffer << 6 | index;
        filled += 6;
        if filled >= 8 {
            filled -= 8;
            out.push((buffer >> filled & 0xff) as u8);
        }
    }
    Some(out)
}

/// Encodes bytes as lower-case hexadecimal.
pub fn base16_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Decodes hexadecimal (either case).
pub fn base16_decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

/// The SRI text of a digest: `algo-base64`.
pub fn to_sri(algorithm: Algorithm, digest: &[u8]) -> String {
    format!("{}-{}", algorithm.name(), base64_encode(digest))
}

/// How a legacy (non-SRI) hash was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Hexadecimal.
    Base16,
    /// Nix's base-32.
    Nix32,
    /// Base64 without the `algo-` prefix.
    Base64,
}

impl Encoding {
    /// A name for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Encoding::Base16 => "hexadecimal",
            Encoding::Nix32 => "nix32 (base-32)",
            Encoding::Base64 => "bare base64",
        }
    }
}

/// What a hash literal is (lint-spec §2a, "How a string literal value is classified").
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HashLiteral {
    /// `""`: the fake-hash placeholder.
    Empty,
    /// Canonical SRI.
    Sri {
        /// Its algorithm.
        algorithm: Algorithm,
        /// Its digest.
        digest: Vec<u8>,
    },
    /// SRI that Nix accepts but whose base64 is not canonical (non-zero trailing bits).
    NonCanonicalSri {
        /// Its algorithm.
        algorithm: Algorithm,
        /// Its digest.
        digest: Vec<u8>,
    },
    /// A legacy encoding (possibly with an `algo:` prefix) that converts exactly.
    Legacy {
        /// The algorithm (from the prefix, the key, or `outputHashAlgo`).
        algorithm: Algorithm,
        /// The decoded digest.
        digest: Vec<u8>,
        /// How it was written.
        encoding: Encoding,
        /// Whether it had an `algo:` prefix.
        prefixed: bool,
    },
    /// A bare value where no algorithm is known (under `hash`).
    NoAlgorithm,
    /// Not a hash Nix accepts; the text says why.
    Invalid(String),
}

impl HashLiteral {
    /// The algorithm and digest, when the value is a valid hash.
    pub fn digest(&self) -> Option<(Algorithm, &[u8])> {
        match self {
            HashLiteral::Sri { algorithm, digest }
            | HashLiteral::NonCanonicalSri { algorithm, digest }
            | HashLiteral::Legacy {
                algorithm, digest, ..
            } => Some((*algorithm, digest)),
            _ => None,
        }
    }
}

/// Decodes a bare (unprefixed, non-SRI) value of `algorithm`, choosing the encoding by
/// length as Nix does.
fn decode_bare(text: &str, algorithm: Algorithm) -> Result<(Vec<u8>, Encoding), String> {
    let bytes = algorithm.digest_len();
    if text.len() == bytes * 2 {
        return base16_decode(text)
            .map(|digest| (digest, Encoding::Base16))
            .ok_or_else(|| format!("not a valid hexadecimal {algorithm} hash"));
    }
    if text.len() == nix32_len(bytes) {
        return nix32_decode(text, bytes)
            .map(|digest| (digest, Encoding::Nix32))
            .ok_or_else(|| format!("not a valid nix32 {algorithm} hash"));
    }
    if text.len() == bytes.div_ceil(3) * 4 {
        return base64_decode(text)
            .filter(|digest| digest.len() == bytes)
            .map(|digest| (digest, Encoding::Base64))
            .ok_or_else(|| format!("not a valid base64 {algorithm} hash"));
    }
    Err(format!(
        "{} characters is not the length of any {algorithm} encoding",
        text.len()
    ))
}

/// Classifies the text of a hash literal. `algorithm` comes from the key (`sha256`,
/// `sha512`...) or a sibling `outputHashAlgo`; `None` for `hash`-like keys.
pub fn classify(text: &str, algorithm: Option<Algorithm>) -> HashLiteral {
    if text.is_empty() {
        return HashLiteral::Empty;
    }
    if let Some((name, rest)) = text.split_once('-')
        && let Some(sri_algorithm) = Algorithm::from_name(name)
    {
        return match base64_decode(rest) {
            Some(digest) if digest.len() == sri_algorithm.digest_len() => {
                if base64_encode(&digest) == rest {
                    HashLiteral::Sri {
                        algorithm: sri_algorithm,
                        digest,
                    }
                } else {
                    HashLiteral::NonCanonicalSri {
                        algorithm: sri_algorithm,
                        digest,
                    }
                }
            }
            _ => HashLiteral::Invalid(format!(
                "invalid SRI hash: `{name}-` must be followed by the base64 of a {name} digest ({} characters)",
                sri_algorithm.digest_len().div_ceil(3) * 4
            )),
        };
    }
    if let Some((name, rest)) = text.split_once(':')
        && let Some(prefix_algorithm) = Algorithm::from_name(name)
    {
        return match decode_bare(rest, prefix_algorithm) {
            Ok((digest, encoding)) => HashLiteral::Legacy {
                algorithm: prefix_algorithm,
                digest,
                encoding,
                prefixed: true,
            },
            Err(reason) => HashLiteral::Invalid(reason),
        };
    }
    let Some(algorithm) = algorithm else {
        return HashLiteral::NoAlgorithm;
    };
    match decode_bare(text, algorithm) {
        Ok((digest, encoding)) => HashLiteral::Legacy {
            algorithm,
            digest,
            encoding,
            prefixed: false,
        },
        Err(reason) => HashLiteral::Invalid(reason),
    }
}

/// Digests the nixpkgs manual uses as examples (V2): committed, they are placeholders.
const EXAMPLE_DIGESTS_HEX: &[&str] =
    &["9537b2c7324d41e31dbb5215768bcd32d827efb8d12214b26cb74c6d391fd96c"];

/// Whether a digest is a placeholder: all zero (`lib.fakeHash`, `lib.fakeSha256`), all `B`
/// in base64 (`sha256-BBBB…`), or the manual's example digest.
pub fn is_placeholder_digest(digest: &[u8]) -> bool {
    if digest.iter().all(|&b| b == 0) {
        return true;
    }
    let encoded = base64_encode(digest);
    let body = encoded.trim_end_matches('=');
    // `sha256-BBBB…B=`: every 6-bit group is 1, the canonical last character aside.
    if body.len() > 1 && body[..body.len() - 1].bytes().all(|b| b == b'B') {
        return true;
    }
    let hex = base16_encode(digest);
    EXAMPLE_DIGESTS_HEX.contains(&hex.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The spec's vectors V1–V6: (base16, nix32, SRI).
    const VECTORS: &[(&str, &str, &str)] = &[
        (
            "21d536debb3076d4f6e9044bd9ef15c8c58b29f9cbd4ad406b058310a565debc",
            "1g6ycnji10q5dd0avm6bz4lqpif82ppxjjq4x7vd8xihpgg3dm91",
            "sha256-IdU23rswdtT26QRL2e8VyMWLKfnL1K1AawWDEKVl3rw=",
        ),
        (
            "9537b2c7324d41e31dbb5215768bcd32d827efb8d12214b26cb74c6d391fd96c",
            "0v6r3wwnsk5pdjr188nip3pjgn1jrn5pc5ajpcfy6had6b3v4dwm",
            "sha256-lTeyxzJNQeMdu1IVdovNMtgn77jRIhSybLdMbTkf2Ww=",
        ),
        (
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s",
            "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=",
        ),
        (
            "800d59cfcd3c05e900cb4e214be48f6b886a08df",
            "vw46m23bizj4n8afrc0fj19wrp7mj3c0",
            "sha1-gA1Zz808BekAy04hS+SPa4hqCN8=",
        ),
        (
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73",
            "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
        ),
        (
            "88a36fcc688a3384121b6e42bac675611228bb4d74b96c8c2c401a148c30f850",
            "0l7q626186j05j66rfbl9nxjh4k1fp3blhkf3c988cwad366z8w8",
            "sha256-iKNvzGiKM4QSG25CusZ1YRIou010uWyMLEAaFIww+FA=",
        ),
    ];

    #[test]
    fn vectors_round_trip_in_every_encoding() {
        for &(hex, nix32, sri) in VECTORS {
            let algorithm = if hex.len() == 40 {
                Algorithm::Sha1
            } else {
                Algorithm::Sha256
            };
            let digest = base16_decode(hex).unwrap();
            assert_eq!(nix32_encode(&digest), nix32, "{hex}");
            assert_eq!(
                nix32_decode(nix32, digest.len()).unwrap(),
                digest,
                "{nix32}"
            );
            assert_eq!(to_sri(algorithm, &digest), sri, "{hex}");
            for text in [hex, nix32, &hex.to_uppercase()] {
                let classified = classify(text, Some(algorithm));
                assert_eq!(
                    classified.digest(),
                    Some((algorithm, &digest[..])),
                    "{text}"
                );
            }
            let base64 = sri.split_once('-').unwrap().1;
            assert!(matches!(
                classify(base64, Some(algorithm)),
                HashLiteral::Legacy {
                    encoding: Encoding::Base64,
                    ..
                }
            ));
            assert!(
                matches!(classify(sri, None), HashLiteral::Sri { .. }),
                "{sri}"
            );
        }
    }

    #[test]
    fn fake_hashes_are_placeholders() {
        // V7: lib.fakeSha256 (hex zeros), nix32 zeros, lib.fakeHash, sha512 zeros.
        let zeros = vec![0u8; 32];
        assert_eq!(nix32_encode(&zeros), "0".repeat(52));
        assert_eq!(
            to_sri(Algorithm::Sha256, &zeros),
            "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
        );
        assert_eq!(
            to_sri(Algorithm::Sha512, &[0u8; 64]),
            format!("sha512-{}==", "A".repeat(86))
        );
        for text in [
            "0".repeat(64),
            "0".repeat(52),
            "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".to_string(),
            "sha256-BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBA=".to_string(),
            "sha256-lTeyxzJNQeMdu1IVdovNMtgn77jRIhSybLdMbTkf2Ww=".to_string(),
        ] {
            let (_, digest) = classify(&text, Some(Algorithm::Sha256))
                .digest()
                .map(|(a, d)| (a, d.to_vec()))
                .unwrap();
            assert!(is_placeholder_digest(&digest), "{text}");
        }
        let real = base16_decode(VECTORS[0].0).unwrap();
        assert!(!is_placeholder_digest(&real));
    }

    #[test]
    fn negative_vectors() {
        // First nix32 character too large: V ≥ 2^256.
        assert!(nix32_decode("2v6r3wwnsk5pdjr188nip3pjgn1jrn5pc5ajpcfy6had6b3v4dwm", 32).is_none());
        assert!(matches!(
            classify(
                "2v6r3wwnsk5pdjr188nip3pjgn1jrn5pc5ajpcfy6had6b3v4dwm",
                Some(Algorithm::Sha256)
            ),
            HashLiteral::Invalid(_)
        ));
        // nix32 after an SRI prefix is invalid SRI.
        assert!(matches!(
            classify(
                "sha256-1g6ycnji10q5dd0avm6bz4lqpif82ppxjjq4x7vd8xihpgg3dm91",
                None
            ),
            HashLiteral::Invalid(_)
        ));
        // Accepted by Nix but not canonical.
        assert_eq!(
            classify("sha256-lTeyxzJNQeMdu1IVdovNMtgn77jRIhSybLdMbTkf2Wx=", None),
            HashLiteral::NonCanonicalSri {
                algorithm: Algorithm::Sha256,
                digest: base16_decode(VECTORS[1].0).unwrap(),
            }
        );
        // A legacy prefix converts to V2.
        let classified = classify(
            "sha256:0v6r3wwnsk5pdjr188nip3pjgn1jrn5pc5ajpcfy6had6b3v4dwm",
            None,
        );
        let (algorithm, digest) = classified.digest().unwrap();
        assert_eq!(to_sri(algorithm, digest), VECTORS[1].2);
        assert!(matches!(
            classified,
            HashLiteral::Legacy {
                prefixed: true,
                encoding: Encoding::Nix32,
                ..
            }
        ));
        // Bare under `hash`: no algorithm; wrong lengths and letters outside alphabets.
        assert_eq!(classify(VECTORS[0].1, None), HashLiteral::NoAlgorithm);
        assert!(matches!(
            classify("abc", Some(Algorithm::Sha256)),
            HashLiteral::Invalid(_)
        ));
        assert!(nix32_decode(&"e".repeat(52), 32).is_none());
        assert!(base16_decode("zz").is_none());
        assert!(base64_decode("abc").is_none());
        assert_eq!(classify("", None), HashLiteral::Empty);
    }

    #[test]
    fn nix32_range_limits_per_algorithm() {
        // md5 (26 chars): first character at most `7`; sha512 (103): at most `3`.
        assert!(nix32_decode(&format!("7{}", "0".repeat(25)), 16).is_some());
        assert!(nix32_decode(&format!("8{}", "0".repeat(25)), 16).is_none());
        assert!(nix32_decode(&format!("3{}", "0".repeat(102)), 64).is_some());
        assert!(nix32_decode(&format!("4{}", "0".repeat(102)), 64).is_none());
        assert_eq!(nix32_len(16), 26);
        assert_eq!(nix32_len(20), 32);
        assert_eq!(nix32_len(64), 103);
    }
}
