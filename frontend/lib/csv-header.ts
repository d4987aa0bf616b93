/**
 * Checks a CSV file's header row in the browser before it is uploaded, with the rules the import
 * pipeline applies. The first bytes must be text. Names are compared case-insensitively with
 * whitespace collapsed and a UTF-8 BOM ignored. Comma, semicolon, tab or pipe is the delimiter,
 * the Shopify and WooCommerce column aliases are accepted, and no field may be given twice.
 */

export type ProductField = "sku" | "name" | "price" | "description";

export const FIELDS: readonly ProductField[] = ["sku", "name", "price", "description"];
export const REQUIRED_FIELDS: readonly ProductField[] = ["sku", "name", "price"];

/** Accepted header names for each field, already trimmed and lower-cased. */
export const FIELD_ALIASES: Record<ProductField, readonly string[]> = {
  sku: ["sku", "variant sku"],
  name: ["name", "title"],
  price: ["price", "variant price", "regular price"],
  description: ["description", "body (html)"],
};

export const DELIMITERS = [",", ";", "\t", "|"] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** How many bytes of the file are read to find the header row. */
export const HEADER_SAMPLE_BYTES = 64 * 1024;

/**
 * Share of control bytes (other than tab, CR and LF) above which a file is called binary. The
 * import pipeline rejects files over the same share.
 */
export const MAX_CONTROL_SHARE = 0.05;

/** How many column names a problem message lists, and how many characters of each. */
export const MAX_LISTED_COLUMNS = 10;
export const MAX_LISTED_NAME_LENGTH = 40;

/** Known binary formats, by their first bytes, with a hint for the user. */
const SIGNATURES: readonly { bytes: readonly number[]; hint: string }[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], hint: "it is a ZIP archive, such as an Excel .xlsx workbook; save the sheet as CSV" },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], hint: "it is an Excel .xls workbook; save the sheet as CSV" },
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], hint: "it is a PDF document" },
  { bytes: [0x1f, 0x8b], hint: "it is gzip-compressed; upload the uncompressed CSV file" },
  { bytes: [0xff, 0xfe], hint: "it is UTF-16 text; save it as CSV UTF-8" },
  { bytes: [0xfe, 0xff], hint: "it is UTF-16 text; save it as CSV UTF-8" },
];

export type HeaderCheck = {
  delimiter: Delimiter;
  columns: string[];
  /** Field to the header name that supplies it, as written in the file. */
  columnMap: Partial<Record<ProductField, string>>;
  missing: ProductField[];
  /** Fields that more than one column maps to, after aliases, case and spaces. */
  duplicates: ProductField[];
  /** True when the first bytes are not text (NUL bytes or many control bytes). */
  binary: boolean;
  ok: boolean;
  /** A sentence for the user when the file cannot be imported as it is. */
  problem: string | null;
};

const DELIMITER_NAMES: Record<Delimiter, string> = {
  ",": "comma",
  ";": "semicolon",
  "\t": "tab",
  "|": "pipe",
};

export function delimiterName(delimiter: string | null | undefined): string {
  if (!delimiter) return "unknown";
  return DELIMITER_NAMES[delimiter as Delimiter] ?? JSON.stringify(delimiter);
}

/** Returns the first record of `text`, which may span lines inside quotes. */
export function firstRecord(text: string): string {
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (char === "\n" || char === "\r")) return text.slice(0, i);
  }
  return text;
}

function countOutsideQuotes(line: string, delimiter: string): number {
  let count = 0;
  let inQuotes = false;
  for (const char of line) {
    if (char === '"') inQuotes = !inQuotes;
    else if (!inQuotes && char === delimiter) count++;
  }
  return count;
}

/** Picks the delimiter that splits the header into the most fields; comma on a tie or none. */
export function detectDelimiter(headerLine: string): Delimiter {
  let best: Delimiter = ",";
  let bestCount = 0;
  for (const delimiter of DELIMITERS) {
    const count = countOutsideQuotes(headerLine, delimiter);
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

/** Splits one CSV record into fields, honouring double quotes and doubled quotes inside them. */
export function splitRecord(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = "";
  let inQuotes = false;

  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (inQuotes) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        inQuotes = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      inQuotes = true;
    } else if (char === delimiter) {
      fields.push(field);
      field = "";
    } else {
      field += char;
    }
  }

  fields.push(field);
  return fields;
}

/** Lower-cases a header name and collapses its whitespace, as the import pipeline does. */
export function normalizeHeader(name: string): string {
  return name.replace(/\uFEFF/g, "").split(/\s+/).filter(Boolean).join(" ").toLowerCase();
}

function fieldOf(name: string): ProductField | undefined {
  const normalized = normalizeHeader(name);
  const entries = Object.entries(FIELD_ALIASES) as [ProductField, readonly string[]][];
  return entries.find(([, aliases]) => aliases.includes(normalized))?.[0];
}

/** Returns the column indexes that map to each field, in file order. */
function fieldColumns(columns: string[]): Partial<Record<ProductField, number[]>> {
  const indexes: Partial<Record<ProductField, number[]>> = {};
  columns.forEach((name, index) => {
    const field = fieldOf(name);
    if (field) indexes[field] = [...(indexes[field] ?? []), index];
  });
  return indexes;
}

