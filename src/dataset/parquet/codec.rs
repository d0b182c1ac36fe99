//! Page decompression with a size checked before and after: each page header declares its
//! uncompressed size, which must be within [`MAX_PARQUET_PAGE_BYTES`] before any buffer is
//! allocated, and the codec must produce exactly that many bytes.

use std::borrow::Cow;
use std::io::Read;

use crate::limits::MAX_PARQUET_PAGE_BYTES;

// Compression codecs of the Parquet format (`CompressionCodec` in parquet.thrift).
pub(super) const UNCOMPRESSED: i32 = 0;
pub(super) const SNAPPY: i32 = 1;
pub(super) const GZIP: i32 = 2;
pub(super) const ZSTD: i32 = 6;

/// Returns whether [`decompress`] can read pages compressed with `codec`.
pub(super) fn is_supported(codec: i32) -> bool {
    matches!(codec, UNCOMPRESSED | SNAPPY | GZIP) || (codec == ZSTD && cfg!(feature = "zstd"))
}

/// Returns the name of a codec for messages.
pub(super) fn name(codec: i32) -> String {
    match codec {
        UNCOMPRESSED => "UNCOMPRESSED".to_owned(),
        SNAPPY => "SNAPPY".to_owned(),
        GZIP => "GZIP".to_owned(),
        3 => "LZO".to_owned(),
        4 => "BROTLI".to_owned(),
        5 => "LZ4".to_owned(),
        ZSTD => "ZSTD".to_owned(),
        7 => "LZ4_RAW".to_owned(),
        other => format!("number {other}"),
    }
}

/// Decompresses `input` into exactly `size` bytes.
///
/// # Errors
///
/// A message without input content when the data is not valid for the codec or does not
/// decompress to `size` bytes.
pub(super) fn decompress(codec: i32, input: &[u8], size: usize) -> Result<Cow<'_, [u8]>, String> {
    if size > MAX_PARQUET_PAGE_BYTES {
        return Err(format!("page declares {size} uncompressed bytes, more than the {MAX_PARQUET_PAGE_BYTES}-byte limit"));
    }
    let output = match codec {
        UNCOMPRESSED => return check_size(Cow::Borrowed(input), size),
        SNAPPY => snappy(input, size)?,
        GZIP => read_bounded(flate2::read::MultiGzDecoder::new(input), size, "GZIP")?,
        ZSTD => zstd(input, size)?,
        other => return Err(format!("codec {} is not supported", name(other))),
    };
    check_size(Cow::Owned(output), size)
}

