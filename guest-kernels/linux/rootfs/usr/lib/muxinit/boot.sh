# /usr/lib/muxinit/boot.sh - the first steps every image built on the Linux
# guest image takes, sourced by its /init: the guest's own and dom0's
# (dom0/image/rootfs/init), which layers on this image.

# Mounts the kernel's filesystems and the tmpfs scratch directories.
mount_fs() {
	mount -t proc proc /proc
	mount -t sysfs sysfs /sys
	# devtmpfs gives every device node the drivers create (vda, hvc0, vsock);
	# Debian's kernel has it but does not mount it for an initramfs.
	mount -t devtmpfs devtmpfs /dev
	mkdir -p /dev/pts /dev/shm
	mount -t devpts devpts /dev/pts
	mount -t tmpfs tmpfs /dev/shm
	mount -t tmpfs tmpfs /tmp
	mount -t tmpfs tmpfs /run
}

# Loads the modules listed (dependencies first, paths relative to the
# kernel's module directory) in /etc/muxinit/modules.d/*.list, in file-name
# order. A module that is already present (EEXIST) is fine; any other failure
# is reported and skipped, so that e.g. crc32c-intel on a CPU without SSE4.2
# does not stop the boot.
load_modules() {
	moddir=/lib/modules/$(uname -r)
	for list in /etc/muxinit/modules.d/*.list; do
		[ -f "$list" ] || continue
		while read -r mod; do
			[ -n "$mod" ] || continue
			err=$(insmod "$moddir/$mod" 2>&1) && continue
			case $err in *"File exists"*) continue ;; esac
			echo "muxinit: module ${mod##*/} not loaded: $err"
		done < "$list"
	done
}
