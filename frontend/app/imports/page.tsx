import { Suspense } from "react";

import { ImportView } from "./components/import-view";

export const metadata = { title: "Import · FullFill" };

export default function ImportsPage() {
  return (
    <Suspense>
      <ImportView />
    </Suspense>
  );
}
