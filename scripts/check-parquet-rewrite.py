"""Check that pyarrow reads the output of the Parquet writer (`dataset::parquet::rewrite`).

Not part of scripts/test.sh, because it needs pyarrow. Usage:

    cargo run --example parquet_rewrite -- tests/fixtures/parquet/notes-plain-v1.parquet /tmp/out.parquet
    python3 scripts/check-parquet-rewrite.py tests/fixtures/parquet/notes-plain-v1.parquet /tmp/out.parquet

It compares the two files column by column: same schema and row count, every value of the
first column replaced by `[ROW]` (the example's edit), and every other value unchanged.
"""

import sys

import pyarrow.parquet as pq


def main() -> None:
    original = pq.read_table(sys.argv[1])
    rewritten = pq.read_table(sys.argv[2])
    assert rewritten.schema.remove_metadata() == original.schema.remove_metadata(), (
        rewritten.schema,
        original.schema,
    )
    assert rewritten.num_rows == original.num_rows
    for index, name in enumerate(original.column_names):
        before = original.column(name).to_pylist()
        after = rewritten.column(name).to_pylist()
        if index == 0 and original.schema.field(name).type == "string":
            expected = [None if value is None else f"[{row + 1}]" for row, value in enumerate(before)]
        else:
            expected = before
        assert after == expected, name
    print(f"{sys.argv[2]}: {rewritten.num_rows} rows, {len(rewritten.column_names)} columns read back by pyarrow")


if __name__ == "__main__":
    main()
