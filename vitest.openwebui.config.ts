import { defineConfig } from "vitest/config";

// The real-Open-WebUI suite: one instance for the whole run, cases in order.
export default defineConfig({
  test: {
    include: ["test/openwebui/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 180_000,
    // The first run installs Open WebUI into a cached virtualenv.
    hookTimeout: 2_400_000,
  },
});
