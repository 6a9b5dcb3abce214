#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck disable=SC2154 # dracut sets moddir, initdir, host_fs_types and its directories
# Test only (tests/system/early.sh): the harness's two steps in a dracut
# initrd, each acting only when its word is on the kernel command line.

check() {
    return 255
}

depends() {
    echo systemd
}

install() {
    inst_script "$moddir/online-later" /usr/lib/virtiofs-ccw-test/online-later
    inst_simple "$moddir/report" /usr/lib/virtiofs-ccw-test/report
    inst_simple "$moddir/virtiofs-ccw-test-online.service" \
        "$systemdsystemunitdir/virtiofs-ccw-test-online.service"
    inst_simple "$moddir/virtiofs-ccw-test-report.service" \
        "$systemdsystemunitdir/virtiofs-ccw-test-report.service"
    $SYSTEMCTL -q --root "$initdir" add-wants sysinit.target virtiofs-ccw-test-online.service
    $SYSTEMCTL -q --root "$initdir" add-wants initrd-root-fs.target virtiofs-ccw-test-report.service
}
