import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { uploadToPresignedPost, UploadError } from "@/lib/upload";

/** An XMLHttpRequest stand-in that keeps what was sent and lets the test finish the request. */
class FakeXhr {
  static last: FakeXhr;
  upload: { onprogress: ((event: ProgressEvent) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;
  status = 0;
  statusText = "";
  responseText = "";
  method = "";
  url = "";
  body: FormData | null = null;

  constructor() {
    FakeXhr.last = this;
  }

  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }

  send(body: FormData) {
    this.body = body;
  }

  abort() {
    this.onabort?.();
  }
}

describe("uploadToPresignedPost", () => {
  const file = new File(["sku,name,price\n"], "products.csv", { type: "text/csv" });

  beforeEach(() => vi.stubGlobal("XMLHttpRequest", FakeXhr));
  afterEach(() => vi.unstubAllGlobals());

  it("posts every presigned field before the file", async () => {
    const onProgress = vi.fn();
    const handle = uploadToPresignedPost("http://127.0.0.1:4566/bucket", { key: "uploads/1.csv", policy: "p" }, file, onProgress);

    const xhr = FakeXhr.last;
    expect(xhr.method).toBe("POST");
    expect(xhr.url).toBe("http://127.0.0.1:4566/bucket");
    expect([...xhr.body!.keys()]).toEqual(["key", "policy", "file"]);

    xhr.upload.onprogress?.({ loaded: 5, total: 15, lengthComputable: true } as ProgressEvent);
    expect(onProgress).toHaveBeenCalledWith({ loaded: 5, total: 15 });
    xhr.status = 204;
    xhr.onload?.();
    await expect(handle.done).resolves.toBeUndefined();
    expect(onProgress).toHaveBeenLastCalledWith({ loaded: file.size, total: file.size });
  });

  it("rejects with the storage message on an HTTP error", async () => {
    const handle = uploadToPresignedPost("http://s3", {}, file, () => {});
    const xhr = FakeXhr.last;
    xhr.status = 403;
    xhr.responseText = "<Error><Message>Policy expired</Message></Error>";
    xhr.onload?.();
    await expect(handle.done).rejects.toThrow("upload to storage failed with HTTP 403: Policy expired");
  });

  it("marks an aborted upload as aborted", async () => {
    const handle = uploadToPresignedPost("http://s3", {}, file, () => {});
    handle.abort();
    const error = await handle.done.catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(UploadError);
    expect((error as UploadError).aborted).toBe(true);
  });
});
