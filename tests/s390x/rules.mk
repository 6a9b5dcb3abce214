# SPDX-License-Identifier: MIT
#
# make check-s390x: the `make check` suite (unit and CLI tests) cross-built
# for s390x and run big-endian under qemu-s390x-static, output in $(O)/s390x. See
# tests/s390x/README.md.

.PHONY: check-s390x

check-s390x:
	@tests/s390x/run deps
	@tests/s390x/run $(O)
