"""What Advocase knows and does: models, services and pure rules. Knows nothing of HTTP or GraphQL."""
