import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { pageItems, Pagination } from "@/app/products/components/pagination";

describe("pageItems", () => {
  it("lists every page when there are few", () => {
    expect(pageItems(1, 5)).toEqual([1, 2, 3, 4, 5]);
  });

  it("puts gaps on both sides of a middle page", () => {
    expect(pageItems(10, 20)).toEqual([1, "gap", 9, 10, 11, "gap", 20]);
  });

  it("shows a page instead of a gap of one", () => {
    expect(pageItems(4, 20)).toEqual([1, 2, 3, 4, 5, "gap", 20]);
  });

  it("returns nothing for zero pages", () => {
    expect(pageItems(1, 0)).toEqual([]);
  });

  it("returns one page for one page", () => {
    expect(pageItems(1, 1)).toEqual([1]);
  });
});

describe("Pagination", () => {
  it("shows the range and the total", () => {
    render(<Pagination page={2} pages={13} pageSize={10} total={123} onPageChange={() => {}} />);
    expect(screen.getByTestId("pagination-summary")).toHaveTextContent("Showing 11–20 of 123 products");
  });

  it("marks the current page and moves to another on click", async () => {
    const onPageChange = vi.fn();
    render(<Pagination page={2} pages={13} pageSize={10} total={123} onPageChange={onPageChange} />);

    expect(screen.getByRole("button", { name: "Page 2" })).toHaveAttribute("aria-current", "page");
    await userEvent.click(screen.getByRole("button", { name: "Page 13" }));
    expect(onPageChange).toHaveBeenCalledWith(13);
    await userEvent.click(screen.getByRole("button", { name: "Next page" }));
    expect(onPageChange).toHaveBeenLastCalledWith(3);
  });

  it("disables Previous on the first page and Next on the last", () => {
    const { rerender } = render(<Pagination page={1} pages={3} pageSize={10} total={25} onPageChange={() => {}} />);
    expect(screen.getByRole("button", { name: "Previous page" })).toBeDisabled();
    rerender(<Pagination page={3} pages={3} pageSize={10} total={25} onPageChange={() => {}} />);
    expect(screen.getByRole("button", { name: "Next page" })).toBeDisabled();
    expect(screen.getByTestId("pagination-summary")).toHaveTextContent("Showing 21–25 of 25 products");
  });

  it("hides the page buttons when everything fits on one page", () => {
    render(<Pagination page={1} pages={1} pageSize={10} total={4} onPageChange={() => {}} />);
    expect(screen.queryByRole("navigation", { name: "Pagination" })).not.toBeInTheDocument();
  });

  it("says about when the total is an estimate", () => {
    render(<Pagination page={1} pages={900} pageSize={10} total={9000} estimated onPageChange={() => {}} />);
    expect(screen.getByTestId("pagination-summary")).toHaveTextContent("of about 9,000 products");
  });
});

describe("pageItems near the end", () => {
  it("fills the slots from the last page backwards", () => {
    expect(pageItems(19, 20)).toEqual([1, "gap", 16, 17, 18, 19, 20]);
  });
});

describe("Pagination with large numbers", () => {
  it("formats page numbers and totals with thousands separators", () => {
    render(<Pagination page={14_446} pages={14_446} pageSize={10} total={144_454} onPageChange={() => {}} />);

    expect(screen.getByTestId("pagination-summary")).toHaveTextContent("Showing 144,451–144,454 of 144,454 products");
    const last = screen.getByRole("button", { name: "Page 14,446" });
    expect(last).toHaveTextContent("14,446");
    expect(last).toHaveAttribute("aria-current", "page");
    expect(screen.getByRole("button", { name: "Page 14,442" })).toHaveTextContent("14,442");
  });

  it("sizes page buttons by their text instead of a fixed square", () => {
    render(<Pagination page={1} pages={14_446} pageSize={10} total={144_454} onPageChange={() => {}} />);

    const last = screen.getByRole("button", { name: "Page 14,446" });
    expect(last.className).toContain("min-w-8");
    expect(last.className).not.toMatch(/(^|\s)size-8(\s|$)/);
  });
});
