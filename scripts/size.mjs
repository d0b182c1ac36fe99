// Prints the size of the built .wasm (raw, gzip, brotli) and what each crate costs in it.
//
// Usage: node scripts/size.mjs [--check]
//   --check   exit 1 when the gzip size of the default build is over the budget
//
// Sizes come from pkg/web/techdeck_guard_bg.wasm (built by scripts/build-pkg.sh). The cost per
// crate is read from a second copy built without wasm-opt, whose name section still names
// every function: each function body is charged to the crate in its mangled name. wasm-opt
// shrinks the whole module afterwards, so the per-crate figures are shares of the unoptimized
// code, an estimate of where the bytes go rather than exact savings.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";

const BUDGET_GZIP_BYTES = 600 * 1000;
const optimized = "pkg/web/techdeck_guard_bg.wasm";
const unoptimized = "target/size/techdeck_guard_bg.wasm";

if (!existsSync(optimized)) {
  console.error(`size: ${optimized} is missing; run scripts/build-pkg.sh first`);
  process.exit(2);
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const bytes = readFileSync(optimized);
const gzip = gzipSync(bytes, { level: 9 }).length;
const brotli = brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
console.log(`${optimized}: raw ${kib(bytes.length)}, gzip -9 ${kib(gzip)}, brotli q11 ${kib(brotli)}`);
console.log(`budget: ${kib(BUDGET_GZIP_BYTES)} gzip; ${((100 * gzip) / BUDGET_GZIP_BYTES).toFixed(0)}% used`);

execFileSync("wasm-pack", ["--quiet", "build", "--release", "--no-opt", "--target", "web", "--out-dir", "target/size", "--no-pack", "--", "--no-default-features"], {
  stdio: ["ignore", "ignore", "inherit"],
});
printCrateCosts(readFileSync(unoptimized));

if (process.argv.includes("--check") && gzip > BUDGET_GZIP_BYTES) {
  console.error(`size: gzip size ${kib(gzip)} is over the budget of ${kib(BUDGET_GZIP_BYTES)}`);
  process.exit(1);
}

function printCrateCosts(module) {
  const { bodies, names, dataBytes, importedFunctions } = parseModule(module);
  const costs = new Map();
  bodies.forEach((size, index) => {
    const crate = crateOf(names.get(index + importedFunctions) ?? "");
    costs.set(crate, (costs.get(crate) ?? 0) + size);
  });
  costs.set("(data segments)", dataBytes);
  const total = [...costs.values()].reduce((a, b) => a + b, 0);
  console.log(`\ncost per crate in the module before wasm-opt (${kib(module.length)} raw, names included):`);
  for (const [crate, size] of [...costs].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    console.log(`  ${crate.padEnd(28)} ${kib(size).padStart(11)}  ${((100 * size) / total).toFixed(1).padStart(5)}%`);
  }
}

// Reads the function body sizes, the function names and the data size of a Wasm module.
function parseModule(module) {
  let offset = 8;
  const readU32 = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = module[offset++];
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) return result;
    }
  };
  const readName = () => {
    const length = readU32();
    const text = module.toString("utf8", offset, offset + length);
    offset += length;
    return text;
  };
  const bodies = [];
  const names = new Map();
  let dataBytes = 0;
  let importedFunctions = 0;
  while (offset < module.length) {
    const id = module[offset++];
    const size = readU32();
    const end = offset + size;
    if (id === 2) {
      const count = readU32();
      for (let i = 0; i < count; i++) {
        readName();
        readName();
        const kind = module[offset++];
        if (kind === 0) {
          readU32();
          importedFunctions++;
        } else if (kind === 1) {
          offset++;
          const flags = readU32();
          readU32();
          if (flags & 1) readU32();
        } else if (kind === 2) {
          const flags = readU32();
          readU32();
          if (flags & 1) readU32();
        } else if (kind === 3) {
          offset += 2;
        } else {
          offset++;
          readU32();
        }
      }
    } else if (id === 10) {
      const count = readU32();
      for (let i = 0; i < count; i++) {
        const length = readU32();
        bodies.push(length);
        offset += length;
      }
    } else if (id === 11) {
      dataBytes = size;
    } else if (id === 0 && readName() === "name") {
      while (offset < end) {
        const subsection = module[offset++];
        const length = readU32();
        const subsectionEnd = offset + length;
        if (subsection === 1) {
          const count = readU32();
          for (let i = 0; i < count; i++) {
            const index = readU32();
            names.set(index, readName());
          }
        }
        offset = subsectionEnd;
      }
    }
    offset = end;
  }
  return { bodies, names, dataBytes, importedFunctions };
}

// Returns the crate of a Rust symbol name, mangled (legacy `_ZN…` or v0 `_R…`) or demangled.
function crateOf(name) {
  const legacy = /^_ZN(\d+)/.exec(name);
  if (legacy) {
    const crate = name.slice(legacy[0].length, legacy[0].length + Number(legacy[1]));
    return crate.startsWith("_$LT$") ? genericOwner(name) : crate;
  }
  // Demangled names: `crate::path`, `<crate::Type as other::Trait>::f`, `<&T as core::fmt::Debug>::fmt`.
  const plain = /^[<&\[( ]*(?:mut |dyn )?([a-z_][a-z0-9_]*)::/.exec(name) ?? / as ([a-z_][a-z0-9_]*)::/.exec(name);
  if (plain) return plain[1];
  if (/^(__wbg|__wbindgen|wasm_bindgen)/.test(name)) return "wasm_bindgen";
  if (/^(memcpy|memmove|memset|memcmp|__rust|__rdl|__rg|rust_)/.test(name)) return "std (runtime)";
  return name === "" ? "(unnamed)" : "(other)";
}

// `<T as Trait>::method` impls: charge the crate of the implementing type.
function genericOwner(name) {
  const match = /_\$LT\$(?:\$RF\$)?([a-z_][a-z0-9_]*)\.\.[^.]*/.exec(name);
  return match ? match[1] : "(generic impls)";
}
