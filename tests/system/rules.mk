# SPDX-License-Identifier: MIT
# The real-system suite: a Debian s390x guest with systemd as PID 1, our
# package built in an s390x root and installed by dpkg (tests/system/README.md).
.PHONY: check-system
check-system:
	@tests/system/run.sh deps
	@tests/system/run.sh check
