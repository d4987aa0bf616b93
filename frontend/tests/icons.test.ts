import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const APP = path.resolve(__dirname, "..", "app");

describe("app icons", () => {
  it("ships an SVG icon with a square view box", () => {
    const svg = new DOMParser().parseFromString(readFileSync(path.join(APP, "icon.svg"), "utf-8"), "image/svg+xml");

    expect(svg.querySelector("parsererror")).toBeNull();
    expect(svg.documentElement.tagName).toBe("svg");
    expect(svg.documentElement.getAttribute("viewBox")).toBe("0 0 32 32");
  });

  it("ships a favicon.ico with PNG images of 16, 32 and 48 pixels", () => {
    const ico = readFileSync(path.join(APP, "favicon.ico"));

    expect(ico.readUInt16LE(0)).toBe(0);
    expect(ico.readUInt16LE(2)).toBe(1);
    const count = ico.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, index) => ico[6 + index * 16]);
    expect(sizes).toEqual([16, 32, 48]);
    const firstImage = ico.readUInt32LE(6 + 12);
    expect(ico.subarray(firstImage, firstImage + 4).toString("latin1")).toBe("\x89PNG");
  });
});
