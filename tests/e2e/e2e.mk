E2E_TESTS += $(wildcard tests/e2e/*.sh)
