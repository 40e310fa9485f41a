"""Transactional outbox: messages written with the change that caused them, sent later by a worker."""
