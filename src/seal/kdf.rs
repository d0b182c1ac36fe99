//! HKDF (RFC 5869) over HMAC, with the Extract and Expand steps written out.

use hmac::digest::{block_api::BlockSizeUser, Digest, InvalidLength};
use hmac::{KeyInit, Mac, SimpleHmac};
use sha2::Sha256;
use zeroize::Zeroize;

/// Runs HKDF-SHA-256 (RFC 5869, Extract then Expand) and fills `okm`.
///
/// `info` is given in parts and hashed as their concatenation.
///
/// # Errors
///
/// [`InvalidLength`] if `okm` is longer than 255 × 32 bytes.
pub(crate) fn hkdf_sha256(
    ikm: &[u8],
    salt: &[u8],
    info: &[&[u8]],
    okm: &mut [u8],
) -> Result<(), InvalidLength> {
    // Extract: PRK = HMAC-SHA-256(salt, IKM). HMAC pads an empty salt with zeros, which is the
    // RFC's default of HashLen zero bytes.
    let mut extract = SimpleHmac::<Sha256>::new_from_slice(salt)?;
    extract.update(ikm);
    let mut prk = extract.finalize().into_bytes();
    let result = hkdf_expand::<Sha256>(&prk, info, okm);
    prk.as_mut_slice().zeroize();
    result
}

/// HKDF-Expand (RFC 5869, section 2.3) with the hash `D`, over `info` given in parts.
///
/// The hkdf crate (0.13) rejects a PRK shorter than the hash output, as RFC 5869 requires of an
/// Extract output. The C2SP scheme uses the 32-byte input key itself as the PRK of
/// HKDF-SHA-512, and HMAC accepts a key of any length, so the expansion is written out here.
///
/// # Errors
///
/// [`InvalidLength`] if `okm` is longer than 255 hash outputs.
pub(crate) fn hkdf_expand<D>(
    prk: &[u8],
    info: &[&[u8]],
    okm: &mut [u8],
) -> Result<(), InvalidLength>
where
    D: Digest + BlockSizeUser + Clone,
{
    let hash_len = <D as Digest>::output_size();
    if okm.len() > 255 * hash_len {
        return Err(InvalidLength);
    }
    let mac = SimpleHmac::<D>::new_from_slice(prk)?;

    // T(i) = HMAC(PRK, T(i-1) || info || i), and OKM is T(1) || T(2) || ... cut to length.
    let mut start = 0;
    let mut counter = 1u8;
    while start < okm.len() {
        let mut block_mac = mac.clone();
        if start > 0 {
            block_mac.update(&okm[start - hash_len..start]);
        }
        for part in info {
            block_mac.update(part);
        }
        block_mac.update(&[counter]);
        let block = block_mac.finalize().into_bytes();

        let end = (start + hash_len).min(okm.len());
        okm[start..end].copy_from_slice(&block[..end - start]);
        start = end;
        counter = counter.wrapping_add(1);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex digit"))
            .collect()
    }

    /// Runs the Wycheproof HKDF-SHA-256 vectors through [`hkdf_sha256`], with `info` split in
    /// two parts. The C2SP chunked-encryption vectors cover [`hkdf_expand`] with SHA-512.
    #[test]
    fn vectors_hkdf_sha256() {
        let path =
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/wycheproof/hkdf_sha256_test.json");
        let text = std::fs::read_to_string(path).expect("vector file is present");
        let root: serde_json::Value = serde_json::from_str(&text).expect("vector file is JSON");
        let (mut valid, mut invalid) = (0, 0);
        for group in root["testGroups"].as_array().expect("groups") {
            for test in group["tests"].as_array().expect("tests") {
                let id = &test["tcId"];
                let field = |name: &str| hex(test[name].as_str().expect("hex field"));
                let info = field("info");
                let (head, tail) = info.split_at(info.len() / 2);
                let mut okm = vec![0u8; test["size"].as_u64().expect("size") as usize];
                let result = hkdf_sha256(&field("ikm"), &field("salt"), &[head, tail], &mut okm);
                if test["result"] == "valid" {
                    assert_eq!(result, Ok(()), "tcId {id}");
                    assert_eq!(okm, field("okm"), "tcId {id}");
                    valid += 1;
                } else {
                    assert_eq!(result, Err(InvalidLength), "tcId {id}");
                    invalid += 1;
                }
            }
        }
        assert_eq!((valid, invalid), (83, 3));
    }

    /// RFC 5869, appendix A.1.
    #[test]
    fn rfc5869_case_1() {
        let mut okm = [0u8; 42];
        let result = hkdf_sha256(
            &[0x0b; 22],
            &hex("000102030405060708090a0b0c"),
            &[&hex("f0f1f2f3f4f5f6f7f8f9")],
            &mut okm,
        );
        assert_eq!(result, Ok(()));
        assert_eq!(
            okm.to_vec(),
            hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
        );
    }
}
