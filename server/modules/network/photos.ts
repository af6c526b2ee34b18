// Staff badge photos (挂牌上岗) as files under DATA_DIR/photos, each under a random name the server chose.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const PHOTO_MAX_BYTES = 200 * 1024;

export type PhotoType = 'image/jpeg' | 'image/png';

const EXTENSIONS: Record<PhotoType, string> = { 'image/jpeg': 'jpg', 'image/png': 'png' };
const STORED_NAME = /^[0-9a-f]{32}\.(jpg|png)$/;

const JPEG_MAGIC = Buffer.from([0xff, 0xd8, 0xff]);
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** What the first bytes say the file is, whatever the client claimed. */
export function sniffImage(bytes: Buffer): PhotoType | null {
  if (bytes.length >= PNG_MAGIC.length && bytes.subarray(0, PNG_MAGIC.length).equals(PNG_MAGIC)) return 'image/png';
  if (bytes.length >= JPEG_MAGIC.length && bytes.subarray(0, JPEG_MAGIC.length).equals(JPEG_MAGIC)) return 'image/jpeg';
  return null;
}

export function photoDir(dataDir: string): string {
  return path.join(dataDir, 'photos');
}

export function contentTypeOf(fileName: string): PhotoType {
  return fileName.endsWith('.png') ? 'image/png' : 'image/jpeg';
}

/** Writes a new file and returns its name; never overwrites one. */
export async function storePhoto(dataDir: string, type: PhotoType, bytes: Buffer): Promise<string> {
  const dir = photoDir(dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const name = `${randomBytes(16).toString('hex')}.${EXTENSIONS[type]}`;
  await writeFile(path.join(dir, name), bytes, { flag: 'wx', mode: 0o600 });
  return name;
}

/** The stored bytes, or null when the name is not one of ours or the file is gone. */
export async function loadPhoto(dataDir: string, name: string): Promise<Buffer | null> {
  if (!STORED_NAME.test(name)) return null;
  try {
    return await readFile(path.join(photoDir(dataDir), name));
  } catch {
    return null;
  }
}

/** Best effort: a file left behind is harmless, a failed delete must not undo a committed change. */
export async function discardPhoto(dataDir: string, name: string | null): Promise<void> {
  if (!name || !STORED_NAME.test(name)) return;
  await unlink(path.join(photoDir(dataDir), name)).catch(() => {});
}
