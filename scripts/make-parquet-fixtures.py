"""Write the Parquet fixtures of the reader tests and the JSON files with their expected values.

Each fixture `NAME.parquet` in tests/fixtures/parquet gets a `NAME.json` beside it:

    {"columns": [leaf column paths], "rows": row count,
     "values": [[row (1-based), column index (0-based), text], ...],
     "unsupported": [column indices the reader skips with a finding]}

`values` lists every non-null string value in row order, and within a row in column order and
list order, which is the order the reader emits them in. Only string columns (and lists of
strings) have values: the reader skips numbers, and the values of `unsupported` columns are not
listed. The leaf index of a list column is its top-level index, which holds for these tables
because each has at most one leaf per top-level column.

Run with pyarrow installed (26.0.1 wrote the committed files):

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install pyarrow
    /tmp/venv/bin/python scripts/make-parquet-fixtures.py

The output depends on the pyarrow version, which is written into each file's `created_by`.
"""

import csv
import json
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "tests" / "fixtures" / "parquet"
NOTES_CSV = ROOT / "tests" / "fixtures" / "csv" / "notes-sample.csv"
PATIENTS_CSV = Path(sys.argv[1]) if len(sys.argv) > 1 else (
    ROOT.parent / "shared" / "data" / "structured" / "synthea" / "us-massachusetts-mcode" / "patients.csv"
)
PATIENT_COLUMNS = ["Id", "BIRTHDATE", "DEATHDATE", "SSN", "FIRST", "LAST", "SUFFIX", "ADDRESS", "CITY", "ZIP"]


def notes_table(rows: int) -> pa.Table:
    """The first `rows` records of notes-sample.csv, every column a string."""
    with NOTES_CSV.open(newline="", encoding="utf-8") as file:
        records = list(csv.DictReader(file))[:rows]
    names = list(records[0].keys())
    return pa.table({name: pa.array([record[name] for record in records], pa.string()) for name in names})


def patients_table(rows: int) -> pa.Table:
    """The first `rows` synthetic patients: empty cells become nulls, and LAT and
    HEALTHCARE_EXPENSES are numbers, so the table mixes optional strings and other types."""
    with PATIENTS_CSV.open(newline="", encoding="utf-8") as file:
        records = list(csv.DictReader(file))[:rows]
    columns = {
        name: pa.array([record[name] or None for record in records], pa.string()) for name in PATIENT_COLUMNS
    }
    columns["LAT"] = pa.array([float(record["LAT"]) for record in records], pa.float64())
    columns["VISITS"] = pa.array([index * 3 for index in range(rows)], pa.int32())
    return pa.table(columns)


def expected(path: Path, table: pa.Table, unsupported: list[int]) -> dict:
    """Expected reader output for a flat table, or one whose unsupported columns are skipped."""
    parquet_schema = pq.ParquetFile(path).schema
    columns = [parquet_schema.column(index).path for index in range(len(parquet_schema))]
    def is_text(kind: pa.DataType) -> bool:
        return pa.types.is_string(kind) or (pa.types.is_list(kind) and pa.types.is_string(kind.value_type))

    string_columns = [
        index
        for index, name in enumerate(table.column_names)
        if is_text(table.schema.field(name).type) and index not in unsupported
    ]
    values = []
    for row in range(table.num_rows):
        for index in string_columns:
            cell = table.column(index)[row].as_py()
            # A list cell gives one value per non-null element, in order.
            for text in cell if isinstance(cell, list) else [cell]:
                if text is not None:
                    values.append([row + 1, index, text])
    return {"columns": columns, "rows": table.num_rows, "values": values, "unsupported": unsupported}


def to_json(result: dict) -> str:
    """JSON with one value per line, so that a diff of the expected values reads well."""
    dump = lambda value: json.dumps(value, ensure_ascii=False)
    values = ",\n".join(f"  {dump(value)}" for value in result["values"])
    return (
        f'{{"columns": {dump(result["columns"])},\n "rows": {result["rows"]},\n'
        f' "unsupported": {dump(result["unsupported"])},\n "values": [\n{values}\n ]}}\n'
    )


def write(name: str, table: pa.Table, unsupported: list[int] | None = None, **options) -> None:
    path = OUTPUT / f"{name}.parquet"
    pq.write_table(table, path, **options)
    result = expected(path, table, unsupported or [])
    (OUTPUT / f"{name}.json").write_text(to_json(result), encoding="utf-8")
    size = path.stat().st_size
    assert size < 64 * 1024, f"{path} has {size} bytes"


def main() -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    notes = notes_table(12)
    patients = patients_table(14)

    write("notes-plain-v1", notes, use_dictionary=False, data_page_version="1.0", compression="none")
    # Format version 1.0 marks dictionary pages PLAIN_DICTIONARY, where later versions write
    # RLE_DICTIONARY.
    write(
        "notes-dict-v1-snappy",
        notes,
        use_dictionary=True,
        data_page_version="1.0",
        compression="snappy",
        version="1.0",
    )
    write("notes-dict-v2-gzip", notes, use_dictionary=True, data_page_version="2.0", compression="gzip")
    write("notes-plain-v2-zstd", notes, use_dictionary=False, data_page_version="2.0", compression="zstd")
    write(
        "notes-delta-v2",
        notes,
        use_dictionary=False,
        data_page_version="2.0",
        compression="snappy",
        column_encoding={
            "session_id": "DELTA_BYTE_ARRAY",
            "session_date": "DELTA_BYTE_ARRAY",
            "client_name": "DELTA_LENGTH_BYTE_ARRAY",
            "note": "DELTA_LENGTH_BYTE_ARRAY",
        },
    )
    # Small pages and row groups give several pages per column chunk and several row groups.
    write(
        "patients-dict-v1-pages",
        patients,
        use_dictionary=True,
        data_page_version="1.0",
        compression="snappy",
        row_group_size=5,
        data_page_size=128,
        write_batch_size=2,
    )
    write(
        "patients-plain-v2-pages",
        patients,
        use_dictionary=False,
        data_page_version="2.0",
        compression="zstd",
        row_group_size=6,
        data_page_size=128,
        write_batch_size=2,
    )

    tagged = pa.table(
        {
            "session_id": pa.array(["sess-1", "sess-2", "sess-3"], pa.string()),
            "tags": pa.array([["intake", None, "phone"], None, []], pa.list_(pa.string())),
            "note": pa.array(["First visit.", None, "Third."], pa.string()),
        }
    )
    write("nested-list", tagged, compression="none")
    write("notes-lz4", notes_table(2), unsupported=list(range(7)), compression="lz4")

    active = pa.table(
        {
            "id": pa.array(["r1", "r2", "r3"], pa.string()),
            "note": pa.array(
                ["Session went well.", "<script>alert(1)</script>", "=HYPERLINK(\"http://x.example\")"], pa.string()
            ),
        }
    )
    write("active-content", active, compression="snappy")


if __name__ == "__main__":
    main()
