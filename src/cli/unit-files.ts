import { type Api, expectFound } from "./api.ts";
import type { UnitFileDetail } from "./api-types.ts";
import { CommandFailure } from "./errors.ts";

/** A submitted unit file with its options and text, or undefined when there is none. */
export async function getUnitFile(api: Api, name: string): Promise<UnitFileDetail | undefined> {
  const file = await expectFound(
    api,
    api.client.GET("/v1/unit-files/{name}", { params: { path: { name } } }),
  );
  // The route also speaks text/plain; asked without Accept, it answers JSON.
  if (typeof file === "string") throw new CommandFailure(`unit file ${name}: expected JSON`);
  return file;
}
