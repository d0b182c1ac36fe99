"""Write the Parquet benchmark inputs to target/bench/ from the counsel-chat CSV.

The table is the CSV repeated 20 times, about 65 MB of CSV. It is written as a CSV copy, the
anchor's input, and as three Parquet files: PLAIN pages v1 without compression, pyarrow's
defaults (dictionary encoding, Snappy, pages v1), and ZSTD with pages v2. The table once,
with pyarrow's defaults, is the Parquet input of benches/deid.rs.

Usage: python3 bench/make-parquet.py   (needs pyarrow; run from the repository root)
"""

import csv
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

SOURCE = Path("../shared/data/therapy/counsel-chat/20200325_counsel_chat.csv")
OUTPUT = Path("target/bench")
REPEAT = 20


def main() -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with SOURCE.open(newline="", encoding="utf-8") as file:
        rows = list(csv.reader(file))
    header, records = rows[0], rows[1:]
    table = pa.table({name: pa.array([record[index] for record in records], pa.string()) for index, name in enumerate(header)})
    pq.write_table(table, OUTPUT / "counsel-chat.parquet")
    table = pa.concat_tables([table] * REPEAT)
    pacsv.write_csv(table, OUTPUT / "counsel-chat-x20.csv")
    pq.write_table(table, OUTPUT / "counsel-chat-x20-plain.parquet", use_dictionary=False, compression="none")
    pq.write_table(table, OUTPUT / "counsel-chat-x20-snappy.parquet")
    pq.write_table(table, OUTPUT / "counsel-chat-x20-zstd.parquet", compression="zstd", data_page_version="2.0")
    for path in sorted(OUTPUT.glob("counsel-chat*")):
        print(f"{path}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
