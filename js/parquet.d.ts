
/** One string value of a Parquet row group. */
export interface ParquetValue {
  /** 1-based row in the file. */
  record: number;
  /** 0-based leaf column index. */
  column: number;
  /** The column path, with the names of enclosing groups joined by `.`. */
  columnName: string;
  text: string;
  /** File offset of the page that contains the value. */
  offset: number;
}

/** What `ParquetFile.readRowGroup` returns: values in row order, and findings. */
export interface ParquetRows {
  values: ParquetValue[];
  findings: Finding[];
}

/** Where a value passed to a `rewriteParquet` edit sits. */
export interface ParquetCell {
  /** 0-based leaf column index. */
  column: number;
  /** The column path. */
  name: string;
  /** 1-based row. */
  record: number;
}

/**
 * Returns the replacement for one string value, or `null` or `undefined` to keep it. An
 * exception stops the rewrite and is thrown by `rewriteParquet`.
 */
export type ParquetEdit = (text: string, cell: ParquetCell) => string | null | undefined;

/** Options for `rewriteParquet`. */
export interface RewriteParquetOptions {
  /** Codec of the rewritten string columns; default `"snappy"`. */
  compression?: "snappy" | "none";
}
