/// <reference types="vitest/config" />
import { defineConfig } from "vite";

// `npm run dev` proxies the API to a running `advocase serve` (make run) on :8000.
export default defineConfig({
  esbuild: { jsx: "automatic" }, // React 17+ JSX runtime, no Babel plugin needed
  server: {
    proxy: {
      "/graphql": "http://127.0.0.1:8000",
    },
  },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  test: { include: ["src/**/*.test.{ts,tsx}"], environment: "node" },
});
