import { describe, expect, it } from "vitest";

import { checkFileHeader, checkHeaderText, detectDelimiter, splitRecord } from "@/lib/csv-header";

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
});
