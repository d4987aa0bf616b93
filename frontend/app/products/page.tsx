import { Suspense } from "react";

import { ProductsView } from "./components/products-view";

export const metadata = { title: "Products · FullFill" };

export default function ProductsPage() {
  return (
    <Suspense>
      <ProductsView />
    </Suspense>
  );
}
