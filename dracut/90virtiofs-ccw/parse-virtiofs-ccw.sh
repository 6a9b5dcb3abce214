#!/bin/sh
# SPDX-License-Identifier: MIT
# shellcheck disable=SC2154 # dracut-cmdline.sh sets root and fstype
#
# virtiofs-ccw: dracut accepts a root on a virtio-fs share, root=virtiofs:SPEC
# or rootfstype=virtiofs root=SPEC (SPEC: bus-ID, host ID or tag). systemd's
# sysroot.mount mounts it, waiting for the share's device unit
# (virtiofs-ccw-generator).

if [ "${root%%:*}" = virtiofs ] || [ "${fstype}" = virtiofs ]; then
    # shellcheck disable=SC2034 # dracut-cmdline.sh reads it
    rootok=1
    # dracut's own virtiofs module, in the image too, would mount it once
    # more from a pre-mount hook, before sysroot.mount and without waiting
    # for the device (a late share fails the boot).
    rm -f -- "${hookdir:-/lib/dracut/hooks}/pre-mount/99-mount-virtiofs.sh"
fi
