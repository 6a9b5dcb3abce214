#!/bin/bash
# SPDX-License-Identifier: MIT
# shellcheck disable=SC2154 # dracut sets moddir, initdir, host_fs_types and its directories
#
# virtiofs-ccw's dracut module: virtio-fs shares by CCW bus-ID in a systemd
# initrd. The generator (virtiofs-ccw-generator) does the plumbing there:
# root=virtiofs:SPEC (or rootfstype=virtiofs root=SPEC) and fstab's
# x-initrd.mount and /usr lines become mounts that wait for the share's
# device unit (rd.timeout=, x-systemd.device-timeout=), free its bus-ID from
# cio_ignore, and run mount(8) and mount.virtiofs, which says in one line
# why a share cannot be mounted.

# virtiofs_ccw_fstab_needs: fstab has a virtio-fs line the initrd mounts
virtiofs_ccw_fstab_needs() {
    local fstab=${dracutsysrootdir-}/etc/fstab dev mp type opts _
    [[ -f $fstab ]] || return 1
    while read -r dev mp type opts _; do
        [[ $dev == \#* || $type != virtiofs ]] && continue
        [[ $mp == /usr || ,$opts, == *,x-initrd.mount,* ]] && return 0
    done < "$fstab"
    return 1
}

# called by dracut
check() {
    require_binaries @SBINDIR@/virtiofs-ccw @MOUNTHELPERDIR@/mount.virtiofs || return 1
    # hostonly: where this system needs a share in its initrd; else only
    # with --add virtiofs-ccw (or add_dracutmodules+=)
    if [[ $hostonly ]]; then
        virtiofs_ccw_fstab_needs && return 0
        local fs
        for fs in "${host_fs_types[@]}"; do
            [[ $fs == virtiofs ]] && return 0
        done
    fi
    return 255
}

# called by dracut
depends() {
    echo systemd
}

# called by dracut
installkernel() {
    # In every image, as dracut's own virtiofs module does; built in on some
    # kernels (Debian's 6.12: all three), then there is nothing to install.
    hostonly='' instmods virtiofs fuse virtio_ccw
}

# called by dracut
install() {
    inst_multiple @SBINDIR@/virtiofs-ccw @MOUNTHELPERDIR@/mount.virtiofs
    # dlopen()ed, so no ELF dependency brings them: libkmod loads virtiofs
    # where the kernel has not, libudev walks the CCW bus while virtio_ccw
    # is not bound yet.
    inst_libdir_file libkmod.so.2 libudev.so.1
    inst_binary @UDEVDIR@/virtiofs-ccw-udev
    inst_rules 90-virtiofs-ccw.rules
    inst_binary @GENERATORDIR@/virtiofs-ccw-generator \
        "$systemdutildir/system-generators/virtiofs-ccw-generator"
    inst_simple @UNITDIR@/virtiofs-ccw-share@.service \
        "$systemdsystemunitdir/virtiofs-ccw-share@.service"
    inst_simple @UNITDIR@/virtiofs-ccw-cio-free@.service \
        "$systemdsystemunitdir/virtiofs-ccw-cio-free@.service"
    # The policy: cio-free = no, the tags of bus-IDs on kernels without the export
    [[ -f @SYSCONFDIR@/virtiofs-ccw.conf ]] && inst_simple @SYSCONFDIR@/virtiofs-ccw.conf
    inst_hook cmdline 95 "$moddir/parse-virtiofs-ccw.sh"
}
