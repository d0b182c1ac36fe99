// Writes the generated benchmark inputs: about 100 MiB of therapy-session rows as CSV, and the
// same rows as JSON Lines. The output depends only on the seed, so every machine benchmarks the
// same bytes. Existing files are kept unless --force is given.
//
// Usage: node bench/make-data.mjs [--force] [--out DIR]
//   --out DIR   output folder, target/bench by default (never committed)
//
// Each row is id, session_id, date, speaker, turn, text. The text is 1 to 7 invented sentences
// (49 to 601 bytes) with commas, some quoted phrases, some non-ASCII characters, and in
// about one row in 12 an embedded line break, so CSV cells exercise quoting and multi-line
// fields. No value starts with a formula character or contains markup, so a correct validator
// accepts both files.
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from "node:fs";
import { join } from "node:path";
import { once } from "node:events";

const TARGET_BYTES = 100 * 1024 * 1024;
const CSV_NAME = "sessions-100mb.csv";
const JSONL_NAME = "sessions-100mb.jsonl";
const SEED = 0x5eed2026;
const WRITE_BATCH_BYTES = 1 << 20;

const SENTENCES = [
  "I have been sleeping badly since the move, maybe four hours a night",
  "We talked about the argument with my sister and why it still bothers me",
  "When the panic starts, I count the tiles on the kitchen floor",
  "My manager said the report was fine, but I keep replaying the meeting",
  "Let's go back to what you noticed in your body just before that",
  "It sounds like part of you wants to rest, and part of you feels guilty about resting",
  "I tried the breathing exercise twice this week, on Monday and again on Thursday",
  "Honestly, I don't know why I cancelled the appointment with the dentist",
  "You mentioned feeling \"invisible\" at the family dinner; can you say more about that",
  "The medication helps with the mornings, though the afternoons are still heavy",
  "I wrote in the journal every evening, even when it was just a line or two",
  "What would you say to a friend who told you the same thing",
  "My son asked me why I was crying, and I told him I was tired",
  "There's a café near the clinic where I sit for ten minutes before each session",
  "We could try a small experiment: one walk outside, at any pace, before Friday",
  "I felt calmer after the call, which surprised me",
  "He said \"you always do this\", and I froze instead of answering",
  "That's a lot to carry on your own, and you have been carrying it for years",
  "On good days I cook, clean, and even call my mother",
  "I'm not sure the homework is helping, but I'm willing to keep going",
  "It's as if the worry arrives first and the reasons come later",
  "Naïve or not, I still hope things can change between us",
  "Can we look at the thought record from Tuesday together",
  "I noticed I apologised three times in the first five minutes today",
  "The group session was hard; everyone seemed to know what to say except me",
  "Your voice got quieter when you mentioned your father",
  "Work is busy, the kids are sick, and I haven't seen my friends in weeks",
  "Some mornings I feel fine, others I can barely get out of bed",
  "I keep a list of small wins on my phone, like you suggested",
  "We agreed to revisit the safety plan next week and to share it with my partner",
  "Maybe the goal isn't to stop feeling anxious but to stop letting it decide for me",
  "I'd like to talk about the holidays — they always bring up old memories",
];
const SPEAKERS = ["client", "therapist"];
const DATES_FROM = Date.UTC(2023, 0, 1);
const DAY_MS = 24 * 60 * 60 * 1000;

/** Returns a seeded 32-bit generator (mulberry32), so the output is the same everywhere. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Yields the rows in order without end, so the caller stops at the size it needs. */
function* rows(seed) {
  const next = random(seed);
  const pick = (list) => list[Math.floor(next() * list.length)];
  let session = 0;
  let turn = 0;
  let turnsLeft = 0;
  for (let id = 1; ; id++) {
    if (turnsLeft === 0) {
      session += 1;
      turn = 0;
      turnsLeft = 20 + Math.floor(next() * 60);
    }
    turn += 1;
    turnsLeft -= 1;
    const sentences = [];
    const count = 1 + Math.floor(next() * 7);
    for (let i = 0; i < count; i++) sentences.push(pick(SENTENCES));
    const separator = next() < 1 / 12 ? ".\n" : ". ";
    yield {
      id,
      session_id: `S${String(session).padStart(6, "0")}`,
      date: new Date(DATES_FROM + (session % 1000) * DAY_MS).toISOString().slice(0, 10),
      speaker: SPEAKERS[turn % 2],
      turn,
      text: `${sentences.join(separator)}.`,
    };
  }
}

/** Quotes a CSV field when it contains a comma, a quote or a line break (RFC 4180). */
function csvField(value) {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const COLUMNS = ["id", "session_id", "date", "speaker", "turn", "text"];
const FORMATS = {
  csv: {
    header: `${COLUMNS.join(",")}\n`,
    line: (row) => `${COLUMNS.map((column) => csvField(row[column])).join(",")}\n`,
  },
  jsonl: {
    header: "",
    line: (row) => `${JSON.stringify(row)}\n`,
  },
};

/** Writes rows in `format` to `path` until the file reaches TARGET_BYTES. */
async function writeFile(path, format) {
  const { header, line } = FORMATS[format];
  const partial = `${path}.partial`;
  const out = createWriteStream(partial);
  let written = Buffer.byteLength(header);
  let batch = [header];
  let batchBytes = written;
  for (const row of rows(SEED)) {
    const text = line(row);
    const bytes = Buffer.byteLength(text);
    batch.push(text);
    batchBytes += bytes;
    written += bytes;
    if (batchBytes >= WRITE_BATCH_BYTES || written >= TARGET_BYTES) {
      if (!out.write(batch.join(""))) await once(out, "drain");
      batch = [];
      batchBytes = 0;
    }
    if (written >= TARGET_BYTES) break;
  }
  out.end();
  await once(out, "finish");
  renameSync(partial, path);
}

async function main() {
  const args = process.argv.slice(2);
  const force = args.includes("--force");
  const outIndex = args.indexOf("--out");
  const dir = outIndex >= 0 ? args[outIndex + 1] : "target/bench";
  if (!dir) {
    console.error("make-data: --out needs a folder");
    process.exit(2);
  }
  mkdirSync(dir, { recursive: true });
  for (const [name, format] of [[CSV_NAME, "csv"], [JSONL_NAME, "jsonl"]]) {
    const path = join(dir, name);
    if (force || !existsSync(path)) await writeFile(path, format);
    console.log(`${path}: ${statSync(path).size} bytes`);
  }
}

await main();
