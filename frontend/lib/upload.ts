export type UploadProgress = { loaded: number; total: number };

export class UploadError extends Error {
  readonly aborted: boolean;

  constructor(message: string, aborted = false) {
    super(message);
    this.name = "UploadError";
    this.aborted = aborted;
  }
}

export type UploadHandle = {
  done: Promise<void>;
  abort: () => void;
};

/**
 * Uploads `file` to S3 with a presigned POST form: every presigned field first, then `file`
 * last, as S3 requires. XMLHttpRequest (not fetch) because it reports upload byte progress.
 */
export function uploadToPresignedPost(
  url: string,
  fields: Record<string, string>,
  file: File,
  onProgress: (progress: UploadProgress) => void,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append("file", file);

  const done = new Promise<void>((resolve, reject) => {
    xhr.upload.onprogress = (event) => {
      onProgress({ loaded: event.loaded, total: event.lengthComputable ? event.total : file.size });
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress({ loaded: file.size, total: file.size });
        resolve();
      } else {
        reject(new UploadError(`upload to storage failed with HTTP ${xhr.status}: ${s3Message(xhr)}`));
      }
    };
    xhr.onerror = () => reject(new UploadError("upload to storage failed: network error"));
    xhr.onabort = () => reject(new UploadError("upload cancelled", true));
  });

  xhr.open("POST", url);
  xhr.send(form);
  return { done, abort: () => xhr.abort() };
}

function s3Message(xhr: XMLHttpRequest): string {
  const match = /<Message>([^<]*)<\/Message>/.exec(xhr.responseText ?? "");
  return match ? match[1] : xhr.statusText || "no message";
}
