import packageJson from "../../package.json" with { type: "json" };

export interface DocumentInfo {
  title: string;
  version: string;
  description: string;
}

/** What the OpenAPI document says about the server; Open WebUI shows the title. */
export function toolServerInfo(version: string = packageJson.version): DocumentInfo {
  return {
    title: "GitHub tools for Open WebUI",
    version,
    description: "Read GitHub issues and comment on them. Part of openwebui-github.",
  };
}
