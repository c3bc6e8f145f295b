import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { UsageError } from "../errors.js";

/** A file on disk to upload, and the relative path it gets in the dataset. */
export interface LocalFile {
  path: string;
  relativePath: string;
  size: number;
}

/**
 * Expands the paths of an import into files. A file keeps its base name; a
 * folder contributes every file under it, recursively, named by its path from
 * the folder's parent (`flights/day1/run.mcap`). Two files that would get the
 * same relative path are a usage error, because a dataset stores each path once.
 */
export async function collectLocalFiles(paths: readonly string[]): Promise<LocalFile[]> {
  const files: LocalFile[] = [];
  for (const path of paths) {
    const absolute = resolve(path);
    const info = await stat(absolute).catch(() => undefined);
    if (!info) throw new UsageError(`no such file or folder: ${path}`);

    if (info.isDirectory()) {
      const parent = dirname(absolute);
      for (const file of await listFolder(absolute)) {
        files.push({
          path: file,
          relativePath: toPosix(relative(parent, file)),
          size: (await stat(file)).size,
        });
      }
    } else if (info.isFile()) {
      files.push({ path: absolute, relativePath: basename(absolute), size: info.size });
    } else {
      throw new UsageError(`not a regular file or folder: ${path}`);
    }
  }

  const seen = new Map<string, string>();
  for (const file of files) {
    const earlier = seen.get(file.relativePath);
    if (earlier) {
      throw new UsageError(
        `${earlier} and ${file.path} would both be stored as '${file.relativePath}'; import them separately into different datasets`,
      );
    }
    seen.set(file.relativePath, file.path);
  }
  if (files.length === 0) throw new UsageError(`no files found in: ${paths.join(", ")}`);
  return files;
}

async function listFolder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function toPosix(path: string): string {
  return path.split(sep).join("/");
}
