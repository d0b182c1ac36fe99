"""An independent implementation of the encrypted file format, version 1, in Python.

It writes known-answer files from fixed inputs with the `cryptography` package, so that the
Rust encryptor is checked against a second implementation of docs/format.md. Run it with
`python3 tests/vectors/seal/reference.py`; it prints one JSON object per level.
"""

import hashlib
import hmac
import json

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"\x89TDG\r\n\x1a\n"
LEVELS = {"standard": 1, "enhanced": 2, "maximum": 3}


def hkdf_sha256(ikm, salt, info, length):
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    okm, block, counter = b"", b"", 1
    while len(okm) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        okm += block
        counter += 1
    return okm[:length]


def encrypt(data_key, salt, key_id, dataset_id, level, chunk_size, plaintext):
    body = MAGIC + bytes([1, 1, LEVELS[level], chunk_size.bit_length() - 1, 0, 0]) + salt
    body += bytes([2]) + bytes([len(key_id)]) + key_id + bytes([len(dataset_id)]) + dataset_id
    body += bytes([0])
    header_len = len(body) + 32
    body = body[:12] + header_len.to_bytes(2, "big") + body[14:]

    header_hash = hashlib.sha256(body).digest()
    okm = hkdf_sha256(data_key, salt, b"techdeck-guard/seal/v1\x00" + header_hash, 71)
    file_key, prefix, commitment = okm[:32], okm[32:39], okm[39:]
    aead = AESGCM(file_key)

    chunks = [plaintext[i : i + chunk_size] for i in range(0, len(plaintext), chunk_size)]
    if not chunks:
        chunks = [b""]
    if level != "standard" and len(chunks[-1]) == chunk_size:
        chunks.append(b"")
    final = chunks[-1]
    if level == "enhanced":
        target = -(-(len(final) + 1) // 4096) * 4096
        final = final + b"\x80" + b"\x00" * (target - len(final) - 1)
    elif level == "maximum":
        final = final + b"\x80" + b"\x00" * (chunk_size - len(final) - 1)
    chunks[-1] = final

    out = body + commitment
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        nonce = prefix + index.to_bytes(4, "big") + bytes([1 if last else 0])
        out += aead.encrypt(nonce, chunk, header_hash)
    return out


def main():
    plaintext = bytes(i % 251 for i in range(10000))
    for level in LEVELS:
        sealed = encrypt(bytes([7] * 32), bytes([1] * 32), b"key-1", b"dataset-7", level, 4096,
                         plaintext)
        print(json.dumps({"level": level, "length": len(sealed),
                          "sha256": hashlib.sha256(sealed).hexdigest()}))


if __name__ == "__main__":
    main()
