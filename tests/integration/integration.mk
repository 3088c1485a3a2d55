INTEGRATION_TESTS += $(wildcard tests/integration/*.sh)
