"""The way in: Starlette app, GraphQL schema, session auth and the CLI. Thin: decodes input, calls domain."""
