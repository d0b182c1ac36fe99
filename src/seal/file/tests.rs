use super::*;

const SMALL: usize = MIN_CHUNK_SIZE;

/// xorshift64*: a seeded generator so that every run pushes the same split sizes.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Returns a push size from 1 to `max`, biased toward small sizes and chunk-sized ones.
    fn piece(&mut self, max: usize) -> usize {
        let size = match self.next() % 4 {
            0 => self.next() % 17,
            1 => self.next() % 300,
            2 => SMALL as u64 + self.next() % 40 - 20,
            _ => self.next() % 20_000,
        };
        (size as usize).clamp(1, max.max(1))
    }
}

fn data_key() -> Key {
    Key::from_bytes([7; KEY_LEN])
}

fn kek() -> Kek {
    Kek::new(2, Key::from_bytes([9; KEY_LEN]))
}

fn message(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

fn options(level: Level) -> EncryptOptions<'static> {
    EncryptOptions { dataset_id: "dataset-7", key_id: "key-1", level, chunk_size: SMALL }
}

/// Encrypts under the data key with a reference key source, a fixed salt and random pushes.
fn seal_with(level: Level, salt: u8, plaintext: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut encryptor =
        Encryptor::with_salt(&data_key(), KeySource::Reference, &options(level), [salt; SALT_LEN])
            .expect("options are valid");
    let mut out = Vec::new();
    let mut rest = plaintext;
    while !rest.is_empty() {
        let (piece, tail) = rest.split_at(rng.piece(rest.len()));
        encryptor.push(piece, &mut out).expect("push succeeds");
        rest = tail;
    }
    encryptor.finish(&mut out).expect("finish succeeds");
    out
}

fn seal(level: Level, plaintext: &[u8]) -> Vec<u8> {
    seal_with(level, 1, plaintext, &mut Rng(1))
}

/// Decrypts with random push sizes and returns the released plaintext with the first error.
fn open_split(unlock: Unlock, file: &[u8], rng: &mut Rng) -> (Vec<u8>, Result<(), Error>) {
    let mut decryptor = Decryptor::new(unlock);
    let mut out = Vec::new();
    let mut rest = file;
    while !rest.is_empty() {
        let (piece, tail) = rest.split_at(rng.piece(rest.len()));
        if let Err(error) = decryptor.push(piece, &mut out) {
            return (out, Err(error));
        }
        rest = tail;
    }
    let result = decryptor.finish(&mut out);
    (out, result)
}

fn open(file: &[u8]) -> Result<Vec<u8>, Error> {
    let (out, result) = open_split(Unlock::DataKey(data_key()), file, &mut Rng(5));
    result.map(|()| out)
}

fn header_len(file: &[u8]) -> usize {
    Header::parse(file).expect("header parses").len()
}

/// Offsets of each sealed chunk in a file, as `(start, end)`.
fn chunk_ranges(file: &[u8]) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut start = header_len(file);
    while start < file.len() {
        let end = (start + SMALL + TAG_LEN).min(file.len());
        ranges.push((start, end));
        start = end;
    }
    ranges
}

/// Asserts that `file` fails with `expected` and that every byte released before the error
/// is the true plaintext, at most `max_released` bytes of it, whatever the push sizes.
fn assert_rejected(
    file: &[u8],
    plaintext: &[u8],
    max_released: usize,
    expected: Error,
    case: &str,
) {
    for seed in 1..4 {
        let (out, result) = open_split(Unlock::DataKey(data_key()), file, &mut Rng(seed));
        assert_eq!(result, Err(expected), "{case}: seed {seed}");
        assert!(out.len() <= max_released, "{case}: seed {seed}: released {} bytes", out.len());
        assert!(out == plaintext[..out.len()], "{case}: seed {seed}: released bytes differ");
    }
}

