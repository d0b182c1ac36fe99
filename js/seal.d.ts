/** Codes of the errors that encryption and decryption throw, in `GuardError.code`. */
export type SealErrorCode =
  | "NOT_AUTHENTIC"
  | "INVALID_KEY_LENGTH"
  | "ALREADY_FINISHED"
  | "MESSAGE_TOO_LONG"
  | "RANDOM_UNAVAILABLE"
  | "INVALID_WRAPPED_KEY"
  | "KEK_VERSION_MISMATCH"
  | "INVALID_ID"
  | "INVALID_HEADER"
  | "UNSUPPORTED_VERSION"
  | "UNSUPPORTED_ALGORITHM"
  | "UNKNOWN_LEVEL"
  | "INVALID_CHUNK_SIZE"
  | "KEY_REFERENCE"
  | "MISSING_FIELDS"
  | "INVALID_PACKAGE"
  | "PACKAGE_TOO_LARGE";

/** An encryption level; see docs/format.md for what each one pads. */
export type SealLevel = "standard" | "enhanced" | "maximum";

/** The chunk cipher: WebCrypto where the runtime has it ("auto"), or always one of the two. */
export type SealBackend = "auto" | "webcrypto" | "rust";

/** Bytes read and written so far, reported after each piece of input. */
export interface SealProgress {
  bytesIn: number;
  bytesOut: number;
}

/**
 * The key that seals or opens a file: a 32-byte `dataKey` held by the key server, or a
 * 32-byte `kek` with its `kekVersion`, which wraps a fresh data key into the header.
 */
export type SealKeyOptions =
  | { dataKey: Uint8Array; kek?: undefined; kekVersion?: undefined }
  | { kek: Uint8Array; kekVersion: number; dataKey?: undefined };

/** Options of `FileEncryptor` and `encryptStream`. Unknown keys are rejected. */
export type EncryptFileOptions = SealKeyOptions & {
  /** The dataset id bound to the file, 1 to 255 bytes of UTF-8. It must not contain PHI. */
  datasetId: string;
  /** The id of the data key, 1 to 255 bytes of UTF-8. */
  keyId: string;
  /** Default "standard". */
  level?: SealLevel;
  /** Plaintext bytes per chunk, a power of two from 4096 to 1048576. Default 65536. */
  chunkSize?: number;
  /** Default "auto". `FileEncryptor` checks it but always uses Rust. */
  backend?: SealBackend;
  onProgress?: (progress: SealProgress) => void;
};

/** Options of `FileDecryptor` and `decryptStream`. Unknown keys are rejected. */
export type DecryptFileOptions = SealKeyOptions & {
  backend?: SealBackend;
  onProgress?: (progress: SealProgress) => void;
};

/** The public fields of an encrypted file's header. None of them is secret. */
export interface EncryptedFileHeader {
  version: number;
  level: SealLevel;
  chunkSize: number;
  keyId: string;
  datasetId: string;
  /** "wrapped": the data key is in the header; "reference": the key server stores it. */
  keySource: "wrapped" | "reference";
  /** The KEK version of a wrapped key, or null. */
  kekVersion: number | null;
  headerLength: number;
}

/** Options of the JSON package functions. Unknown keys are rejected. */
export interface PackageOptions {
  /** The id of the dataset key, 1 to 255 bytes of UTF-8. */
  keyId: string;
  /** Default "standard". "enhanced" pads to 256 bytes, "maximum" to a power of two. */
  level?: SealLevel;
  /** Stored and authenticated as given. Default: the current time, `Date.toISOString()`. */
  timestamp?: string;
}
