"""Check that pyarrow reads the output of the Parquet writer (`dataset::parquet::rewrite`).

Not part of scripts/test.sh, because it needs pyarrow. Usage:

    cargo run --example parquet_rewrite -- tests/fixtures/parquet/notes-plain-v1.parquet /tmp/out.parquet
    python3 scripts/check-parquet-rewrite.py tests/fixtures/parquet/notes-plain-v1.parquet /tmp/out.parquet

It compares the two files column by column: same schema and row count, every value of the
first column replaced by `[ROW]` (the example's edit), and every other value unchanged.

With `--redacted`, the second file is the output of `techdeck-guard redact`:

    techdeck-guard redact tests/fixtures/parquet/patients-dict-v1-pages.parquet --out /tmp/out.parquet
    python3 scripts/check-parquet-rewrite.py --redacted tests/fixtures/parquet/patients-dict-v1-pages.parquet /tmp/out.parquet

Then every column that is not a string column must be unchanged, string columns must keep
their nulls, and at least one string value must differ.
"""

import sys

import pyarrow as pa
import pyarrow.parquet as pq


def is_string(field) -> bool:
    return pa.types.is_string(field.type) or pa.types.is_large_string(field.type)


def main() -> None:
    arguments = sys.argv[1:]
    redacted = arguments[:1] == ["--redacted"]
    if redacted:
        arguments = arguments[1:]
    original = pq.read_table(arguments[0])
    rewritten = pq.read_table(arguments[1])
    assert rewritten.schema.remove_metadata() == original.schema.remove_metadata(), (
        rewritten.schema,
        original.schema,
    )
    assert rewritten.num_rows == original.num_rows
    if redacted:
        check_redacted(original, rewritten)
        print(f"{arguments[1]}: {rewritten.num_rows} rows, {len(rewritten.column_names)} columns read back by pyarrow")
        return
    for index, name in enumerate(original.column_names):
        before = original.column(name).to_pylist()
        after = rewritten.column(name).to_pylist()
        if index == 0 and original.schema.field(name).type == "string":
            expected = [None if value is None else f"[{row + 1}]" for row, value in enumerate(before)]
        else:
            expected = before
        assert after == expected, name
    print(f"{arguments[1]}: {rewritten.num_rows} rows, {len(rewritten.column_names)} columns read back by pyarrow")


def check_redacted(original, rewritten) -> None:
    # Struct columns become one column per leaf, such as `contact.email`.
    original, rewritten = original.flatten(), rewritten.flatten()
    changed = 0
    for name in original.column_names:
        before = original.column(name).to_pylist()
        after = rewritten.column(name).to_pylist()
        if not is_string(original.schema.field(name)):
            assert after == before, name
            continue
        assert [value is None for value in after] == [value is None for value in before], name
        changed += sum(1 for old, new in zip(before, after) if old != new)
    assert changed > 0, "no string value was redacted"


if __name__ == "__main__":
    main()