fn check_size(output: Cow<'_, [u8]>, size: usize) -> Result<Cow<'_, [u8]>, String> {
    if output.len() == size {
        Ok(output)
    } else {
        Err(format!("page decompresses to {} bytes, but its header declares {size}", output.len()))
    }
}

fn snappy(input: &[u8], size: usize) -> Result<Vec<u8>, String> {
    let invalid = |_| "SNAPPY data is invalid".to_owned();
    let length = snap::raw::decompress_len(input).map_err(invalid)?;
    if length != size {
        return Err(format!("SNAPPY data declares {length} bytes, but the page header declares {size}"));
    }
    let mut output = vec![0; size];
    let written = snap::raw::Decoder::new().decompress(input, &mut output).map_err(invalid)?;
    output.truncate(written);
    Ok(output)
}

/// Reads at most `size + 1` bytes from `decoder`, so a page that decompresses to more than it
/// declares is caught without decompressing the rest.
fn read_bounded(decoder: impl Read, size: usize, codec: &str) -> Result<Vec<u8>, String> {
    let mut output = Vec::with_capacity(size);
    decoder
        .take(size as u64 + 1)
        .read_to_end(&mut output)
        .map_err(|_| format!("{codec} data is invalid"))?;
    Ok(output)
}

#[cfg(feature = "zstd")]
fn zstd(input: &[u8], size: usize) -> Result<Vec<u8>, String> {
    // The decoder allocates the frame's window up front, so the window is checked first.
    match zstd_window(input) {
        Some(window) if window <= MAX_PARQUET_PAGE_BYTES as u64 => {}
        Some(window) => {
            return Err(format!("ZSTD frame declares a {window}-byte window, more than the {MAX_PARQUET_PAGE_BYTES}-byte limit"))
        }
        None => return Err("ZSTD data is invalid".to_owned()),
    }
    let decoder = ruzstd::StreamingDecoder::new(input).map_err(|_| "ZSTD data is invalid".to_owned())?;
    read_bounded(decoder, size, "ZSTD")
}

#[cfg(not(feature = "zstd"))]
fn zstd(_input: &[u8], _size: usize) -> Result<Vec<u8>, String> {
    Err("codec ZSTD is not supported in this build".to_owned())
}

/// Returns the window size that a Zstandard frame header declares (RFC 8878, section 3.1.1.1),
/// or `None` when `input` does not start with a frame header.
#[cfg_attr(not(feature = "zstd"), allow(dead_code))]
fn zstd_window(input: &[u8]) -> Option<u64> {
    let (magic, rest) = input.split_first_chunk::<4>()?;
    if u32::from_le_bytes(*magic) != 0xFD2F_B528 {
        return None;
    }
    let (&descriptor, rest) = rest.split_first()?;
    let single_segment = descriptor & 0x20 != 0;
    if !single_segment {
        let &window = rest.first()?;
        let exponent = u64::from(window >> 3);
        let base = 1u64 << (10 + exponent);
        return Some(base + base / 8 * u64::from(window & 0x07));
    }
    let dictionary_id_bytes = [0, 1, 2, 4][usize::from(descriptor & 0x03)];
    let content_size_bytes = [1, 2, 4, 8][usize::from(descriptor >> 6)];
    let field = rest.get(dictionary_id_bytes..dictionary_id_bytes + content_size_bytes)?;
    let mut value = [0u8; 8];
    value[..field.len()].copy_from_slice(field);
    let content_size = u64::from_le_bytes(value);
    Some(if content_size_bytes == 2 { content_size + 256 } else { content_size })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uncompressed_size_checked() {
        assert_eq!(decompress(UNCOMPRESSED, b"abc", 3).unwrap().as_ref(), b"abc");
        let error = decompress(UNCOMPRESSED, b"abc", 4).unwrap_err();
        assert_eq!(error, "page decompresses to 3 bytes, but its header declares 4");
    }

    #[test]
    fn declared_size_over_limit_rejected_first() {
        let error = decompress(SNAPPY, b"", MAX_PARQUET_PAGE_BYTES + 1).unwrap_err();
        assert!(error.contains("limit"), "{error}");
    }

    #[test]
    fn snappy_round_trip_and_lies() {
        let compressed = snap::raw::Encoder::new().compress_vec(b"hello hello hello").unwrap();
        assert_eq!(decompress(SNAPPY, &compressed, 17).unwrap().as_ref(), b"hello hello hello");
        assert!(decompress(SNAPPY, &compressed, 16).unwrap_err().contains("declares"));
        assert_eq!(decompress(SNAPPY, &[0xFF, 0xFF, 0xFF], 3).unwrap_err(), "SNAPPY data is invalid");
    }

    #[test]
    fn gzip_output_bounded_by_declared_size() {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(&[b'a'; 10_000]).unwrap();
        let compressed = encoder.finish().unwrap();
        assert_eq!(decompress(GZIP, &compressed, 10_000).unwrap().len(), 10_000);
        let error = decompress(GZIP, &compressed, 100).unwrap_err();
        assert_eq!(error, "page decompresses to 101 bytes, but its header declares 100");
        assert_eq!(decompress(GZIP, b"not gzip", 5).unwrap_err(), "GZIP data is invalid");
    }

    #[test]
    fn zstd_window_parsed() {
        // Single segment with a 1-byte content size of 5.
        assert_eq!(zstd_window(&[0x28, 0xB5, 0x2F, 0xFD, 0x20, 0x05]), Some(5));
        // Window descriptor: exponent 31, mantissa 7, far over any limit.
        assert_eq!(zstd_window(&[0x28, 0xB5, 0x2F, 0xFD, 0x00, 0xFF]), Some((1u64 << 41) + (1u64 << 38) * 7));
        assert_eq!(zstd_window(b"PAR1"), None);
    }

    #[cfg(feature = "zstd")]
    #[test]
    fn zstd_huge_window_rejected() {
        let error = decompress(ZSTD, &[0x28, 0xB5, 0x2F, 0xFD, 0x00, 0xFF, 0, 0], 10).unwrap_err();
        assert!(error.contains("window"), "{error}");
    }

    #[test]
    fn unknown_codec_named() {
        assert_eq!(decompress(7, b"", 0).unwrap_err(), "codec LZ4_RAW is not supported");
        assert!(!is_supported(4));
    }
}