#[test]
fn round_trip_boundary_sizes() {
    let sizes = [
        0,
        1,
        SMALL - 2,
        SMALL - 1,
        SMALL,
        SMALL + 1,
        2 * SMALL - 1,
        2 * SMALL,
        2 * SMALL + 1,
        3 * SMALL,
    ];
    for level in Level::ALL {
        for (seed, &size) in sizes.iter().enumerate() {
            let plaintext = message(size);
            let file = seal_with(level, 1, &plaintext, &mut Rng(seed as u64 + 1));
            for open_seed in 1..4 {
                let (out, result) =
                    open_split(Unlock::DataKey(data_key()), &file, &mut Rng(open_seed));
                assert_eq!(result, Ok(()), "{level} size {size} seed {open_seed}");
                assert!(out == plaintext, "{level} size {size} seed {open_seed}: plaintext");
            }
        }
    }
}

#[test]
fn round_trip_random_sizes() {
    let mut rng = Rng(99);
    for round in 0..40 {
        let size = (rng.next() % (5 * SMALL as u64)) as usize;
        let level = Level::ALL[round % 3];
        let plaintext = message(size);
        let file = seal_with(level, round as u8, &plaintext, &mut rng);
        assert_eq!(open(&file), Ok(plaintext), "{level} size {size}");
    }
}

#[test]
fn split_points_do_not_change_bytes() {
    let plaintext = message(3 * SMALL + 17);
    for level in Level::ALL {
        let first = seal_with(level, 3, &plaintext, &mut Rng(1));
        let second = seal_with(level, 3, &plaintext, &mut Rng(2));
        assert!(first == second, "{level}");
    }
}

#[test]
fn ciphertext_length_by_level() {
    for size in [0, 1, 100, SMALL - 1, SMALL, SMALL + 5000] {
        let chunks = |body: usize| body.div_ceil(SMALL).max(1);
        let standard = seal(Level::Standard, &message(size));
        let body = standard.len() - header_len(&standard);
        assert_eq!(body, size + chunks(size) * TAG_LEN, "standard {size}");

        let maximum = seal(Level::Maximum, &message(size));
        let body = maximum.len() - header_len(&maximum);
        assert_eq!(body % (SMALL + TAG_LEN), 0, "maximum {size}: only full chunks");
        assert_eq!(body / (SMALL + TAG_LEN), (size + 1).div_ceil(SMALL), "maximum {size}");

        let enhanced = seal(Level::Enhanced, &message(size));
        let body = enhanced.len() - header_len(&enhanced);
        let count = (size + 1).div_ceil(SMALL);
        assert_eq!((body - count * TAG_LEN) % PAD_BLOCK, 0, "enhanced {size}: 4 KiB blocks");
    }
}

#[test]
fn salts_differ_between_files() {
    let first = Encryptor::new(&data_key(), KeySource::Reference, &options(Level::Standard))
        .expect("encryptor");
    let second = Encryptor::new(&data_key(), KeySource::Reference, &options(Level::Standard))
        .expect("encryptor");
    assert_ne!(first.header().salt(), second.header().salt());
}

#[test]
fn nonce_layout() {
    let prefix = [0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6];
    let nonce = chunk_nonce(&prefix, 0x0102_0304, true);
    assert_eq!(nonce, Ok([0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 1, 2, 3, 4, 1]));
    let nonce = chunk_nonce(&prefix, 0, false);
    assert_eq!(nonce, Ok([0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0, 0, 0, 0, 0]));
    assert_eq!(
        chunk_nonce(&prefix, MAX_CHUNKS - 1, true).map(|nonce| nonce[7..11].to_vec()),
        Ok(vec![0xff; 4])
    );
    assert_eq!(chunk_nonce(&prefix, MAX_CHUNKS, false), Err(Error::MessageTooLong));
}

