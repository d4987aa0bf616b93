"use client";

import * as React from "react";
import { SearchIcon, XIcon } from "lucide-react";

import { Input } from "@/components/ui/input";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { MAX_SEARCH_LENGTH } from "@/lib/api";
import type { StatusFilter } from "@/lib/types";

export type ProductsToolbarProps = {
  search: string;
  status: StatusFilter;
  onSearch: (search: string) => void;
  onStatusChange: (status: StatusFilter) => void;
};

export function ProductsToolbar({ search, status, onSearch, onStatusChange }: ProductsToolbarProps) {
  const [draft, setDraft] = React.useState(search);
  React.useEffect(() => setDraft(search), [search]);

  function handleKeyDown(event: React.KeyboardEvent<HTMLInputElement>) {
    if (event.key === "Enter") {
      event.preventDefault();
      onSearch(draft.trim());
    } else if (event.key === "Escape") {
      event.preventDefault();
      setDraft("");
      onSearch("");
    }
  }

  return (
    <div className="flex flex-col gap-3 border-b p-4 sm:flex-row sm:items-center">
      <div className="relative flex-1 sm:max-w-sm">
        <SearchIcon
          className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-muted-foreground"
          aria-hidden="true"
        />
        <Input
          type="search"
          aria-label="Search products"
          placeholder="Search SKU, name or description…"
          value={draft}
          maxLength={MAX_SEARCH_LENGTH}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={handleKeyDown}
          className="pr-9 pl-9 [&::-webkit-search-cancel-button]:hidden"
        />
        {draft ? (
          <button
            type="button"
            onClick={() => {
              setDraft("");
              onSearch("");
            }}
            className="absolute top-1/2 right-2 -translate-y-1/2 rounded-sm p-1 text-muted-foreground hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50 focus-visible:outline-none"
          >
            <XIcon className="size-3.5" aria-hidden="true" />
            <span className="sr-only">Clear search</span>
          </button>
        ) : null}
      </div>
      <p className="hidden text-xs text-muted-foreground lg:block">
        <kbd className="rounded border bg-muted px-1 font-sans">Enter</kbd> to search,{" "}
        <kbd className="rounded border bg-muted px-1 font-sans">Esc</kbd> to clear
      </p>
      <div className="sm:ml-auto">
        <Select value={status} onValueChange={(value) => onStatusChange(value as StatusFilter)}>
          <SelectTrigger aria-label="Status filter" className="w-40">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value="all">All statuses</SelectItem>
            <SelectItem value="active">Active</SelectItem>
            <SelectItem value="inactive">Inactive</SelectItem>
          </SelectContent>
        </Select>
      </div>
    </div>
  );
}
