/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// `npm run dev` proxies the API to a running `advocase serve` (make run) on :8000.
export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      "/graphql": "http://127.0.0.1:8000",
    },
  },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  test: { include: ["src/**/*.test.{ts,tsx}"], environment: "node" },
});
