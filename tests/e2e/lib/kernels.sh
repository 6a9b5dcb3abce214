# SPDX-License-Identifier: MIT
# shellcheck shell=bash
# The guest kernels both QEMU suites boot (e2e, system): package name
# patterns (newest match wins; the ABI is never hard-coded) and whether the
# kernel exports virtio-fs tags in /sys/fs/virtiofs (6.9+).
declare -A KERNEL_ERE=(
	[6.12]='^linux-image-6\.12\.[0-9]+\+[a-z0-9.]+-s390x$'
	[6.1]='^linux-image-6\.1\.0-[0-9]+-s390x$'
)
declare -A KERNEL_TAGS=([6.12]=1 [6.1]=0)