#[test]
fn kek_round_trip() {
    let plaintext = message(2 * SMALL + 3);
    let mut encryptor = Encryptor::with_kek(&kek(), &options(Level::Enhanced)).expect("encryptor");
    let mut file = Vec::new();
    encryptor.push(&plaintext, &mut file).expect("push");
    encryptor.finish(&mut file).expect("finish");

    let header = Header::parse(&file).expect("header");
    assert_eq!(header.kek_version(), Some(2));
    assert_eq!(header.key_id(), "key-1");
    assert_eq!(header.dataset_id(), "dataset-7");
    assert_eq!(header.level(), Level::Enhanced);

    let (out, result) = open_split(Unlock::Kek(kek()), &file, &mut Rng(3));
    assert_eq!(result, Ok(()));
    assert!(out == plaintext);

    let wrong = Kek::new(2, Key::from_bytes([8; KEY_LEN]));
    let (out, result) = open_split(Unlock::Kek(wrong), &file, &mut Rng(3));
    assert_eq!(result, Err(Error::NotAuthentic));
    assert!(out.is_empty());

    let other_version = Kek::new(3, Key::from_bytes([9; KEY_LEN]));
    let (_, result) = open_split(Unlock::Kek(other_version), &file, &mut Rng(3));
    assert_eq!(result, Err(Error::KekVersionMismatch { expected: 2, found: 3 }));
}

#[test]
fn reference_needs_data_key() {
    let file = seal(Level::Standard, b"abc");
    let (out, result) = open_split(Unlock::Kek(kek()), &file, &mut Rng(1));
    assert_eq!(result, Err(Error::KeyReference));
    assert!(out.is_empty());
}

#[test]
fn wrong_data_key_releases_nothing() {
    let file = seal(Level::Standard, &message(3 * SMALL));
    let (out, result) =
        open_split(Unlock::DataKey(Key::from_bytes([6; KEY_LEN])), &file, &mut Rng(1));
    assert_eq!(result, Err(Error::NotAuthentic));
    assert!(out.is_empty());
}

#[test]
fn tamper_every_header_byte() {
    let plaintext = message(2 * SMALL + 10);
    let file = seal(Level::Standard, &plaintext);
    let len = header_len(&file);
    for index in 0..len {
        for bit in [0x01, 0x80] {
            let mut tampered = file.clone();
            tampered[index] ^= bit;
            for seed in 1..3 {
                let (out, result) =
                    open_split(Unlock::DataKey(data_key()), &tampered, &mut Rng(seed));
                assert!(result.is_err(), "byte {index} bit {bit:#x} seed {seed}");
                assert!(out.is_empty(), "byte {index} bit {bit:#x}: released plaintext");
            }
        }
    }
}

#[test]
fn tamper_header_fields_errors() {
    let file = seal(Level::Standard, b"session notes");
    let set = |index: usize, value: u8| {
        let mut tampered = file.clone();
        tampered[index] = value;
        tampered
    };
    let salt_start = FIXED_LEN_FOR_TESTS;
    let cases: Vec<(&str, Vec<u8>, Error)> = vec![
        (
            "magic",
            set(1, b'X'),
            Error::InvalidHeader("wrong magic bytes: not a techdeck-guard encrypted file"),
        ),
        ("version", set(8, 2), Error::UnsupportedVersion { version: 2 }),
        ("algorithm", set(9, 7), Error::UnsupportedAlgorithm { algorithm: 7 }),
        ("unknown level", set(10, 9), Error::UnknownLevel),
        ("other level", set(10, Level::Maximum.code()), Error::NotAuthentic),
        ("chunk size too small", set(11, 11), Error::InvalidChunkSize),
        ("chunk size too large", set(11, 21), Error::InvalidChunkSize),
        ("other chunk size", set(11, 13), Error::NotAuthentic),
        (
            "header length",
            set(13, file[13] + 1),
            Error::InvalidHeader(
                "header length does not match its fields: bytes are left before the commitment",
            ),
        ),
        ("header length huge", set(12, 0xff), Error::InvalidHeader("header length out of bounds")),
        ("salt", set(salt_start, file[salt_start] ^ 1), Error::NotAuthentic),
        (
            "key source",
            set(salt_start + SALT_LEN, 1),
            Error::InvalidHeader(
                "invalid key source: expected 1 with a wrapped key or 2 without one",
            ),
        ),
        ("key id", set(salt_start + SALT_LEN + 2, b'K'), Error::NotAuthentic),
        (
            "commitment",
            set(header_len(&file) - 1, file[header_len(&file) - 1] ^ 1),
            Error::NotAuthentic,
        ),
    ];
    for (case, tampered, expected) in cases {
        assert_eq!(open(&tampered), Err(expected), "{case}");
    }
}

