import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { FileUpload } from "@/app/imports/components/file-upload";

async function choose(file: File) {
  render(<FileUpload onUploaded={vi.fn()} />);
  await userEvent.upload(screen.getByLabelText("CSV file"), file);
  return screen.findByTestId("header-check");
}

describe("FileUpload header check", () => {
  it("says a binary file renamed .csv is not CSV text", async () => {
    const bytes = new Uint8Array(2048).map((_, index) => (index * 131) % 256);
    const check = await choose(new File([bytes], "photo.csv", { type: "text/csv" }));

    expect(within(check).getByRole("alert")).toHaveTextContent(/^This file does not look like CSV text/);
    expect(check).toHaveTextContent("not text");
    expect(within(check).queryByRole("list", { name: "Column mapping" })).not.toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Upload and import" })).not.toBeInTheDocument();
  });

  it("caps the found list and lets the message wrap", async () => {
    const header = Array.from({ length: 30 }, (_, index) => `c${index}${"#".repeat(300)}`).join(",");
    const check = await choose(new File([`${header}\n`], "wide.csv", { type: "text/csv" }));

    const alert = within(check).getByRole("alert");
    expect(alert).toHaveTextContent("and 20 more.");
    expect(alert.textContent!.length).toBeLessThan(600);
    expect(alert.className).toContain("[overflow-wrap:anywhere]");
  });

  it("reports a required column given twice before upload", async () => {
    const check = await choose(new File(["sku,name,price,Title\nA,B,1,C\n"], "twice.csv", { type: "text/csv" }));

    expect(within(check).getByRole("alert")).toHaveTextContent("Column 'name' appears twice");
    expect(screen.queryByRole("button", { name: "Upload and import" })).not.toBeInTheDocument();
  });
});