/** Shortens a column name for a message, so a long or garbled name cannot flood the layout. */
export function shortenName(name: string, maxLength = MAX_LISTED_NAME_LENGTH): string {
  const chars = Array.from(name);
  return chars.length <= maxLength ? name : `${chars.slice(0, maxLength - 1).join("")}…`;
}

/** Lists at most MAX_LISTED_COLUMNS names, each shortened, then how many more there are. */
export function listColumns(columns: string[]): string {
  const names = columns.map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) return "nothing";
  const listed = names.slice(0, MAX_LISTED_COLUMNS).map((name) => shortenName(name));
  const more = names.length - listed.length;
  return more > 0 ? `${listed.join(", ")} and ${more} more` : listed.join(", ");
}

function describeMissing(missing: ProductField[], columns: string[]): string {
  const names = missing.map((field) => `'${field}'`).join(", ");
  const noun = missing.length === 1 ? "column" : "columns";
  const verb = missing.length === 1 ? "is" : "are";
  return `Required ${noun} ${names} ${verb} missing; found: ${listColumns(columns)}.`;
}

function describeDuplicate(field: ProductField, indexes: number[], columns: string[]): string {
  const places = indexes
    .map((index) => `'${shortenName(columns[index].trim())}' (column ${index + 1})`)
    .join(" and ");
  return `Column '${field}' appears twice: ${places}; keep only one.`;
}

function describeProblem(
  check: Omit<HeaderCheck, "ok" | "problem">,
  indexes: Partial<Record<ProductField, number[]>>,
): string | null {
  if (check.columns.length === 0) return "The file is empty: it has no header row.";
  const duplicate = check.duplicates[0];
  if (duplicate) return describeDuplicate(duplicate, indexes[duplicate] ?? [], check.columns);
  if (check.missing.length > 0) return describeMissing(check.missing, check.columns);
  return null;
}

/** Checks the header row found at the start of `text` (the file's first bytes, decoded). */
export function checkHeaderText(text: string): HeaderCheck {
  const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const header = firstRecord(withoutBom);
  const delimiter = detectDelimiter(header);
  const columns = header.trim() ? splitRecord(header, delimiter) : [];
  const indexes = fieldColumns(columns);

  const columnMap: Partial<Record<ProductField, string>> = {};
  for (const [field, found] of Object.entries(indexes) as [ProductField, number[]][]) {
    columnMap[field] = columns[found[0]].trim();
  }
  const missing = REQUIRED_FIELDS.filter((field) => !columnMap[field]);
  const duplicates = FIELDS.filter((field) => (indexes[field]?.length ?? 0) > 1);

  const partial = { delimiter, columns, columnMap, missing, duplicates, binary: false };
  const problem = describeProblem(partial, indexes);
  return { ...partial, ok: problem === null, problem };
}

function startsWith(bytes: Uint8Array, signature: readonly number[]): boolean {
  return signature.every((value, index) => bytes[index] === value);
}

function isControlByte(value: number): boolean {
  return (value < 32 && value !== 9 && value !== 10 && value !== 13) || value === 0x7f;
}

/**
 * Returns why `bytes` (the start of a file) are not CSV text, or null when they look like text:
 * a known binary signature, a NUL byte, or more than MAX_CONTROL_SHARE control bytes.
 */
export function binaryReason(bytes: Uint8Array): string | null {
  const signature = SIGNATURES.find((known) => startsWith(bytes, known.bytes));
  if (signature) return signature.hint;
  if (bytes.includes(0)) return "it contains NUL bytes";

  let controls = 0;
  for (const value of bytes) if (isControlByte(value)) controls++;
  if (bytes.length > 0 && controls / bytes.length > MAX_CONTROL_SHARE) {
    return `${Math.round((controls / bytes.length) * 100)}% of its first bytes are control characters`;
  }
  return null;
}

function binaryCheck(reason: string): HeaderCheck {
  return {
    delimiter: ",",
    columns: [],
    columnMap: {},
    missing: [...REQUIRED_FIELDS],
    duplicates: [],
    binary: true,
    ok: false,
    problem: `This file does not look like CSV text: ${reason}.`,
  };
}

/** Checks the first bytes of a file: that they are text, then the header row they start with. */
export function checkHeaderBytes(bytes: Uint8Array): HeaderCheck {
  const reason = binaryReason(bytes);
  if (reason) return binaryCheck(reason);
  // Latin-1 files decode with replacement characters here, which only touch non-ASCII
  // header names; the pipeline detects the real encoding after upload.
  return checkHeaderText(new TextDecoder("utf-8").decode(bytes));
}

function readSample(file: Blob): Promise<ArrayBuffer> {
  const sample = file.slice(0, HEADER_SAMPLE_BYTES);
  if (typeof sample.arrayBuffer === "function") return sample.arrayBuffer();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as ArrayBuffer);
    reader.onerror = () => reject(reader.error);
    reader.readAsArrayBuffer(sample);
  });
}

/** Reads the first bytes of `file` and checks its header row. */
export async function checkFileHeader(file: Blob): Promise<HeaderCheck> {
  return checkHeaderBytes(new Uint8Array(await readSample(file)));
}
