import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { docker } from "./agents.ts";

/**
 * Builds an image on the local Docker engine from a Dockerfile and the files beside it, for
 * tests that need an image of their own (from flotilla/busybox, which the set-up provides).
 */
export async function buildImage(
  tag: string,
  files: Record<string, string>,
  workDir: string,
): Promise<void> {
  const context = await mkdtemp(join(workDir, "image-"));
  try {
    for (const [name, content] of Object.entries(files))
      await writeFile(join(context, name), content);
    const stream = await docker.buildImage({ context, src: Object.keys(files) }, { t: tag });
    await new Promise<void>((resolve, reject) => {
      let failure: string | undefined;
      docker.modem.followProgress(
        stream,
        (error: Error | null) => {
          if (error) reject(error);
          else if (failure) reject(new Error(`building ${tag}: ${failure}`));
          else resolve();
        },
        (event: { error?: string }) => {
          if (event.error) failure = event.error;
        },
      );
    });
  } finally {
    await rm(context, { recursive: true, force: true });
  }
}

export async function removeImage(tag: string): Promise<void> {
  await docker
    .getImage(tag)
    .remove({ force: true })
    .catch(() => {});
}