#[test]
fn header_limits_checked_first() {
    // A declared length over the limit fails on the fixed part, before the rest arrives.
    let mut prefix = seal(Level::Standard, b"")[..14].to_vec();
    prefix[12..14]
        .copy_from_slice(&((crate::limits::MAX_SEAL_HEADER_BYTES + 1) as u16).to_be_bytes());
    assert_eq!(
        Header::needed_len(&prefix),
        Err(Error::InvalidHeader("header length out of bounds"))
    );
    let mut decryptor = Decryptor::with_data_key(data_key());
    assert_eq!(
        decryptor.push(&prefix, &mut Vec::new()),
        Err(Error::InvalidHeader("header length out of bounds"))
    );

    // Wrong magic bytes fail on the first byte.
    assert!(Header::needed_len(b"P").is_err());
    assert_eq!(Header::needed_len(&MAGIC[..3]), Ok(14));
    assert!(matches!(Header::parse(&MAGIC), Err(Error::InvalidHeader(_))));
}

#[test]
fn tamper_chunks_and_tags() {
    let plaintext = message(3 * SMALL + 100);
    let file = seal(Level::Standard, &plaintext);
    for (number, (start, end)) in chunk_ranges(&file).into_iter().enumerate() {
        for offset in [start, start + 1, (start + end) / 2, end - TAG_LEN, end - 1] {
            let mut tampered = file.clone();
            tampered[offset] ^= 0x04;
            let released = number * SMALL;
            assert_rejected(
                &tampered,
                &plaintext,
                released,
                Error::NotAuthentic,
                &format!("chunk {number} offset {offset}"),
            );
        }
    }
}

#[test]
fn truncate_everywhere() {
    let plaintext = message(3 * SMALL + 100);
    for level in Level::ALL {
        let file = seal(level, &plaintext);
        let ranges = chunk_ranges(&file);
        let mut cuts = vec![0, 1, 13, 14, header_len(&file) - 1, header_len(&file)];
        for &(start, end) in &ranges {
            cuts.extend([start + 1, end - TAG_LEN, end - 1]);
            if end < file.len() {
                cuts.push(end);
            }
        }
        for cut in cuts {
            let truncated = &file[..cut];
            let (out, result) = open_split(Unlock::DataKey(data_key()), truncated, &mut Rng(1));
            assert!(result.is_err(), "{level} cut {cut}");
            assert!(out.len() < plaintext.len(), "{level} cut {cut}");
            assert!(out == plaintext[..out.len()], "{level} cut {cut}: released bytes differ");
        }
    }
}

#[test]
fn truncate_at_chunk_boundary() {
    let plaintext = message(3 * SMALL + 100);
    let file = seal(Level::Standard, &plaintext);
    for (number, &(_, end)) in chunk_ranges(&file).iter().enumerate().take(3) {
        // The chunk before the cut was sealed as not last, so it fails at finish.
        assert_rejected(
            &file[..end],
            &plaintext,
            number * SMALL,
            Error::NotAuthentic,
            &format!("cut after chunk {number}"),
        );
    }
}

#[test]
fn reorder_drop_duplicate() {
    let plaintext = message(3 * SMALL + 100);
    let file = seal(Level::Standard, &plaintext);
    let ranges = chunk_ranges(&file);
    let header = &file[..header_len(&file)];
    let chunk = |i: usize| &file[ranges[i].0..ranges[i].1];
    let cases: [(&str, Vec<&[u8]>, usize); 5] = [
        ("swap 0 and 1", vec![header, chunk(1), chunk(0), chunk(2), chunk(3)], 0),
        ("drop 1", vec![header, chunk(0), chunk(2), chunk(3)], SMALL),
        ("duplicate 1", vec![header, chunk(0), chunk(1), chunk(1), chunk(2), chunk(3)], 2 * SMALL),
        (
            "duplicate final",
            vec![header, chunk(0), chunk(1), chunk(2), chunk(3), chunk(3)],
            3 * SMALL,
        ),
        ("final first", vec![header, chunk(3), chunk(0), chunk(1), chunk(2)], 0),
    ];
    for (case, parts, released) in cases {
        assert_rejected(&parts.concat(), &plaintext, released, Error::NotAuthentic, case);
    }
}

