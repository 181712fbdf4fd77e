"""The embedded local stack (emulator, resources, outbox). Never imported in AWS."""
