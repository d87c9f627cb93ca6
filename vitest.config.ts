import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    env: { TZ: "UTC" },
    globalSetup: ["test/setup/build-dist.ts"],
    testTimeout: 60_000,
  },
});
