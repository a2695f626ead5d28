# /usr/lib/dom0/disk.sh - the data disk: found, checked, formatted only when
# it is empty, and mounted at $DOM0_DATA.
#
# Invariant: dom0 writes to a disk only when it holds an ext2/3/4
# filesystem (then through e2fsck and the ext4 driver) or when it is empty:
# no signature blkid knows and nothing but zeros in its first and last MiB
# (where partition tables, RAID and volume labels live). Anything else is
# refused untouched: a disk is never reformatted.

DISK_MIN_MIB=64

# disk_wait DEV - waits up to ten seconds for the block device node
# (virtio_blk probes as its module loads, devtmpfs adds the node).
disk_wait() {
	i=0
	while [ ! -b "$1" ]; do
		[ "$i" -ge 50 ] && return 1
		usleep 200000
		i=$((i + 1))
	done
}

# disk_zero_mib DEV MIB - true when the MIB-th MiB of DEV reads as zeros;
# false when it holds data; status 2 when it cannot be read.
disk_zero_mib() {
	probe=/tmp/disk-probe
	dd if="$1" of="$probe" bs=1048576 skip="$2" count=1 2>/dev/null || return 2
	[ "$(wc -c < "$probe")" -eq 1048576 ] || return 2
	nonzero=$(tr -d '\000' < "$probe" | wc -c)
	rm -f "$probe"
	[ "$nonzero" -eq 0 ]
}

# disk_classify DEV - sets DISK_KIND to ext, empty or foreign, and
# DISK_WHAT to words for the console (what is on it).
disk_classify() {
	info=$(blkid -p -o export "$1" 2>/dev/null)
	rc=$?
	type=$(echo "$info" | sed -n 's/^TYPE=//p')
	pttype=$(echo "$info" | sed -n 's/^PTTYPE=//p')
	DISK_KIND=foreign
	case $type in
	ext2 | ext3 | ext4)
		DISK_KIND=ext DISK_WHAT="an $type filesystem"
		return 0
		;;
	?*)
		DISK_WHAT="a $type filesystem"
		return 0
		;;
	esac
	if [ -n "$pttype" ]; then
		DISK_WHAT="a $pttype partition table"
		return 0
	fi
	# blkid: 2 is "nothing found"; 8 is several signatures at once
	if [ "$rc" -ne 2 ]; then
		DISK_WHAT="signatures blkid cannot tell apart (blkid status $rc)"
		return 0
	fi
	mib=$(($(cat "/sys/class/block/${1##*/}/size") / 2048))
	if [ "$mib" -lt "$DISK_MIN_MIB" ]; then
		DISK_WHAT="only $mib MiB (dom0 needs at least $DISK_MIN_MIB)"
		return 0
	fi
	for at in 0 $((mib - 1)); do
		disk_zero_mib "$1" "$at"
		case $? in
		0) ;;
		1) DISK_WHAT="data without a signature blkid knows (MiB $at is not zero)"; return 0 ;;
		*) DISK_WHAT="MiB $at, which cannot be read"; return 0 ;;
		esac
	done
	DISK_KIND=empty DISK_WHAT="nothing"
}

# disk_format DEV - makes the ext4 filesystem of an empty disk. Lazy
# initialisation: the kernel zeroes inode tables in the background, so the
# first boot does not write the whole table and a sparse disk file stays
# small.
disk_format() {
	echo "dom0: data disk $1 is empty: creating an ext4 filesystem (first boot)"
	/usr/sbin/mke2fs -q -F -t ext4 -L muxvisor-data \
		-E lazy_itable_init=1,lazy_journal_init=1 "$1" < /dev/null
}

# disk_setup - finds the data disk (kernel parameter dom0.disk=, default
# /dev/vda; dom0.disk=ram keeps the data in memory), formats it if empty,
# checks and mounts it at $DOM0_DATA; records new, kept or ram in
# $DOM0_RUN/disk (for the dom0-ready line). On failure returns 1 with the
# reason in DOM0_FAIL, having written nothing to a disk it refused.
disk_setup() {
	dev=$(cmdline_get dom0.disk /dev/vda)
	mkdir -p "$DOM0_DATA"
	if [ "$dev" = ram ]; then
		mount -t tmpfs -o mode=0755 tmpfs "$DOM0_DATA"
		echo "dom0: data in memory (dom0.disk=ram): lost at power-off"
		echo ram > "$DOM0_RUN/disk"
		return 0
	fi
	if ! disk_wait "$dev"; then
		DOM0_FAIL="no data disk $dev (dom0.disk=ram runs without one)"
		return 1
	fi
	disk_classify "$dev"
	case $DISK_KIND in
	empty)
		if ! disk_format "$dev"; then
			DOM0_FAIL="mke2fs failed on $dev"
			return 1
		fi
		state=new
		;;
	ext)
		echo "dom0: data disk $dev holds $DISK_WHAT; keeping it"
		state=kept
		;;
	*)
		echo "dom0: data disk $dev holds $DISK_WHAT, not ext4: refusing to use it (nothing was written to it)"
		DOM0_FAIL="data disk $dev refused: it holds $DISK_WHAT"
		return 1
		;;
	esac
	# e2fsck -p: 0 clean, 1 repaired, 2 repaired (reboot if mounted); 4 and
	# above mean errors left that need a person at the console.
	/usr/sbin/e2fsck -p "$dev"
	rc=$?
	if [ "$rc" -ge 4 ]; then
		DOM0_FAIL="e2fsck left errors on $dev (status $rc); run e2fsck -f $dev on the console, then reboot"
		return 1
	fi
	if ! mount -t ext4 -o noatime "$dev" "$DOM0_DATA"; then
		DOM0_FAIL="cannot mount $dev at $DOM0_DATA"
		return 1
	fi
	echo "dom0: $dev mounted at $DOM0_DATA ($(df -m "$DOM0_DATA" | awk 'NR == 2 { print $4 }') MiB free)"
	echo "$state" > "$DOM0_RUN/disk"
}
