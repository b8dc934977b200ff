import { type Api, expectData, expectFound } from "./api.ts";
import type { UnitFileDetail, UnitFileHistory } from "./api-types.ts";
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

/** A unit file's content versions, newest first; an unknown one fails with the API's 404. */
export function getUnitFileHistory(api: Api, name: string): Promise<UnitFileHistory> {
  return expectData(
    api,
    api.client.GET("/v1/unit-files/{name}/history", { params: { path: { name } } }),
  );
}
