/** The tool server's refusal of a wrong or missing key, one for every way in (OpenAPI routes and /mcp). */
export const toolServerKeyRefusal =
  "Missing or wrong bearer key. Set the tool server connection's key in Open WebUI to TOOL_SERVER_API_KEY.";
