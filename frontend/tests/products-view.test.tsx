import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { ProductsView } from "@/app/products/components/products-view";
import type { Page, Product } from "@/lib/types";

const navigation = vi.hoisted(() => ({ replace: vi.fn(), params: new URLSearchParams() }));

vi.mock("next/navigation", () => ({
  useRouter: () => ({ replace: navigation.replace }),
  usePathname: () => "/products",
  useSearchParams: () => navigation.params,
}));

function productPage(overrides: Partial<Page<Product>> = {}): Page<Product> {
  return { items: [], page: 1, page_size: 10, total: 25, pages: 3, ...overrides };
}

/** Returns the query parameters of every products request the view sent. */
function requestedQueries(): URLSearchParams[] {
  return vi.mocked(fetch).mock.calls.map(([url]) => new URL(String(url), "http://ui").searchParams);
}

function openAt(query: string) {
  navigation.params = new URLSearchParams(query);
  render(<ProductsView />);
}

describe("ProductsView URL repair", () => {
  beforeEach(() => {
    navigation.replace.mockReset();
    vi.stubGlobal("fetch", vi.fn(async () => Response.json(productPage())));
  });

  afterEach(() => vi.unstubAllGlobals());

  it("clamps a huge page to the API's maximum, then moves to the last page", async () => {
    openAt("page=99999999");

    await waitFor(() => expect(navigation.replace).toHaveBeenLastCalledWith("/products?page=3", { scroll: false }));
    expect(requestedQueries()[0].get("page")).toBe("10000000");
    expect(screen.queryByText("No products yet")).not.toBeInTheDocument();
  });

  it("truncates an over-long search to the API's limit", async () => {
    openAt(`search=${"a".repeat(300)}`);

    await waitFor(() => expect(fetch).toHaveBeenCalled());
    expect(requestedQueries()[0].get("search")).toBe("a".repeat(200));
    expect(navigation.replace).toHaveBeenCalledWith(`/products?search=${"a".repeat(200)}`, { scroll: false });
  });

  it("counts the search limit in characters, not UTF-16 units", async () => {
    openAt(`search=${encodeURIComponent("📦".repeat(250))}`);

    await waitFor(() => expect(fetch).toHaveBeenCalled());
    expect(Array.from(requestedQueries()[0].get("search")!)).toHaveLength(200);
  });

  it("leaves a valid URL alone", async () => {
    openAt("search=mug&status=active&page=2");

    await waitFor(() => expect(fetch).toHaveBeenCalled());
    expect(navigation.replace).not.toHaveBeenCalled();
  });

  it("offers Reset filters when loading fails", async () => {
    vi.mocked(fetch).mockImplementation(async () =>
      Response.json({ message: "invalid request: search: invalid value" }, { status: 400 }),
    );
    openAt("search=mug&status=inactive");

    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Could not load products: invalid request: search: invalid value");
    await userEvent.click(screen.getByRole("button", { name: "Reset filters" }));
    expect(navigation.replace).toHaveBeenCalledWith("/products", { scroll: false });
  });

  it("offers only Try again when the filters are already the defaults", async () => {
    vi.mocked(fetch).mockImplementation(async () => Response.json({ message: "API unreachable" }, { status: 502 }));
    openAt("");

    await screen.findByRole("alert");
    expect(screen.getByRole("button", { name: "Try again" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Reset filters" })).not.toBeInTheDocument();
  });
});