#[test]
fn splice_other_file() {
    let plaintext = message(3 * SMALL + 100);
    let file = seal(Level::Standard, &plaintext);
    let other = seal_with(Level::Standard, 2, &plaintext, &mut Rng(1));
    let ranges = chunk_ranges(&file);
    let header = &file[..header_len(&file)];

    // Chunk 1 from a file with another salt, same key and same plaintext.
    let mut spliced = header.to_vec();
    for (i, &(start, end)) in ranges.iter().enumerate() {
        spliced.extend_from_slice(if i == 1 { &other[start..end] } else { &file[start..end] });
    }
    assert_rejected(&spliced, &plaintext, SMALL, Error::NotAuthentic, "chunk from another file");

    // The other file's header on this file's body.
    let mut swapped = other[..header_len(&other)].to_vec();
    swapped.extend_from_slice(&file[header_len(&file)..]);
    assert_rejected(&swapped, &plaintext, 0, Error::NotAuthentic, "header from another file");
}

#[test]
fn trailing_data() {
    let plaintext = message(2 * SMALL + 100);
    for level in Level::ALL {
        let file = seal(level, &plaintext);
        for extra in [&[0u8][..], &[1, 2, 3], &file[header_len(&file)..]] {
            let mut longer = file.clone();
            longer.extend_from_slice(extra);
            assert_rejected(
                &longer,
                &plaintext,
                plaintext.len(),
                Error::NotAuthentic,
                &format!("{level}: {} extra bytes", extra.len()),
            );
        }
    }
}

#[test]
fn empty_file_cases() {
    let file = seal(Level::Standard, b"");
    assert_eq!(open(&file), Ok(Vec::new()));
    assert_eq!(file.len(), header_len(&file) + TAG_LEN);
    assert_eq!(open(&file[..header_len(&file)]), Err(Error::NotAuthentic));
    assert_eq!(open(b""), Err(Error::NotAuthentic));
}

#[test]
fn unpad_rejects_noncanonical() {
    assert_eq!(unpad_final(Level::Standard, SMALL, 1, b""), Err(Error::NotAuthentic));
    assert_eq!(unpad_final(Level::Standard, SMALL, 0, b""), Ok(0));
    let mut chunk = b"abc".to_vec();
    pad_final(Level::Enhanced, SMALL, &mut chunk);
    assert_eq!(chunk.len(), PAD_BLOCK);
    assert_eq!(unpad_final(Level::Enhanced, SMALL, 0, &chunk), Ok(3));
    assert_eq!(unpad_final(Level::Maximum, 2 * SMALL, 0, &chunk), Err(Error::NotAuthentic));
    chunk.push(0);
    assert_eq!(unpad_final(Level::Enhanced, SMALL, 0, &chunk), Err(Error::NotAuthentic));
    assert_eq!(unpad_final(Level::Enhanced, SMALL, 0, &[0; PAD_BLOCK]), Err(Error::NotAuthentic));
    assert_eq!(unpad_final(Level::Enhanced, SMALL, 0, &[1; PAD_BLOCK]), Err(Error::NotAuthentic));
}

