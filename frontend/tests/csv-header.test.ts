import { describe, expect, it } from "vitest";

import {
  binaryReason,
  checkFileHeader,
  checkHeaderBytes,
  checkHeaderText,
  detectDelimiter,
  splitRecord,
} from "@/lib/csv-header";

describe("checkHeaderText", () => {
  it.each([
    [",", "sku,name,price\nA,B,1"],
    [";", "sku;name;price\nA;B;1,50"],
    ["\t", "sku\tname\tprice\n"],
    ["|", "sku|name|price|description\n"],
  ])("detects the %j delimiter", (delimiter, text) => {
    const check = checkHeaderText(text);
    expect(check.delimiter).toBe(delimiter);
    expect(check.ok).toBe(true);
  });

  it("ignores a BOM, case and surrounding spaces", () => {
    const check = checkHeaderText("\uFEFF SKU , Name,PRICE \r\nA,B,1");
    expect(check.ok).toBe(true);
    expect(check.columnMap).toEqual({ sku: "SKU", name: "Name", price: "PRICE" });
  });

  it("maps Shopify export columns", () => {
    const check = checkHeaderText("Handle,Title,Body (HTML),Variant SKU,Variant Price\n");
    expect(check.ok).toBe(true);
    expect(check.columnMap).toEqual({
      sku: "Variant SKU",
      name: "Title",
      price: "Variant Price",
      description: "Body (HTML)",
    });
  });

  it("maps WooCommerce export columns", () => {
    const check = checkHeaderText("ID,Type,SKU,Name,Description,Regular price,Sale price\n");
    expect(check.ok).toBe(true);
    expect(check.columnMap.price).toBe("Regular price");
    expect(check.columnMap.description).toBe("Description");
  });

  it("names every missing required column and what was found", () => {
    const check = checkHeaderText("sku;qty;colour\nA;1;red");
    expect(check.ok).toBe(false);
    expect(check.missing).toEqual(["name", "price"]);
    expect(check.problem).toBe("Required columns 'name', 'price' are missing; found: sku, qty, colour.");
  });

  it("reports a single missing column in the singular", () => {
    expect(checkHeaderText("sku,name,qty").problem).toBe(
      "Required column 'price' is missing; found: sku, name, qty.",
    );
  });

  it("does not treat description as required", () => {
    const check = checkHeaderText("sku,name,price");
    expect(check.ok).toBe(true);
    expect(check.columnMap.description).toBeUndefined();
  });

  it("rejects an empty file", () => {
    const check = checkHeaderText("");
    expect(check.ok).toBe(false);
    expect(check.problem).toBe("The file is empty: it has no header row.");
  });

  it("keeps delimiters and line breaks inside quoted header names", () => {
    const check = checkHeaderText('"sku","product; name","name","price"\n');
    expect(check.delimiter).toBe(",");
    expect(check.columns).toEqual(["sku", "product; name", "name", "price"]);
    expect(check.ok).toBe(true);
  });
});

describe("checkHeaderText limits and duplicates", () => {
  it("lists at most ten found columns, each shortened", () => {
    const columns = Array.from({ length: 14 }, (_, index) => `column-${index}-${"w".repeat(60)}`);
    const check = checkHeaderText(`${columns.join(",")}\n`);

    expect(check.ok).toBe(false);
    expect(check.problem).toContain("found: column-0-www");
    expect(check.problem).toContain("… and 4 more.");
    expect(check.problem).not.toContain("column-10-");
    expect(check.problem!.length).toBeLessThan(600);
  });

  it("reports a required column given twice through an alias", () => {
    const check = checkHeaderText("sku,Name,price, TITLE \n");
    expect(check.ok).toBe(false);
    expect(check.duplicates).toEqual(["name"]);
    expect(check.problem).toBe(
      "Column 'name' appears twice: 'Name' (column 2) and 'TITLE' (column 4); keep only one.",
    );
  });

  it("reports the same column name given twice in other case and spacing", () => {
    const check = checkHeaderText("Variant  SKU;name;price;variant sku\n");
    expect(check.problem).toMatch(/^Column 'sku' appears twice/);
  });

  it("reports a duplicate before a missing column", () => {
    expect(checkHeaderText("sku,sku,name\n").problem).toMatch(/^Column 'sku' appears twice/);
  });
});

describe("checkHeaderBytes", () => {
  const encode = (text: string) => new TextEncoder().encode(text);

  it("rejects bytes with NUL as not CSV text", () => {
    const bytes = new Uint8Array([0x73, 0x6b, 0x75, 0x00, 0x2c, 0x6e, 0x61, 0x6d, 0x65]);
    const check = checkHeaderBytes(bytes);
    expect(check.ok).toBe(false);
    expect(check.binary).toBe(true);
    expect(check.columns).toEqual([]);
    expect(check.problem).toBe("This file does not look like CSV text: it contains NUL bytes.");
  });

  it("rejects bytes that are mostly control characters", () => {
    const bytes = new Uint8Array(200).map((_, index) => (index % 3 === 0 ? 0x07 : 0x41));
    const check = checkHeaderBytes(bytes);
    expect(check.binary).toBe(true);
    expect(check.problem).toMatch(/^This file does not look like CSV text: 3\d% of its first bytes/);
  });

  it("names an Excel workbook from its ZIP signature", () => {
    const check = checkHeaderBytes(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]));
    expect(check.problem).toContain("Excel .xlsx workbook; save the sheet as CSV");
  });

  it("accepts text with tabs and line breaks", () => {
    expect(binaryReason(encode("sku\tname\tprice\r\nA\tB\t1\r\n"))).toBeNull();
    expect(checkHeaderBytes(encode("sku\tname\tprice\r\n")).ok).toBe(true);
  });

  it("accepts Windows-1252 bytes, which are not control characters", () => {
    const bytes = new Uint8Array([...encode("sku,name,price\nA,Caf"), 0xe9, 0x2c, 0x31, 0x0a]);
    expect(checkHeaderBytes(bytes).ok).toBe(true);
  });
});

describe("detectDelimiter", () => {
  it("prefers the delimiter that appears most outside quotes", () => {
    expect(detectDelimiter('"a,b,c";d;e')).toBe(";");
  });

  it("falls back to comma for a single column", () => {
    expect(detectDelimiter("sku")).toBe(",");
  });
});

describe("splitRecord", () => {
  it("unescapes doubled quotes", () => {
    expect(splitRecord('"say ""hi""",x', ",")).toEqual(['say "hi"', "x"]);
  });
});

describe("checkFileHeader", () => {
  it("reads only the first bytes of a large file", async () => {
    const header = "Variant SKU|Title|Variant Price\n";
    const body = "A|B|1\n".repeat(50_000);
    const check = await checkFileHeader(new File([header, body], "big.csv", { type: "text/csv" }));
    expect(check.delimiter).toBe("|");
    expect(check.ok).toBe(true);
  });

  it("rejects a binary file renamed .csv", async () => {
    const bytes = new Uint8Array(4096).map((_, index) => (index * 37) % 256);
    const check = await checkFileHeader(new File([bytes], "photo.csv", { type: "text/csv" }));
    expect(check.binary).toBe(true);
    expect(check.problem).toMatch(/^This file does not look like CSV text/);
  });
});
