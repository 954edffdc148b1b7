import { configDefaults, defineConfig } from "vitest/config";
import { openWebUIVersion, openWebUIVersionUnderTest } from "./stand-ins/open-webui-instance.ts";

// These start no Open WebUI (the deliveries page, Schemathesis) or the demo's own release (the
// README's quick start): they run once, with the newest release, not once per tested release.
const versionIndependent = ["deliveries-page", "observe-page", "schemathesis", "readme"].map(
  (name) => `test/openwebui/${name}.test.ts`,
);

// The real-Open-WebUI suite: one instance for the whole run, cases in order. OPENWEBUI_TEST_VERSION
// picks the release (.ci/run runs the suite once per tested release); the newest by default.
export default defineConfig({
  test: {
    include: ["test/openwebui/**/*.test.ts"],
    exclude: [
      ...configDefaults.exclude,
      ...(openWebUIVersionUnderTest() === openWebUIVersion ? [] : versionIndependent),
    ],
    fileParallelism: false,
    testTimeout: 180_000,
    // The first run installs Open WebUI into a cached virtualenv.
    hookTimeout: 2_400_000,
  },
});