#[test]
fn stream_states() {
    let file = seal(Level::Standard, b"abc");
    let mut decryptor = Decryptor::with_data_key(data_key());
    let mut out = Vec::new();
    assert!(decryptor.header().is_none());
    assert_eq!(decryptor.push(&file, &mut out), Ok(()));
    assert_eq!(decryptor.header().map(Header::key_id), Some("key-1"));
    assert_eq!(decryptor.finish(&mut out), Ok(()));
    assert_eq!(out, b"abc");
    assert_eq!(decryptor.finish(&mut out), Err(Error::AlreadyFinished));
    assert_eq!(decryptor.push(b"x", &mut out), Err(Error::AlreadyFinished));

    let mut broken = file.clone();
    broken[0] = 0;
    let mut decryptor = Decryptor::with_data_key(data_key());
    let expected =
        Err(Error::InvalidHeader("wrong magic bytes: not a techdeck-guard encrypted file"));
    assert_eq!(decryptor.push(&broken, &mut out), expected);
    assert_eq!(decryptor.push(&file, &mut out), expected, "stays failed");
    assert_eq!(decryptor.finish(&mut out), expected, "stays failed");

    let mut encryptor =
        Encryptor::new(&data_key(), KeySource::Reference, &options(Level::Standard))
            .expect("encryptor");
    let mut sealed = Vec::new();
    assert_eq!(encryptor.finish(&mut sealed), Ok(()));
    assert_eq!(encryptor.push(b"x", &mut sealed), Err(Error::AlreadyFinished));
    assert_eq!(encryptor.finish(&mut sealed), Err(Error::AlreadyFinished));
}

#[test]
fn encrypt_options_checked() {
    let check = |options: EncryptOptions<'_>| {
        Encryptor::new(&data_key(), KeySource::Reference, &options).err()
    };
    let base = options(Level::Standard);
    assert_eq!(check(EncryptOptions { chunk_size: 5000, ..base }), Some(Error::InvalidChunkSize));
    assert_eq!(check(EncryptOptions { chunk_size: 2048, ..base }), Some(Error::InvalidChunkSize));
    assert_eq!(
        check(EncryptOptions { chunk_size: 2 << 20, ..base }),
        Some(Error::InvalidChunkSize)
    );
    assert_eq!(
        check(EncryptOptions { dataset_id: "", ..base }),
        Some(Error::InvalidId { field: "dataset_id", length: 0 })
    );
    assert_eq!(check(EncryptOptions { chunk_size: MAX_CHUNK_SIZE, ..base }), None);
    let oversized = KeySource::Wrapped(vec![1; 256]);
    assert_eq!(Encryptor::new(&data_key(), oversized, &base).err(), Some(Error::InvalidWrappedKey));
}

#[test]
fn level_names() {
    for level in Level::ALL {
        assert_eq!(level.as_str().parse::<Level>(), Ok(level));
        assert_eq!(Level::from_code(level.code()), Ok(level));
    }
    assert_eq!("Standard".parse::<Level>(), Err(Error::UnknownLevel));
    assert_eq!("high".parse::<Level>(), Err(Error::UnknownLevel));
    assert_eq!(Level::from_code(0), Err(Error::UnknownLevel));
}

const FIXED_LEN_FOR_TESTS: usize = 14;

/// Files from fixed inputs, written by the independent Python implementation in
/// `tests/vectors/seal/reference.py`: level, length and SHA-256 of the file.
const REFERENCE_FILES: [(Level, usize, &str); 3] = [
    (Level::Standard, 10144, "8e73869de847b3c9d5555ea80208d318c51b543287526cf4e2a6f5fed445e406"),
    (Level::Enhanced, 12432, "90486191fd6d8d29411444fb8827afa78e4a152ff544875cf8498477f7b48294"),
    (Level::Maximum, 12432, "1ef9cf7c78ee2d6d8aaa2fa6624c518ca6498c23754445a271c0bee3cfab6f87"),
];

#[test]
fn matches_reference_implementation() {
    use sha2::{Digest, Sha256};

    let plaintext = message(10000);
    for (level, length, digest) in REFERENCE_FILES {
        let file = seal(level, &plaintext);
        let hex: String = Sha256::digest(&file).iter().map(|byte| format!("{byte:02x}")).collect();
        assert_eq!(file.len(), length, "{level}");
        assert_eq!(hex, digest, "{level}");
        assert_eq!(open(&file), Ok(plaintext.clone()), "{level}");
    }
}
