/**
 * Checks a CSV file's header row in the browser before it is uploaded, with the same rules the
 * import pipeline applies: names compared case-insensitively after trimming, a UTF-8 BOM ignored,
 * comma, semicolon, tab or pipe as the delimiter, and the Shopify and WooCommerce column aliases.
 */

export type ProductField = "sku" | "name" | "price" | "description";

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

export type HeaderCheck = {
  delimiter: Delimiter;
  columns: string[];
  /** Field to the header name that supplies it, as written in the file. */
  columnMap: Partial<Record<ProductField, string>>;
  missing: ProductField[];
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

export function normalizeHeader(name: string): string {
  return name.trim().toLowerCase();
}

function matchFields(columns: string[]): Partial<Record<ProductField, string>> {
  const columnMap: Partial<Record<ProductField, string>> = {};
  for (const [field, aliases] of Object.entries(FIELD_ALIASES) as [ProductField, string[]][]) {
    const column = columns.find((name) => aliases.includes(normalizeHeader(name)));
    if (column !== undefined) columnMap[field] = column.trim();
  }
  return columnMap;
}

function describeMissing(missing: ProductField[], columns: string[]): string {
  const names = missing.map((field) => `'${field}'`).join(", ");
  const noun = missing.length === 1 ? "column" : "columns";
  const verb = missing.length === 1 ? "is" : "are";
  const found = columns.filter((name) => name.trim()).map((name) => name.trim());
  return `Required ${noun} ${names} ${verb} missing; found: ${found.join(", ") || "nothing"}.`;
}

/** Checks the header row found at the start of `text` (the file's first bytes, decoded). */
export function checkHeaderText(text: string): HeaderCheck {
  const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const header = firstRecord(withoutBom);
  const delimiter = detectDelimiter(header);
  const columns = header.trim() ? splitRecord(header, delimiter) : [];
  const columnMap = matchFields(columns);
  const missing = REQUIRED_FIELDS.filter((field) => !columnMap[field]);

  let problem: string | null = null;
  if (columns.length === 0) problem = "The file is empty: it has no header row.";
  else if (missing.length > 0) problem = describeMissing(missing, columns);

  return { delimiter, columns, columnMap, missing, ok: problem === null, problem };
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
  const bytes = await readSample(file);
  // Latin-1 files decode with replacement characters here, which only touch non-ASCII
  // header names; the pipeline detects the real encoding after upload.
  const text = new TextDecoder("utf-8").decode(bytes);
  return checkHeaderText(text);
}
