"use client";

import { ChevronLeftIcon, ChevronRightIcon } from "lucide-react";

import { Button } from "@/components/ui/button";
import { formatCount } from "@/lib/format";

/**
 * Page numbers to show: always the first and last, the current page with `siblings` on each
 * side, and "gap" where pages are skipped.
 */
export function pageItems(current: number, pages: number, siblings = 1): (number | "gap")[] {
  if (pages <= 0) return [];
  const first = Math.max(2, current - siblings);
  const last = Math.min(pages - 1, current + siblings);
  const items: (number | "gap")[] = [1];

  if (first > 2) items.push(first === 3 ? 2 : "gap");
  for (let page = first; page <= last; page++) items.push(page);
  if (last < pages - 1) items.push(last === pages - 2 ? pages - 1 : "gap");
  if (pages > 1) items.push(pages);
  return items;
}

export type PaginationProps = {
  page: number;
  pages: number;
  pageSize: number;
  total: number;
  estimated?: boolean;
  onPageChange: (page: number) => void;
};

export function Pagination({ page, pages, pageSize, total, estimated, onPageChange }: PaginationProps) {
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);

  return (
    <div className="flex flex-col items-center justify-between gap-3 px-4 py-3 sm:flex-row">
      <p className="text-sm text-muted-foreground" data-testid="pagination-summary">
        Showing <span className="font-medium text-foreground">{formatCount(from)}</span>–
        <span className="font-medium text-foreground">{formatCount(to)}</span> of{" "}
        {estimated ? "about " : ""}
        <span className="font-medium text-foreground">{formatCount(total)}</span>{" "}
        {total === 1 ? "product" : "products"}
      </p>
      {pages > 1 ? (
        <nav aria-label="Pagination" className="flex items-center gap-1">
          <Button
            variant="ghost"
            size="sm"
            disabled={page <= 1}
            onClick={() => onPageChange(page - 1)}
            aria-label="Previous page"
          >
            <ChevronLeftIcon aria-hidden="true" />
            <span className="hidden sm:inline">Previous</span>
          </Button>
          {pageItems(page, pages).map((item, index) =>
            item === "gap" ? (
              <span key={`gap-${index}`} className="px-1.5 text-muted-foreground" aria-hidden="true">
                …
              </span>
            ) : (
              <Button
                key={item}
                variant={item === page ? "outline" : "ghost"}
                size="icon-sm"
                aria-label={`Page ${item}`}
                aria-current={item === page ? "page" : undefined}
                onClick={() => onPageChange(item)}
              >
                {item}
              </Button>
            ),
          )}
          <Button
            variant="ghost"
            size="sm"
            disabled={page >= pages}
            onClick={() => onPageChange(page + 1)}
            aria-label="Next page"
          >
            <span className="hidden sm:inline">Next</span>
            <ChevronRightIcon aria-hidden="true" />
          </Button>
        </nav>
      ) : null}
    </div>
  );
}
