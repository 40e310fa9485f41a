// Typed operations from the server's SDL: every graphql(`...`) in src/ becomes a TypedDocumentString
// in src/gql/ (generated, not committed). Run by `npm run build` and `npm run typecheck`.
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  schema: "../api/schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**"],
  ignoreNoDocuments: true,
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        documentMode: "string",
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { Date: "string", DateTime: "string", JSON: "unknown", ID: "string" },
      },
    },
  },
};
export default config;
