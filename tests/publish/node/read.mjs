// Independent readers of published golden tables, for tests/control/publications_test.py:
//   node read.mjs parquet <file path or http URL>...   every row of the files (hyparquet), as JSON
//   node read.mjs clickhouse <sql>                      ClickHouse's answer (chdb), as JSON rows
import { readFileSync } from "node:fs";
import { asyncBufferFromUrl, parquetMetadataAsync, parquetReadObjects, parquetSchema } from "hyparquet";
import { compressors } from "hyparquet-compressors";

// JSON-safe values: 64-bit integers as text, timestamps as ISO, UUIDs as text.
function plain(v) {
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Date) return v.toISOString();
  if (v instanceof Uint8Array) {
    const hex = Buffer.from(v).toString("hex");
    return v.length === 16 ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` : hex;
  }
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

async function file(source) {
  if (/^https?:/.test(source)) return asyncBufferFromUrl({ url: source });
  const b = readFileSync(source);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
}

const [mode, ...args] = process.argv.slice(2);
if (mode === "parquet") {
  const out = { rows: [], columns: null, files: [] };
  for (const source of args) {
    const buffer = await file(source);
    const metadata = await parquetMetadataAsync(buffer);
    const schema = parquetSchema(metadata);
    out.columns = schema.children.map((c) => ({
      name: c.element.name,
      type: c.element.type ?? null,
      logical: c.element.logical_type?.type ?? null,
      converted: c.element.converted_type ?? null,
      utc: c.element.logical_type?.isAdjustedToUTC ?? null,
    }));
    const codecs = new Set(metadata.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data.codec)));
    out.files.push({ source, rows: Number(metadata.num_rows), row_groups: metadata.row_groups.length, codecs: [...codecs] });
    const rows = await parquetReadObjects({ file: buffer, compressors, utf8: true });
    for (const r of rows) out.rows.push(plain(r));
  }
  console.log(JSON.stringify(out));
} else if (mode === "clickhouse") {
  const { query } = await import("chdb");
  const text = query(args[0], "JSONCompact");
  console.log(text.trim() ? text : "{}");
} else {
  console.error("usage: read.mjs parquet <files…> | clickhouse <sql>");
  process.exit(2);
}
